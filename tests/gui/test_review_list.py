"""The review list as an analyst uses it at a real window size: which row a key decides, where
the selection stays, the scroll position, the columns and the room left for the table."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest

from annotator.core.records import REVIEWED_LAYER_ID, AnnotationId, DocumentId
from annotator.core.session import Session
from annotator.gui.window.main_window import MainWindow
from annotator.gui.window.shortcut_sheet import ShortcutSheet
from support import SAMPLE, find_top_level

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
DECIDE_KEYS = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4)
#: Two long claims (long quotes and descriptions for the columns), then single words.
LONG_CLAIMS = (
    "China firmly opposes external forces deliberately instigating a “color revolution” in "
    "Kazakhstan",
    "the two countries have become permanent strategic partners",
)


def _tag(session: Session, doc: DocumentId, label: str, start: int, end: int, **kw: object) -> None:
    session.create_annotation(
        document_id=doc,
        label_id=session.store.codebook.get().by_name(label).id,
        start=start,
        end=end,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def many(open_window, qtbot) -> MainWindow:  # type: ignore[no-untyped-def]
    """The sample coded by Ana (this window) and Olga: about thirty disagreements (sentiment),
    one span they agree on, at the size the window opens with (1400×860)."""
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    window.resize(1400, 860)
    qtbot.waitUntil(lambda: window.size() == QSize(1400, 860))
    doc = window.current_document
    assert doc is not None
    text = window.view.text
    ana = window.session
    olga = Session(window.store, window.store.ensure_analyst("Olga"))
    taken: list[tuple[int, int]] = []
    for phrase in LONG_CLAIMS:
        start = text.index(phrase)
        taken.append((start, start + len(phrase)))
        _tag(ana, doc, "Claim", start, start + len(phrase), sentiment="positive")
        _tag(olga, doc, "Claim", start, start + len(phrase), sentiment="negative")
    speaker = text.index("Wei Fenghe")  # agreed
    taken.append((speaker, speaker + len("Wei Fenghe")))
    _tag(ana, doc, "Speaker", speaker, speaker + len("Wei Fenghe"))
    _tag(olga, doc, "Speaker", speaker, speaker + len("Wei Fenghe"))
    words = [
        m
        for m in re.finditer(r"\b[A-Za-z]{8,}\b", text)
        if all(m.end() <= s or m.start() >= e for s, e in taken)
    ][:30]
    for m in words:
        _tag(ana, doc, "Claim", m.start(), m.end(), sentiment="positive")
        _tag(olga, doc, "Claim", m.start(), m.end(), sentiment="neutral")
    window.refresh(force=True)
    return window


def start_review(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(window.view, Qt.Key.Key_R, CTRL_SHIFT)
    assert window.review.panel.isVisible()
    qtbot.wait(50)  # the splitter and the list lay out


def decision_of(window: MainWindow, row: int) -> str:
    item = window.review.panel.list.topLevelItem(row)
    assert item is not None
    return item.text(4)


def decided_sources(window: MainWindow) -> list[frozenset[AnnotationId]]:
    doc = window.current_document
    assert doc is not None
    return [frozenset(i for i, _v in d.sources) for d in window.store.reviews.for_document(doc)]


def row_sources(window: MainWindow, row: int) -> frozenset[AnnotationId]:
    return frozenset(a.id for a in window.review.items[row].sides())


def test_a_decision_stays_on_its_row_and_f8_then_decide_decides_the_row_f8_chose(
    many: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = many
    start_review(window, qtbot)
    panel = window.review.panel
    count = panel.list.topLevelItemCount()
    assert count >= 30
    assert panel.current_row() == 0
    seen: list[int] = []
    for turn in range(8):
        row = panel.current_row()
        assert decision_of(window, row) == ""  # an undecided row, shown in the text
        assert window.inspector.quote.toPlainText() == window.review.items[row].sides()[0].quote
        seen.append(row)
        QTest.keyClick(panel.list, DECIDE_KEYS[turn % len(DECIDE_KEYS)], CTRL)
        # The selection stays on the decided row, which shows the decision.
        assert panel.current_row() == row
        assert decision_of(window, row) != ""
        QTest.keyClick(panel.list, Qt.Key.Key_F8)
        assert panel.current_row() == row + 1  # the next undecided one: none skipped
    assert seen == list(range(8))
    # Exactly the rows the analyst had in front of them are decided, nothing else.
    assert [r for r in range(count) if decision_of(window, r)] == seen
    assert sorted(map(sorted, decided_sources(window))) == sorted(
        sorted(row_sources(window, r)) for r in seen
    )


def test_f8_after_going_back_to_a_decided_row_finds_the_next_undecided(
    many: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = many
    start_review(window, qtbot)
    panel = window.review.panel
    QTest.keyClick(panel.list, Qt.Key.Key_4, CTRL)  # row 0 rejected, stays on it
    QTest.keyClick(panel.list, Qt.Key.Key_Down)
    QTest.keyClick(panel.list, Qt.Key.Key_Down)
    QTest.keyClick(panel.list, Qt.Key.Key_1, CTRL)  # row 2, chosen with the arrows
    assert panel.current_row() == 2
    QTest.keyClick(panel.list, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert panel.current_row() == 1  # back to the one skipped with the arrows
    QTest.keyClick(panel.list, Qt.Key.Key_2, CTRL)
    assert panel.current_row() == 1
    assert [decision_of(window, r) for r in range(4)] == [
        "rejected",
        "kept second",
        "kept first",
        "",
    ]
    assert len(decided_sources(window)) == 3


def test_accept_all_agreed_moves_neither_the_row_nor_the_span_being_edited(
    many: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = many
    start_review(window, qtbot)
    panel = window.review.panel
    for _ in range(3):
        QTest.keyClick(panel.list, Qt.Key.Key_Down)
    QTest.keyClick(panel.list, Qt.Key.Key_5, CTRL)  # keep and edit row 3
    copy = window.workspace.active
    state = window.workspace.state
    assert copy is not None and state.get(copy).analyst_id == REVIEWED_LAYER_ID  # type: ignore[union-attr]
    # Editing the copy (the list is compared again) leaves the analyst on it.
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.AltModifier)
    assert window.workspace.active == copy
    assert panel.current_row() == 3
    qtbot.mouseClick(panel.agreed, Qt.MouseButton.LeftButton)
    assert not panel.agreed.isEnabled()  # Wei Fenghe accepted
    assert panel.current_row() == 3
    assert window.workspace.active == copy
    assert window.inspector.analyst.text() == "reviewed"
    assert [r for r in range(panel.list.topLevelItemCount()) if decision_of(window, r)] == [3]


def test_the_list_keeps_its_scroll_position_after_a_decision(many: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = many
    start_review(window, qtbot)
    panel = window.review.panel
    bar = panel.list.verticalScrollBar()
    QTest.keyClick(panel.list, Qt.Key.Key_End)
    for _ in range(3):
        QTest.keyClick(panel.list, Qt.Key.Key_Up)
    row = panel.current_row()
    before = bar.value()
    assert before > 0  # the list is scrolled
    QTest.keyClick(panel.list, Qt.Key.Key_4, CTRL)
    assert bar.value() == before
    assert panel.current_row() == row
    QTest.keyClick(panel.list, Qt.Key.Key_F5)  # compared again after a refresh, too
    assert bar.value() == before
    assert panel.current_row() == row


def test_decision_and_second_columns_are_visible_without_scrolling_sideways(
    many: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window = many
    start_review(window, qtbot)
    tree = window.review.panel.list
    header = tree.header()
    assert tree.horizontalScrollBar().maximum() == 0
    width = tree.viewport().width()
    for column in (3, 4):  # Second, Decision
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= width
    metrics = tree.fontMetrics()
    assert header.sectionSize(4) >= metrics.horizontalAdvance("kept to edit")
    assert header.sectionSize(3) >= metrics.horizontalAdvance("Claim · positive · “permanent”")
    # The long quote is the column that gives way (its full text is in the tooltip).
    first = tree.topLevelItem(0)
    assert first is not None
    assert header.sectionSize(0) < metrics.horizontalAdvance(first.text(0))


def test_review_mode_leaves_eight_rows_of_the_table_visible(many: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = many
    start_review(window, qtbot)
    table = window.table.view
    row_height = table.verticalHeader().defaultSectionSize()
    assert table.viewport().height() >= 8 * row_height
    # The panel still shows a few disagreements and the text keeps most of the room.
    tree = window.review.panel.list
    assert tree.viewport().height() >= 4 * tree.sizeHintForRow(0)
    assert window.view.viewport().height() >= 200


def test_shortcut_sheet_says_which_row_a_decision_applies_to(
    many: MainWindow,
) -> None:
    QTest.keyClick(many.view, Qt.Key.Key_F1)
    sheet = find_top_level(ShortcutSheet)
    assert isinstance(sheet, ShortcutSheet)
    rows = [
        (sheet.table.item(r, 0).text(), sheet.table.item(r, 1).text())  # type: ignore[union-attr]
        for r in range(sheet.table.rowCount())
    ]
    sheet.close()
    start = next(i for i, (keys, _a) in enumerate(rows) if keys.startswith("Ctrl+1 …"))
    said = [rows[start][1]]
    said += [action for keys, action in rows[start + 1 :][:3] if not keys]  # its continuation
    text = " ".join(said)
    assert "row selected in the review list" in text and "stays on it" in text and "F8" in text


def test_a_row_that_leaves_the_list_when_decided_leaves_nothing_selected_for_the_next_key(
    many: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """Against the reviewed layer, keeping a span makes the two layers agree there: the row
    leaves the list. The row that takes its place is not decided by the next key unseen."""
    window = many
    start_review(window, qtbot)
    panel = window.review.panel
    QTest.keyClick(panel.second, Qt.Key.Key_End)  # compare with the reviewed layer
    assert panel.second.currentData() == REVIEWED_LAYER_ID
    count = panel.list.topLevelItemCount()
    assert count >= 30 and panel.current_row() == 0
    bar = panel.list.verticalScrollBar()
    QTest.keyClick(panel.list, Qt.Key.Key_End)
    for _ in range(15):
        QTest.keyClick(panel.list, Qt.Key.Key_Up)
    row = panel.current_row()
    before = bar.value()
    assert before > 0
    decided = row_sources(window, row)
    following = window.review.items[row + 1].sides()[0].quote
    QTest.keyClick(panel.list, Qt.Key.Key_1, CTRL)
    assert panel.list.topLevelItemCount() == count - 1
    assert panel.current_row() == -1  # nothing unseen put under the keys
    assert bar.value() == before
    QTest.keyClick(panel.list, Qt.Key.Key_2, CTRL)  # no row: nothing decided
    assert decided_sources(window) == [decided]
    QTest.keyClick(panel.list, Qt.Key.Key_F8)  # the row that took its place
    assert panel.current_row() == row
    assert window.inspector.quote.toPlainText() == following
    seen = row_sources(window, row)
    QTest.keyClick(panel.list, Qt.Key.Key_1, CTRL)
    assert sorted(map(sorted, decided_sources(window))) == sorted([sorted(decided), sorted(seen)])
