"""File ▸ Back up now, Restore from backup…, Check project, and the daily backup."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.safety import list_backups
from annotator.gui.window import project_safety
from annotator.gui.window.import_flow import ReportDialog
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


def test_restoring_copies_the_backup_in_a_worker_thread_while_the_window_paints(
    open_window, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import threading

    window = open_window([SAMPLE])
    window.actions_by_id["backup"].trigger()
    manual = next(b for b in list_backups(window.store.path) if b.reason == "manual")
    real_restore = project_safety.restore_backup
    seen: list[bool] = []

    def watched(project, backup):  # type: ignore[no-untyped-def]
        seen.append(threading.current_thread() is threading.main_thread())
        return real_restore(project, backup)

    monkeypatch.setattr(project_safety, "restore_backup", watched)
    project_safety.restore(window, manual.path)
    assert seen == [False]  # copied off the GUI thread
    assert window.store.documents.list()  # and the project is open again
    assert "previous version is kept" in window.info_bar.message.text()


def test_a_damaged_project_offers_its_newest_good_backup(qtbot, db_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from annotator.core.safety import make_backup
    from annotator.core.store import Store
    from annotator.gui.app import create_window

    with Store.open(db_path) as store:
        store.ensure_analyst("Ana")
        make_backup(store, reason="manual")
    damaged = b"SQLite format 3\x00" + b"\xff" * 8000
    db_path.write_bytes(damaged)
    for side in ("-wal", "-shm"):
        db_path.with_name(db_path.name + side).unlink(missing_ok=True)
    seen: list[str] = []

    def answer_yes() -> None:
        box = find_top_level(QMessageBox, "restoreOffer")
        if box is None:
            QTimer.singleShot(50, answer_yes)
            return
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(50, answer_yes)
    window = create_window(db_path=db_path, analyst="Ana", files=[])
    assert window is not None
    qtbot.addWidget(window)
    assert "damaged" in seen[0] and "Restore the newest good backup" in seen[0]
    assert [a.name for a in window.store.analysts()] == ["Ana"]
    kept = [b for b in list_backups(db_path) if b.reason == "before-restore"]
    assert kept and kept[0].path.read_bytes() == damaged  # the damaged file, byte for byte
    window.close()
    window.store.close()


def test_a_failed_quick_check_after_opening_is_shown(open_window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from annotator.gui.window import project_safety as module

    monkeypatch.setattr(module, "quick_check", lambda path: "*** in database main *** page 7")
    window = open_window([SAMPLE])
    qtbot.waitUntil(lambda: "quick check" in window.info_bar.message.text())
    assert "page 7" in window.info_bar.message.text()


def test_quick_check_of_a_sound_project_is_ok(db_path) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.safety.check import quick_check
    from annotator.core.store import Store

    Store.open(db_path).close()
    assert quick_check(db_path) == "ok"


def test_merging_a_colleagues_project_shows_their_tags(open_window, tmp_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.session import Session
    from annotator.core.store import Store

    theirs_path = tmp_path / "ben.sqlite"
    window = open_window([SAMPLE])
    doc = window.current_document
    with Store.open(theirs_path) as theirs:
        text = window.store.documents.text(doc)
        from annotator.core.ingest import import_paths

        import_paths(theirs, [SAMPLE], analyst_id=None)
        their_doc = theirs.documents.list()[0].id
        ben = Session(theirs, theirs.ensure_analyst("Ben"))
        start = text.index("Wang Yi")
        ben.create_annotation(
            document_id=their_doc,
            label_id=theirs.codebook.get().by_name("Speaker").id,
            start=start,
            end=start + 7,
        )
    project_safety.merge(window, theirs_path)  # what choosing the file in the dialog does
    assert window.store.annotations.for_document(doc)[0].quote == "Wang Yi"
    qtbot.waitUntil(lambda: window.table.model.rowCount() == 1)  # shown without a restart
    dialog = find_top_level(ReportDialog)
    assert isinstance(dialog, ReportDialog) and "1 added" in dialog.text_view.toPlainText()
    dialog.close()
