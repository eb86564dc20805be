"""Review mode and layers in the real window: keys, the panel, the menu, the highlights."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from annotator.core.records import REVIEWED_LAYER_ID, DocumentId
from annotator.core.session import Session
from annotator.core.styling import REVIEWED_COLOUR, layer_colours
from annotator.gui.window.main_window import MainWindow
from support import SAMPLE

CTRL = Qt.KeyboardModifier.ControlModifier
WAVE = QTextCharFormat.UnderlineStyle.WaveUnderline
NO_UNDERLINE = QTextCharFormat.UnderlineStyle.NoUnderline
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def tag(session: Session, doc: DocumentId, label: str, text: str, phrase: str, **kw: object):  # type: ignore[no-untyped-def]
    start = text.index(phrase)
    return session.create_annotation(
        document_id=doc,
        label_id=session.store.codebook.get().by_name(label).id,
        start=start,
        end=start + len(phrase),
        **kw,  # type: ignore[arg-type]
    )[0]


@pytest.fixture
def two_layers(open_window) -> MainWindow:  # type: ignore[no-untyped-def]
    """The sample tagged by Ana (this window) and by Olga (a colleague, merged in)."""
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    doc = window.current_document
    assert doc is not None
    text = window.view.text
    ana = window.session
    olga = Session(window.store, window.store.ensure_analyst("Olga"))
    tag(ana, doc, "Speaker", text, "Wei Fenghe")  # agreed
    tag(olga, doc, "Speaker", text, "Wei Fenghe")
    tag(ana, doc, "Claim", text, "firmly supports", sentiment="positive")  # sentiment differs
    tag(olga, doc, "Claim", text, "firmly supports", sentiment="negative")
    tag(olga, doc, "Target", text, "Kazakhstan")  # only Olga
    window.refresh(force=True)
    return window


def format_at(window: MainWindow, cp: int) -> QTextCharFormat:
    view = window.view
    block = view.document().findBlock(view.offsets.to_utf16(cp))
    offset = view.offsets.to_utf16(cp) - block.position()
    for r in block.layout().formats():
        if r.start <= offset < r.start + r.length:
            return QTextCharFormat(r.format)
    return QTextCharFormat()


def reviewed(window: MainWindow) -> list[tuple[str, str | None]]:
    doc = window.current_document
    assert doc is not None
    return [
        (a.quote, a.sentiment)
        for a in window.store.annotations.for_document(doc)
        if a.analyst_id == REVIEWED_LAYER_ID
    ]


def test_review_lists_disagreements_and_keys_decide_them(two_layers: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = two_layers
    QTest.keyClick(window.view, Qt.Key.Key_R, CTRL_SHIFT)
    panel = window.review.panel
    assert panel.isVisible() and window.actions_by_id["review"].isChecked()
    assert [panel.first.currentText(), panel.second.currentText()] == ["Olga", "Ana"]
    rows = [panel.list.topLevelItem(i) for i in range(panel.list.topLevelItemCount())]
    assert [(r.text(0), r.text(1)) for r in rows] == [  # type: ignore[union-attr]
        ("Kazakhstan", "only in the first layer"),
        ("firmly supports", "sentiment"),
    ]
    assert "1 agreed not yet accepted" in panel.summary.text()
    # The first disagreement is current: its span is selected in the text.
    assert window.inspector.quote.toPlainText() == "Kazakhstan"
    QTest.keyClick(panel.list, Qt.Key.Key_4, CTRL)  # reject Olga's lone target
    assert reviewed(window) == []
    assert panel.list.topLevelItem(0).text(4) == "rejected"  # type: ignore[union-attr]
    assert panel.current_row() == 0  # the list stays on the decided row
    QTest.keyClick(panel.list, Qt.Key.Key_F8)  # F8: on to the next undecided one
    assert panel.current_row() == 1
    # Keep Ana's (second) sentiment: the reviewed layer gets a copy.
    QTest.keyClick(panel.list, Qt.Key.Key_2, CTRL)
    assert panel.current_row() == 1
    assert reviewed(window) == [("firmly supports", "positive")]
    assert panel.list.topLevelItem(1).text(4) == "kept second"  # type: ignore[union-attr]
    qtbot.mouseClick(panel.agreed, Qt.MouseButton.LeftButton)
    assert sorted(reviewed(window)) == [("Wei Fenghe", None), ("firmly supports", "positive")]
    assert not panel.agreed.isEnabled()
    # Every decision is one undo step, recorded with the reviewer.
    QTest.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert reviewed(window) == [("firmly supports", "positive")]
    decisions = window.store.reviews.for_document(window.current_document)  # type: ignore[arg-type]
    assert {d.reviewer_id for d in decisions} == {window.analyst.id}
    assert sorted(d.decision for d in decisions) == ["reject", "second"]


def test_f8_jumps_to_the_next_undecided_disagreement(two_layers: MainWindow) -> None:
    window = two_layers
    QTest.keyClick(window.view, Qt.Key.Key_R, CTRL_SHIFT)
    panel = window.review.panel
    assert panel.current_row() == 0
    QTest.keyClick(panel.list, Qt.Key.Key_F8)
    assert panel.current_row() == 1
    assert window.inspector.quote.toPlainText() == "firmly supports"
    QTest.keyClick(panel.list, Qt.Key.Key_F8)
    assert panel.current_row() == 0  # wraps around
    QTest.keyClick(panel.list, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert panel.current_row() == 1


def test_review_shows_the_two_layers_coloured_by_analyst_and_leaving_restores(
    two_layers: MainWindow,
) -> None:
    window = two_layers
    text = window.view.text
    colours = layer_colours([a.id for a in window.store.layers()], REVIEWED_LAYER_ID)
    olga = window.store.ensure_analyst("Olga").id
    target = text.index("Kazakhstan")
    assert window.workspace.colour_by_layer is False
    QTest.keyClick(window.view, Qt.Key.Key_R, CTRL_SHIFT)
    # Olga's lone target: wave-underlined in Olga's colour, not the label's.
    assert format_at(window, target).underlineColor() == QColor(colours[olga])
    assert colours[REVIEWED_LAYER_ID] == REVIEWED_COLOUR
    window.review.panel.close_requested.emit()
    assert not window.review.panel.isVisible()
    assert window.workspace.colour_by_layer is False
    label_colour = window.store.codebook.get().by_name("Target").color
    assert format_at(window, target).underlineColor() == QColor(label_colour)


def test_hiding_a_layer_from_the_view_menu_removes_its_highlights(
    two_layers: MainWindow,
) -> None:
    window = two_layers
    text = window.view.text
    target = text.index("Kazakhstan")
    assert format_at(window, target).underlineStyle() == WAVE
    menu = window.findChild(QMenu, "layersMenu")
    assert menu is not None
    menu.aboutToShow.emit()
    olga = window.store.ensure_analyst("Olga").id
    entry = next(a for a in menu.actions() if a.objectName() == f"layer:{olga}")
    assert entry.text() == "Olga (3)" and entry.isChecked()
    entry.trigger()  # uncheck: hide Olga's layer
    assert olga in window.workspace.hidden_layers
    assert format_at(window, target).underlineStyle() == NO_UNDERLINE
    # Her spans can no longer be reached by clicking or stepping.
    QTest.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    active = window.workspace.state.get(window.workspace.active)  # type: ignore[arg-type]
    assert active is not None and active.analyst_id != olga
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.text() == "Show &all layers").trigger()
    assert format_at(window, target).underlineStyle() == WAVE


def test_colour_by_analyst_key_is_remembered(two_layers: MainWindow) -> None:
    window = two_layers
    QTest.keyClick(window.view, Qt.Key.Key_L, CTRL_SHIFT)
    assert window.workspace.colour_by_layer
    assert window.actions_by_id["colour_by_layer"].isChecked()
    from annotator.gui.window import settings as app_settings

    assert app_settings.settings().value("view/colour_by_layer", type=bool) is True


def test_keep_and_edit_selects_the_reviewed_copy_for_editing(two_layers: MainWindow) -> None:
    window = two_layers
    QTest.keyClick(window.view, Qt.Key.Key_R, CTRL_SHIFT)
    panel = window.review.panel
    panel.select_row(1)  # "firmly supports": Olga negative, Ana positive
    QTest.keyClick(panel.list, Qt.Key.Key_5, CTRL)
    assert reviewed(window) == [("firmly supports", "negative")]  # the first side, Olga's
    active = window.workspace.state.get(window.workspace.active)  # type: ignore[arg-type]
    assert active is not None and active.analyst_id == REVIEWED_LAYER_ID
    assert window.inspector.analyst.text() == "reviewed"
    # Edited like any annotation (here: sentiment cleared); the decision stays taken.
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.AltModifier)
    assert reviewed(window) == [("firmly supports", None)]
    assert panel.list.topLevelItem(1).text(4) == "kept to edit"  # type: ignore[union-attr]


def test_ctrl_shift_g_opens_agreement_for_the_open_document(two_layers: MainWindow) -> None:
    from PySide6.QtCore import QTimer

    from annotator.gui.dialogs.agreement_dialog import AgreementDialog
    from support import find_top_level

    window = two_layers
    seen: dict[str, object] = {}

    def look() -> None:
        dialog = find_top_level(AgreementDialog, "agreementDialog")
        assert isinstance(dialog, AgreementDialog)
        seen["current"] = dialog.current_document.isChecked()
        seen["summary"] = dialog.summary.text()
        dialog.reject()

    QTimer.singleShot(200, look)
    QTest.keyClick(window.view, Qt.Key.Key_G, CTRL_SHIFT)
    assert seen["current"] is True  # the open document is the first scope
    assert str(seen["summary"]).startswith("1 of 1 documents coded by two or more")


def test_a_decision_on_a_span_changed_meanwhile_is_refused_and_the_list_compared_again(
    two_layers: MainWindow,
) -> None:
    window = two_layers
    QTest.keyClick(window.view, Qt.Key.Key_R, CTRL_SHIFT)
    panel = window.review.panel
    panel.select_row(0)  # Olga's lone "Kazakhstan"
    kazakhstan = window.review.items[0].first
    assert kazakhstan is not None
    # Olga deletes it in her own window; this one has not refreshed yet.
    olga = Session(window.store, window.store.ensure_analyst("Olga"))
    olga.delete_annotation(kazakhstan.id)
    failures: list[str] = []
    window.workspace.failed.connect(lambda _title, message: failures.append(message))
    QTest.keyClick(panel.list, Qt.Key.Key_1, CTRL)
    assert failures and "changed or deleted since" in failures[0]
    assert reviewed(window) == []
    assert all(kazakhstan.id not in {a.id for a in it.sides()} for it in window.review.items)
    assert window.review.panel.isVisible()


def test_the_printable_report_leaves_out_the_layers_hidden_from_view(
    two_layers: MainWindow, tmp_path: Path
) -> None:
    window = two_layers
    everyone = tmp_path / "everyone.html"
    window.write_report(everyone, html=True)
    menu = window.findChild(QMenu, "layersMenu")
    assert menu is not None
    menu.aboutToShow.emit()
    olga = window.store.ensure_analyst("Olga").id
    next(a for a in menu.actions() if a.objectName() == f"layer:{olga}").trigger()
    shown = tmp_path / "shown.html"
    window.write_report(shown, html=True)
    assert "Olga" in everyone.read_text(encoding="utf-8")
    page = shown.read_text(encoding="utf-8")
    assert "Olga" not in page.split("layers:", 1)[-1]  # none of her rows in the list
    assert "layers:" in page  # and the report says it is limited
