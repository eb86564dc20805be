"""File ▸ Import QDA project… and the REFI-QDA format of File ▸ Export…, from the window."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from qdpx_support import NS, validate
from test_qdpx_import import RAW, _file

from annotator.gui.dialogs.export_dialog import ExportDialog
from annotator.gui.window.import_flow import ReportDialog
from support import find_top_level


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    def chosen(*args: object, **kwargs: object) -> tuple[str, str]:
        return str(path), "REFI-QDA projects (*.qdpx)"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", chosen)


def test_menu_imports_a_qda_project_and_shows_the_report(
    open_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    _choose(monkeypatch, _file(tmp_path))
    action = window.actions_by_id["import_qda"]
    assert action.text() == "Import Q&DA project (.qdpx)…"
    assert action in window.menuBar().actions()[0].menu().actions()
    action.trigger()
    qtbot.waitUntil(lambda: find_top_level(ReportDialog) is not None)
    report = find_top_level(ReportDialog)
    assert "Imported 1 document and 4 annotations from other.qdpx" in report.text_view.toPlainText()
    assert "picture source “Photo”" in report.text_view.toPlainText()
    # The window shows what the worker stored: the document, and the new labels in its codebook.
    assert [d.title for d in window.store.documents.list()] == ["Press conference"]
    assert window.documents.model.contains(window.store.documents.list()[0].id)
    names = [label.name for label in window.store.codebook.get().labels]
    assert "Politics / Foreign policy / China" in names and "Tone" in names
    window.open_document(window.store.documents.list()[0].id)
    assert window.view.text == RAW.replace("\r\n", "\n")
    report.close()


def test_a_refused_file_is_told_and_nothing_is_stored(
    open_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    bad = tmp_path / "slip.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("project.qde", "<Project xmlns='urn:QDA-XML:project:1.0' name='x'/>")
        archive.writestr("../evil.txt", "x")
    _choose(monkeypatch, bad)
    window.actions_by_id["import_qda"].trigger()
    qtbot.waitUntil(lambda: find_top_level(QMessageBox, "errorMessage") is not None)
    box = find_top_level(QMessageBox, "errorMessage")
    assert "outside the archive" in box.text() and "Nothing was imported" in box.text()
    assert window.store.documents.list() == []
    box.close()


def test_export_dialog_writes_a_qdpx(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from support import SAMPLE

    window = open_window([SAMPLE])
    dialog = ExportDialog(window.store, window.current_document, window)
    dialog.format.setCurrentIndex(dialog.format.findData("qdpx"))
    assert "REFI-QDA" in dialog.format.currentText()
    out = tmp_path / "out.qdpx"
    dialog.export_to(out)
    assert dialog.result_ is not None and dialog.result_.format == "qdpx"
    root = validate(out)
    assert root.find("q:Sources/q:TextSource", NS) is not None
