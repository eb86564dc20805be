"""Hostile file names: undecodable bytes, escape sequences, line breaks; one bad file never
stops a folder import."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.core.errors import ImportRefused
from annotator.core.importing import read_document
from annotator.core.importing.names import one_line, readable
from annotator.core.importing.source import Source
from annotator.core.ingest import IngestOutcome, import_paths, import_sources
from annotator.core.store import Store

ESCAPES = "evil\x1b[31mred\x1b[0m\x9b2J"


def bad_bytes_file(folder: Path, raw_name: bytes, data: bytes) -> Path:
    """A file whose name is not UTF-8 (as a Python path: with surrogate escapes)."""
    raw = os.fsencode(folder) + b"/" + raw_name
    with open(raw, "wb") as handle:
        handle.write(data)
    return Path(os.fsdecode(raw))


def test_one_line_makes_controls_and_bidi_overrides_visible() -> None:
    assert one_line(ESCAPES) == "evil\\x1b[31mred\\x1b[0m\\x9b2J"
    assert one_line("a\nb\tc\r") == "a\\nb\\tc\\r"
    assert one_line("abc\u202egnp.exe") == "abc\\u202egnp.exe"
    assert one_line("caf\udce9") == "caf\ufffd"
    assert one_line("Łódź “quoted” 中文 😀 שלום") == "Łódź “quoted” 中文 😀 שלום"


def test_undecodable_bytes_in_a_name_are_replaced_visibly(tmp_path: Path) -> None:
    path = bad_bytes_file(tmp_path, b"caf\xe9-news-2024-03-01.html", b"<p>Body text.</p>")
    document = read_document(path)
    assert document.title == "Caf\ufffd News"
    assert document.published == "2024-03-01"
    assert str(document.source) == str(tmp_path / "caf\ufffd-news-2024-03-01.html")
    assert document.report.source == str(document.source)
    assert document.original is not None and document.original.name.startswith("caf\ufffd")
    assert readable(str(path)) == str(document.source)


def test_a_folder_with_hostile_names_is_imported_whole(tmp_path: Path, fresh_store: Store) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad_bytes_file(folder, b"caf\xe9.txt", b"Caf\xc3\xa9 article\nBody one.\n")
    (folder / f"{ESCAPES}.txt").write_text("Second article\nBody two.\n")
    (folder / "line\nbreak.txt").write_text("Third article\nBody three.\n")
    (folder / "ok.txt").write_text("Fourth article\nBody four.\n")
    outcome = import_paths(fresh_store, [folder], analyst_id=None)
    assert not outcome.refused and not outcome.stopped
    assert len(outcome.added) == 4
    sources = sorted(d.source for d in fresh_store.documents.list())
    assert str(folder / "caf\ufffd.txt") in sources
    assert str(folder / f"{ESCAPES}.txt") in sources  # stored as it is; shown escaped
    for _summary, report in outcome.added:
        assert "\x1b" not in report.summary() and "\x9b" not in report.summary()
    assert len(outcome.summary().splitlines()) == 1


def test_summary_lines_cannot_be_forged_or_recoloured() -> None:
    outcome = IngestOutcome(
        refused=[ImportRefused(f"/tmp/{ESCAPES}\nImported 99 document(s).txt", "the file is empty")]
    )
    lines = outcome.summary().splitlines()
    assert lines == [
        "Imported 0 document(s).",
        "Not imported (1):",
        "  /tmp/evil\\x1b[31mred\\x1b[0m\\x9b2J\\nImported 99 document(s).txt: the file is empty",
    ]


def test_a_reader_failing_unexpectedly_refuses_that_file_only(fresh_store: Store) -> None:
    from annotator.core.importing import ExtractedDocument, ImportReport

    def good(n: int) -> ExtractedDocument:
        report = ImportReport(
            source=f"{n}.txt", format="text", encoding="utf-8", encoding_detected=False
        )
        return ExtractedDocument(Path(f"{n}.txt"), f"Article {n}", f"Text {n}.", None, report)

    def broken() -> ExtractedDocument:
        raise RuntimeError("a bug in some reader")

    sources = [
        Source("1.txt", "1.txt", lambda: good(1)),
        Source("2.txt", "2.txt", broken),
        Source("3.txt", "3.txt", lambda: good(3)),
    ]
    outcome = import_sources(fresh_store, sources, analyst_id=None)
    assert [s.title for s, _r in outcome.added] == ["Article 1", "Article 3"]
    assert [str(r) for r in outcome.refused] == [
        "2.txt: the file could not be read (RuntimeError: a bug in some reader)"
    ]


@pytest.mark.parametrize("name", ["caf\udce9.txt", "x\udcff\udcfe.txt"])
def test_readable_replaces_each_undecodable_byte(name: str) -> None:
    assert "\ufffd" in readable(name)
    readable(name).encode("utf-8")  # storable
