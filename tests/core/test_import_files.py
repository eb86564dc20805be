"""Files and folders: collection, path refusals, titles, dates and the stored report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import ImportRefused
from annotator.core.importing import (
    SUPPORTED_SUFFIXES,
    ImportReport,
    Repair,
    collect_files,
    read_document,
)

ROOT = Path(__file__).resolve().parents[2]


def touch(path: Path, content: str = "Some text") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


# --- collect_files --------------------------------------------------------------------------


def test_supported_suffixes() -> None:
    assert frozenset(
        {".txt", ".md", ".markdown", ".html", ".htm", ".mhtml", ".mht", ".docx", ".pdf"}
    ) == SUPPORTED_SUFFIXES


def test_folders_expand_sorted_skipping_hidden_and_unsupported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    expected = [
        touch(folder / "a.txt"),
        touch(folder / "b" / "c.md"),
        touch(folder / "b" / "d.HTML"),
        touch(folder / "e.docx"),
        touch(folder / "z.markdown"),
    ]
    touch(folder / ".hidden.txt")
    touch(folder / ".git" / "notes.txt")
    touch(folder / "b" / ".cache" / "x.html")
    touch(folder / "report.odt")
    touch(folder / "photo.png")
    touch(folder / "README")
    files, refused = collect_files([folder])
    assert files == expected
    assert refused == []


def test_explicit_files_are_kept_or_refused(tmp_path: Path) -> None:
    hidden = touch(tmp_path / ".draft.txt")
    pdf = touch(tmp_path / "report.odt")
    missing = tmp_path / "gone.txt"
    article = touch(tmp_path / "article.txt")
    files, refused = collect_files([hidden, pdf, missing, article, article])
    assert files == [hidden, article]  # named on purpose, so hidden is fine; no duplicates
    assert [(r.path, r.reason) for r in refused] == [
        (pdf, refused[0].reason),
        (missing, "the file or folder does not exist"),
    ]
    assert "unsupported file type '.odt'" in refused[0].reason
    assert all(isinstance(r, ImportRefused) for r in refused)


def test_folder_and_file_overlap_is_not_duplicated(tmp_path: Path) -> None:
    article = touch(tmp_path / "d" / "a.txt")
    files, _ = collect_files([tmp_path / "d", article])
    assert files == [article]


# --- read_document path refusals -----------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused) as info:
        read_document(tmp_path / "nope.txt")
    assert info.value.reason == "the file does not exist"


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(ImportRefused) as info:
        read_document(folder)
    assert info.value.reason == "this is a folder, not a file"


def test_unsupported_suffix(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match=r"unsupported file type '\.odt'"):
        read_document(touch(tmp_path / "x.odt"))


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = touch(tmp_path / "secret.txt")

    def deny(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    assert info.value.reason == "permission denied: the file cannot be read"


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ImportRefused, match="not a regular file"):
        read_document(fifo)


# --- titles and dates -----------------------------------------------------------------------


def test_text_title_is_first_non_empty_line(tmp_path: Path) -> None:
    doc = read_document(touch(tmp_path / "a.txt", "\n\n  Minister resigns  \nBody"))
    assert doc.title == "Minister resigns"
    assert doc.text == "\n\n  Minister resigns  \nBody"


def test_long_first_line_falls_back_to_file_name(tmp_path: Path) -> None:
    doc = read_document(touch(tmp_path / "my_long-story.txt", "x" * 121 + "\nBody"))
    assert doc.title == "My Long Story"
    assert read_document(touch(tmp_path / "b.txt", "y" * 120)).title == "y" * 120


def test_markdown_title_is_first_heading(tmp_path: Path) -> None:
    text = "Intro line\n\n# The *Real* Title #\n\n## Sub"
    doc = read_document(touch(tmp_path / "a.md", text))
    assert doc.title == "The *Real* Title"
    assert doc.text == text  # no rendering
    assert doc.report.format == "markdown"


def test_markdown_without_heading_uses_first_line(tmp_path: Path) -> None:
    assert read_document(touch(tmp_path / "a.markdown", "#hashtag\nMore")).title == "#hashtag"


def test_published_date_from_file_name(tmp_path: Path) -> None:
    assert read_document(touch(tmp_path / "x-2023-03-14-y.txt")).published == "2023-03-14"
    assert read_document(touch(tmp_path / "x-2023-13-14.txt")).published is None
    assert read_document(touch(tmp_path / "plain.txt")).published is None


# --- the report -----------------------------------------------------------------------------


def test_report_round_trips_through_json(tmp_path: Path) -> None:
    doc = read_document(touch(tmp_path / "a.txt", "Café “x”\r\nIt’s cafÃ©\x07"))
    report = doc.report
    assert report.warnings == ["line endings normalised (CRLF)", "control characters removed: 1"]
    assert report.repairs == [
        Repair(offset=17, before="Ã©", after="é", context="Café “x”\nIt’s café")
    ]
    assert ImportReport.from_json(report.to_json()) == report
    assert '"before": "Ã©"' in report.to_json()  # stored readable, not \\u-escaped


def test_summary_lists_everything(tmp_path: Path) -> None:
    doc = read_document(touch(tmp_path / "a.txt", "It’s cafÃ©\r\n"))
    summary = doc.report.summary()
    assert str(tmp_path / "a.txt") in summary
    assert "Format: text" in summary
    assert "Encoding: utf-8" in summary
    assert "'Ã©' → 'é'" in summary
    assert "It’s café" in summary
    assert "line endings normalised (CRLF)" in summary


def test_from_json_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        ImportReport.from_json('{"source": "x"}')
    with pytest.raises(ValueError):
        ImportReport.from_json("not json")


def test_importing_core_does_not_load_qt() -> None:
    code = (
        "import sys, annotator.core.importing\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
