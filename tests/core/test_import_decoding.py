"""Decoding, binary/empty/oversize refusal and text normalisation of imported files."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError, ImportRefused
from annotator.core.importing import (
    MAX_FILE_BYTES,
    decode_bytes,
    normalise_text,
    read_document,
)
from annotator.core.importing import reader as reader_module

SRC = Path("article.txt")
RUSSIAN = "Министр заявил, что «зерновой коридор» будет продлён ещё на два месяца. Ёлки!"
FRENCH = "Le ministre a déclaré que la « réforme » était “nécessaire” — 5 € de plus, c’est ça."
PORTUGUESE = "O governo de São Paulo anunciou ações. “Não vamos recuar”, disse o secretário João."
JAPANESE = "外務省は声明で「地域の安定を損なう行為だ」と批判した。交渉は来週再開される見通しだ。"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- decode_bytes ---------------------------------------------------------------------------


def test_strict_utf8_is_not_reported_as_detected() -> None:
    assert decode_bytes("naïve “text”".encode(), source=SRC) == ("naïve “text”", "utf-8", False)


def test_utf8_bom_is_stripped_and_named_utf8_sig() -> None:
    text, name, detected = decode_bytes(codecs.BOM_UTF8 + "Zürich".encode(), source=SRC)
    assert (text, name, detected) == ("Zürich", "utf-8-sig", False)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text, name, detected = decode_bytes(bom + RUSSIAN.encode(codec), source=SRC)
    assert (text, name, detected) == (RUSSIAN, "utf-16", False)


def test_utf32_with_bom_is_not_mistaken_for_utf16() -> None:
    text, name, _ = decode_bytes("Hello 😀".encode("utf-32"), source=SRC)
    assert (text, name) == ("Hello 😀", "utf-32")


@pytest.mark.parametrize("sample", ["Plain ASCII words, nothing else.", RUSSIAN, "Ünïcödé «x»"])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(sample: str, codec: str) -> None:
    assert decode_bytes(sample.encode(codec), source=SRC) == (sample, codec, True)


def test_cp1251_is_detected() -> None:
    assert decode_bytes(RUSSIAN.encode("cp1251"), source=SRC) == (RUSSIAN, "cp1251", True)


@pytest.mark.parametrize("sample", [FRENCH, PORTUGUESE])
def test_cp1252_is_detected_not_cp1250(sample: str) -> None:
    # charset-normalizer alone picks cp1250 here and reads "São" as "Săo".
    assert decode_bytes(sample.encode("cp1252"), source=SRC) == (sample, "cp1252", True)


def test_shift_jis_is_detected() -> None:
    text, name, detected = decode_bytes(JAPANESE.encode("shift_jis"), source=SRC)
    assert text == JAPANESE and detected
    assert name in {"shift_jis", "cp932"}


def test_override_wins_over_detection_and_is_canonicalised() -> None:
    data = RUSSIAN.encode("cp1251")
    assert decode_bytes(data, encoding="windows-1251", source=SRC) == (RUSSIAN, "cp1251", False)
    # A wrong but decodable override is obeyed: the analyst asked for it.
    text, name, _ = decode_bytes(data, encoding="latin-1", source=SRC)
    assert name == "iso8859-1" and text != RUSSIAN


def test_unknown_override_is_refused() -> None:
    with pytest.raises(ImportRefused) as info:
        decode_bytes(b"abc", encoding="klingon", source=SRC)
    assert info.value.reason == "unknown encoding 'klingon'"


def test_non_text_codec_override_is_refused() -> None:
    with pytest.raises(ImportRefused, match="unknown encoding 'base64'"):
        decode_bytes(b"abc", encoding="base64", source=SRC)


def test_undecodable_override_names_the_byte_offset() -> None:
    with pytest.raises(ImportRefused) as info:
        decode_bytes(b"abc\xffdef", encoding="utf-8", source=SRC)
    assert "byte offset 3" in info.value.reason
    assert "0xff" in info.value.reason


def test_broken_bom_file_is_refused_not_crashing() -> None:
    with pytest.raises(ImportRefused, match="byte offset"):
        decode_bytes(codecs.BOM_UTF8 + b"ok \xff", source=SRC)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"%PDF-1.7\n" + bytes(range(256)) * 8,
        bytes(range(1, 32)) * 40,  # no NULs, but nothing but control characters
        random.Random(7).randbytes(4000).replace(b"\x00", b"\x01"),  # no NULs either
    ],
    ids=["png", "pdf-ish", "controls", "random"],
)
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(ImportRefused) as info:
        decode_bytes(data, source=SRC)
    assert info.value.reason == "looks like a binary file, not text"


def test_binary_is_refused_even_with_an_override() -> None:
    with pytest.raises(ImportRefused, match="binary"):
        decode_bytes(b"\x00\x01\x02\x03" * 100, encoding="utf-8", source=SRC)


def test_single_nul_in_utf8_text_makes_it_binary() -> None:
    with pytest.raises(ImportRefused, match="binary"):
        decode_bytes(b"mostly text but one NUL\x00 here", source=SRC)


# --- read_document: sizes and emptiness -----------------------------------------------------


def test_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused) as info:
        read_document(write(tmp_path, "a.txt", b""))
    assert info.value.reason == "the file is empty"


@pytest.mark.parametrize("data", [b"   \n\t\r\n  ", codecs.BOM_UTF8, "\u2028 \u00a0".encode()])
def test_whitespace_only_file_has_no_text(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ImportRefused) as info:
        read_document(write(tmp_path, "a.txt", data))
    assert info.value.reason == "no text found"


def test_oversize_file_is_refused_with_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader_module, "MAX_FILE_BYTES", 100)
    assert read_document(write(tmp_path, "ok.txt", b"x" * 100)).text == "x" * 100
    with pytest.raises(ImportRefused) as info:
        read_document(write(tmp_path, "big.txt", b"x" * 101))
    assert "too large" in info.value.reason and "100 bytes" in info.value.reason


def test_limit_accepts_at_least_50_megabytes() -> None:
    assert MAX_FILE_BYTES == 64 * 1024 * 1024
    assert MAX_FILE_BYTES >= 50 * 10**6


def test_refusal_is_a_plain_annotator_error(tmp_path: Path) -> None:
    with pytest.raises(AnnotatorError) as info:
        read_document(write(tmp_path, "a.txt", b""))
    assert str(info.value) == f"{tmp_path / 'a.txt'}: the file is empty"


def test_read_document_reports_detected_encoding(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "ru.txt", RUSSIAN.encode("cp1251")))
    assert doc.text == RUSSIAN
    assert (doc.report.encoding, doc.report.encoding_detected) == ("cp1251", True)


def test_read_document_honours_override(tmp_path: Path) -> None:
    russian = "Министр заявил, что зерновой коридор будет продлён. Ёлки!"
    path = write(tmp_path, "ru.txt", russian.encode("koi8-r"))
    doc = read_document(path, encoding="koi8-r")
    assert doc.text == russian
    assert (doc.report.encoding, doc.report.encoding_detected) == ("koi8-r", False)


# --- normalisation --------------------------------------------------------------------------


def test_crlf_becomes_lf_with_warning() -> None:
    assert normalise_text("a\r\nb\r\n") == ("a\nb\n", ["line endings normalised (CRLF)"])


def test_lone_cr_becomes_lf_with_warning() -> None:
    assert normalise_text("a\rb") == ("a\nb", ["line endings normalised (CR)"])


def test_mixed_line_endings() -> None:
    text, warnings = normalise_text("a\r\nb\rc\n")
    assert text == "a\nb\nc\n"
    assert warnings == ["line endings normalised (CRLF and CR)"]


def test_unicode_separators_become_line_breaks() -> None:
    text, warnings = normalise_text("a\u2028b\u2029c")
    assert text == "a\nb\nc"
    assert len(warnings) == 1 and "2" in warnings[0]


def test_controls_are_removed_and_counted_but_tab_and_newline_kept() -> None:
    text, warnings = normalise_text("a\x00b\x07c\td\x1b\x7fe\nf\x0c")
    assert text == "ab" + "c\tde\nf"
    assert warnings == ["control characters removed: 5"]


def test_bom_is_removed_anywhere() -> None:
    text, warnings = normalise_text("\ufeffHello\ufeff world")
    assert text == "Hello world"
    assert warnings == ["byte order marks removed: 2"]


def test_characters_are_not_unicode_normalised() -> None:
    decomposed = "Cafe\u0301 ﬁne Å ½ 😀 “quotes” – "
    assert normalise_text(decomposed) == (decomposed, [])


def test_crlf_file_reports_warning_and_keeps_last_newline(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.txt", b"Title\r\nBody line\r\n"))
    assert doc.text == "Title\nBody line\n"
    assert "line endings normalised (CRLF)" in doc.report.warnings


def test_text_is_not_stripped_or_extended(tmp_path: Path) -> None:
    assert read_document(write(tmp_path, "a.txt", b"  indented")).text == "  indented"
    assert read_document(write(tmp_path, "b.txt", b"no newline")).text == "no newline"


def test_stray_nul_at_an_odd_offset_is_not_utf16() -> None:
    with pytest.raises(ImportRefused, match="binary"):
        decode_bytes(b"Some text with one NUL at an odd offset:\x00!", source=SRC)
