"""Two windows (or the window and the CLI) on one project; where the analyst was, kept."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.session import Session
from annotator.core.store import Store
from driving import keys
from support import SAMPLE


def test_changes_made_elsewhere_appear_on_f5(open_window, db_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window([SAMPLE])
    doc = window.current_document
    with Store.open(db_path) as other:  # another window, or the command line
        session = Session(other, other.ensure_analyst("Ben"))
        text = other.documents.text(doc)
        start = text.index("Wang Yi")
        session.create_annotation(
            document_id=doc,
            label_id=other.codebook.get().by_name("Speaker").id,
            start=start,
            end=start + 7,
        )
    assert window.table.model.rowCount() == 0
    keys(window.view, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.table.model.rowCount() == 1)  # filled right after the text
    assert window.documents.model.document_at(0).annotation_count == 1


def test_the_window_reopens_at_the_same_place(open_window, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "long.txt"
    article.write_text(
        "Long article\n" + "\n".join(f"Paragraph {n} of the speech." for n in range(400)),
        encoding="utf-8",
    )
    first = open_window([article])
    bar = first.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    where = first.view.firstVisibleBlock().blockNumber()
    assert where > 100
    qtbot.wait(600)  # the position is saved once scrolling pauses
    doc = first.current_document
    first.close()
    first.store.close()
    second = open_window([])
    assert second.current_document == doc
    assert second.view.firstVisibleBlock().blockNumber() == where


def test_a_project_on_a_network_drive_is_warned_about(
    open_window,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import annotator.gui.app as app_module

    monkeypatch.setattr(
        app_module, "network_warning", lambda path: f"This project is on a network drive: {path}"
    )
    window = open_window([])
    assert window.info_bar.isVisible()
    assert "network drive" in window.info_bar.message.text()
