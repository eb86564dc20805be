"""File ▸ Export… and the printable report from the window."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from annotator.gui.dialogs.export_dialog import ExportDialog
from annotator.gui.window.main_window import MainWindow
from driving import drag, keys
from support import SAMPLE, find_top_level


def _tagged(open_window) -> MainWindow:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    view = window.view
    start = view.text.index("Wang Yi")
    drag(view, start, start + len("Wang Yi"))
    QTest.keyClick(view, Qt.Key.Key_2)
    start = view.text.index("Bilateral relations have maintained")
    drag(view, start, start + len("Bilateral relations have maintained"))
    QTest.keyClick(view, Qt.Key.Key_1)
    return window


def test_export_dialog_writes_the_chosen_format_with_its_filter(
    open_window, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = _tagged(open_window)
    out = tmp_path / "claims.csv"
    done: list[bool] = []

    def fill() -> None:
        dialog = find_top_level(ExportDialog)
        assert isinstance(dialog, ExportDialog)
        dialog.format.setFocus()
        keys(dialog.format, Qt.Key.Key_Down)  # second format: Claims CSV
        assert dialog.format.currentData() == "claims"
        qtbot.mouseClick(dialog.only_current, Qt.MouseButton.LeftButton)
        dialog.export_to(out)  # what choosing this file in the save dialog does
        done.append(True)

    QTimer.singleShot(100, fill)
    keys(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert done == [True]
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert [r["quote"] for r in rows] == ["Bilateral relations have maintained"]
    assert "Wrote 1 claim" in window.statusBar().currentMessage()


def test_export_error_stays_in_the_dialog(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _tagged(open_window)
    dialog = ExportDialog(window.store, window.current_document, window)
    dialog.export_to(tmp_path / "missing-folder" / "out.csv")
    assert "does not exist" in dialog.error.text()
    assert dialog.result_ is None


def test_printable_report_as_pdf_and_html(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _tagged(open_window)
    window.write_report(tmp_path / "report.pdf", html=False)
    window.write_report(tmp_path / "report.html", html=True)
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Bilateral relations have maintained" in page and "Speaker (1)" in page


def test_export_dialog_offers_the_reviewed_layer(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.attribution import DocumentAnnotations
    from annotator.core.review import compare_layers

    window = _tagged(open_window)
    store, doc = window.store, window.current_document
    assert doc is not None
    state = DocumentAnnotations(
        store.annotations.for_document(doc),
        store.annotations.links_for_document(doc),
        store.codebook.get(),
    )
    olga = store.ensure_analyst("Olga").id
    items = compare_layers(state, window.analyst.id, olga)
    window.session.review(
        state, [(items[0], "first")], first_layer=window.analyst.id, second_layer=olga
    )
    out = tmp_path / "reviewed.csv"
    done: list[bool] = []

    def fill() -> None:
        dialog = find_top_level(ExportDialog)
        assert isinstance(dialog, ExportDialog)
        layers = dialog.analysts
        names = [layers.item(i).text() for i in range(layers.count())]  # type: ignore[union-attr]
        assert names == ["Ana", "Olga", "reviewed"]
        for i, name in enumerate(names):
            layers.item(i).setCheckState(  # type: ignore[union-attr]
                Qt.CheckState.Checked if name == "reviewed" else Qt.CheckState.Unchecked
            )
        dialog.export_to(out)
        done.append(True)

    QTimer.singleShot(100, fill)
    keys(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert done == [True]
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert [(r["quote"], r["analyst"], r["reviewed_by"]) for r in rows] == [
        (items[0].sides()[0].quote, "reviewed", "Ana")
    ]


def test_export_save_dialog_starts_beside_the_project(open_window, monkeypatch, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    window = _tagged(open_window)
    asked: list[str] = []

    def save(_parent, _caption, start, *_rest):  # type: ignore[no-untyped-def]
        asked.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    dialog = ExportDialog(window.store, window.current_document, window)
    qtbot.addWidget(dialog)
    dialog.show()
    save_button = next(b for b in dialog.findChildren(QPushButton) if "Save" in b.text())
    qtbot.mouseClick(save_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    assert Path(asked[0]).parent == window.store.path.parent
    assert Path(asked[0]).name.startswith("annotations-")
