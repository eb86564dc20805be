"""NEXT LINE (U+0085) in an imported article is a line ending, as CR, CRLF and the Unicode
separators are; a NEL that belongs to mis-decoded UTF-8 is left for mojibake repair."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.importing import normalise_text, read_document
from annotator.core.qdpx.positions import mapped


def test_nel_becomes_a_line_break_with_a_warning() -> None:
    text, warnings = normalise_text("First line.\x85Second line.\x85")
    assert text == "First line.\nSecond line.\n"
    assert warnings == ["next-line characters (U+0085) turned into line breaks: 2"]


def test_all_line_endings_the_readme_names_become_one_line_break_each() -> None:
    text, _ = normalise_text("a\r\nb\rc\u2028d\u2029e\x85f")
    assert text == "a\nb\nc\nd\ne\nf"


def test_an_imported_text_file_holds_no_nel(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes("Wei Fenghe said:\x85China opposes external forces.".encode())
    document = read_document(path)
    assert document.text == "Wei Fenghe said:\nChina opposes external forces."
    assert any("U+0085" in warning for warning in document.report.warnings)


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [("Ñ\x85орошо", "хорошо"), ("Ã\x85ngström", "Ångström"), ("moÅ¼na Ä\x85", "można ą")],
)
def test_a_nel_inside_mojibake_is_still_repaired(
    tmp_path: Path, broken: str, repaired: str
) -> None:
    """“х” is D1 85 in UTF-8: read as Latin-1 it is “Ñ” and a NEL, which is no line ending."""
    path = tmp_path / "article.txt"
    path.write_bytes(f"Он сказал: {broken}.\x85Next line.".encode())
    document = read_document(path)
    assert document.text == f"Он сказал: {repaired}.\nNext line."


@pytest.mark.parametrize("raw", ["one\x85two 😀\x85three", "a\r\n\x85b\u2028\x85\ufeffc\x85"])
def test_raw_positions_map_through_nel(raw: str) -> None:
    """Positions of a QDA project's selections, counted in its raw text, land on the same
    characters of the stored text (a NEL is one character, as the line break it becomes)."""
    result = mapped(raw)
    assert "\x85" not in result.text
    for start in range(len(raw) + 1):
        for end in range(start, len(raw) + 1):
            got = result.text[result.position(start) : result.position(end)]
            inside_crlf = raw[start:end].endswith("\r") and raw[end : end + 1] == "\n"
            assert got == normalise_text(raw[start:end])[0] or inside_crlf
    two = raw.find("two")
    if two >= 0:
        assert result.text[result.position(two) :].startswith("two 😀\nthree")
