"""The shipped sample articles import as intended (encodings, scripts, emoji, HTML noise)."""

from __future__ import annotations

import codecs
from pathlib import Path

from annotator.core.importing import collect_files, read_document

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
RUSSIAN = SAMPLES / "ria-style-2023-03-14-grain-corridor-ru.txt"
ARABIC = SAMPLES / "aljazeera-style-2023-06-02-water-talks-ar.html"
EMOJI = SAMPLES / "press-release-2024-01-09-emoji-launch.md"


def test_cp1251_sample_is_detected_and_read_correctly() -> None:
    raw = RUSSIAN.read_bytes()
    assert not raw.startswith(codecs.BOM_UTF8)
    doc = read_document(RUSSIAN)
    assert (doc.report.encoding, doc.report.encoding_detected) == ("cp1251", True)
    assert doc.text == raw.decode("cp1251")
    assert doc.title == "Переговоры о зерновом коридоре продолжатся в Стамбуле"
    assert "«Мы не отказываемся от диалога" in doc.text
    assert "Анна Крылова" in doc.text
    assert doc.published == "2023-03-14"
    assert doc.report.repairs == []
    assert 150 <= len(doc.text.split()) <= 300


def test_arabic_html_sample_has_no_script_or_style_text() -> None:
    doc = read_document(ARABIC)
    assert doc.title == "محادثات المياه تستأنف في جنيف وسط تبادل الاتهامات"
    for leaked in ("trackingId", "console", "ad-banner", "font-family", "widgets", "related"):
        assert leaked not in doc.text
    assert "<" not in doc.text
    assert "«لن نقبل بأي اتفاق لا يضمن حصتنا التاريخية من المياه»" in doc.text
    assert "«سيدفع المزارعين إلى الهجرة»" in doc.text  # from &laquo; &raquo;
    assert doc.text.startswith(doc.title + "\n")
    assert doc.published == "2023-06-02"
    assert (doc.report.format, doc.report.encoding) == ("html", "utf-8")
    assert 150 <= len(doc.text.split()) <= 300


def test_emoji_markdown_sample_is_kept_as_written() -> None:
    doc = read_document(EMOJI)
    assert doc.text == EMOJI.read_text(encoding="utf-8")
    assert doc.title == "NovaLink Systems unveils “Beacon” satellite messenger 🚀"
    for piece in ("🚀", "😀", "🇰🇿", "🛰️", "「世界中どこでもつながる」", "「随时随地，安心联络」"):
        assert piece in doc.text
    assert doc.report.repairs == [] and doc.report.warnings == []
    assert doc.published == "2024-01-09"


def test_every_sample_imports() -> None:
    files, refused = collect_files([SAMPLES])
    assert refused == []
    assert {RUSSIAN, ARABIC, EMOJI} <= set(files)
    for path in files:
        assert read_document(path).text.strip()


def test_long_first_line_falls_back_to_a_readable_title_from_the_file_name() -> None:
    doc = read_document(SAMPLES / "global-times-2022-04-26-wei-fenghe-kazakhstan.txt")
    assert doc.title == "Global Times Wei Fenghe Kazakhstan"
    assert doc.published == "2022-04-26"
