"""File ▸ Back up now, Restore from backup…, Check project, and the daily backup."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.safety import list_backups
from annotator.gui import project_safety
from annotator.gui.import_flow import ReportDialog
from driving import drag
from support import SAMPLE, find_top_level


def test_daily_backup_back_up_now_restore_and_check(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window([SAMPLE])
    qtbot.waitUntil(lambda: any(b.reason == "daily" for b in list_backups(window.store.path)))
    view = window.view
    start = view.text.index("Wang Yi")
    drag(view, start, start + len("Wang Yi"))
    QTest.keyClick(view, Qt.Key.Key_2)
    window.actions_by_id["backup"].trigger()
    manual = next(b for b in list_backups(window.store.path) if b.reason == "manual")
    assert "Backed up to" in window.statusBar().currentMessage()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert window.store.annotations.for_document(window.current_document) == []
    project_safety.restore(window, manual.path)  # what choosing it in the list does
    quotes = [a.quote for a in window.store.annotations.for_document(window.current_document)]
    assert quotes == ["Wang Yi"]
    assert "previous version is kept" in window.info_bar.message.text()
    window.actions_by_id["check"].trigger()
    dialog = find_top_level(ReportDialog)
    assert isinstance(dialog, ReportDialog)
    assert "1 annotation(s)" in dialog.text_view.toPlainText()
    assert "no problems found" in dialog.text_view.toPlainText()
    dialog.close()
