"""Labels another program adds or renames (the command line, a second window, a sync) reach
the window's label bar and keys on F5 (View ▸ Refresh)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.codebook import LabelDraft
from annotator.core.store import Store
from driving import drag, keys
from support import SAMPLE


def test_a_label_added_elsewhere_appears_and_tags_after_f5(
    open_window, db_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = open_window([SAMPLE])
    window.info_bar.hide()
    with Store.open(db_path) as other:  # another window, or the command line
        drafts = [
            dataclasses.replace(LabelDraft.of(label), name="Assertion")
            if label.name == "Claim"
            else LabelDraft.of(label)
            for label in other.codebook.get().labels
        ]
        frame = LabelDraft(None, "Frame", None, "4", "#336699", "")
        other.codebook.save([*drafts, frame], list(other.codebook.get().sentiments),
                            analyst_id=None)  # fmt: skip
    assert "Frame" not in window.label_bar.buttons

    keys(window.view, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "Frame" in window.label_bar.buttons)
    assert "Assertion" in window.label_bar.buttons and "Claim" not in window.label_bar.buttons

    view = window.view
    start = view.text.index("Wang Yi")
    drag(view, start, start + len("Wang Yi"))
    QTest.keyClick(view, Qt.Key.Key_4)  # the new label's key
    codebook = window.store.codebook.get()
    tagged = {
        a.quote: codebook.by_id(a.label_id).name
        for a in window.store.annotations.for_document(window.current_document)
    }
    assert tagged == {"Wang Yi": "Frame"}
