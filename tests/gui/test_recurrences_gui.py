"""Find this claim elsewhere in the window: the inspector's button on a tagged claim lists the
passages of other documents that restate it, and Enter opens one with the passage selected."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.gui.panels.recurrences_panel import RecurrencesPanel
from annotator.gui.window.main_window import MainWindow
from driving import drag
from support import SAMPLE

CLAIM = "China firmly opposes external forces deliberately instigating a “color revolution”"
RESTATED = (
    "In Kazakhstan, external forces deliberately instigating a 'colour revolution' are "
    "something China firmly opposes, the ministry said."
)
DECOY = "Traders said external forces weighed on the market in Kazakhstan this week."


def test_the_inspector_button_finds_restatements_and_opens_one(
    open_window, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    restated = tmp_path / "restated.txt"
    restated.write_text("Officials met on Tuesday. " + RESTATED + " Trade grew.", encoding="utf-8")
    decoy = tmp_path / "decoy.txt"
    decoy.write_text(DECOY, encoding="utf-8")
    window: MainWindow = open_window([SAMPLE, restated, decoy])
    seed = next(d for d in window.store.documents.list() if "Wei" in d.title)
    window.open_document(seed.id)
    start = window.view.text.index(CLAIM)
    drag(window.view, start, start + len(CLAIM))
    QTest.keyClick(window.view, Qt.Key.Key_1)  # Claim
    button = window.inspector.recurrences_button
    assert button.isVisible() and button.isEnabled()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    panel = window.findChild(RecurrencesPanel, "recurrencesPanel")
    assert panel is not None and panel.isVisible()
    qtbot.waitUntil(lambda: "passage" in panel.message.text(), timeout=10_000)
    assert [h.document_title for h in panel.model.hits] == ["Restated"]
    hit = panel.model.hits[0]
    assert hit.quote == RESTATED
    assert panel.model.data(panel.model.index(0)).endswith(RESTATED)

    with qtbot.waitSignal(panel.tag_requested) as tagged:
        panel.request_tag()
    assert tagged.args == [hit.document_id, hit.start, hit.end]

    panel.list.setFocus()
    QTest.keyClick(panel.list, Qt.Key.Key_Return)
    assert window.current_document == hit.document_id
    selected = window.view.selected_span()
    assert selected == (hit.start, hit.end)


def test_the_button_is_shown_for_claims_only(open_window) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    window.open_document(window.store.documents.list()[0].id)
    start = window.view.text.index("Wei Fenghe")
    drag(window.view, start, start + len("Wei Fenghe"))
    QTest.keyClick(window.view, Qt.Key.Key_2)  # Speaker
    assert window.inspector.annotation_id is not None
    assert not window.inspector.recurrences_button.isVisible()
