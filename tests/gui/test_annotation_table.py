"""The annotation table: cells, in-place refresh from Changes, sorting, filter, selection."""

from __future__ import annotations

from typing import Any

import pytest
from core.test_store_annotations import TEXT, add_document, tag
from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QTableView, QToolTip

from annotator.core.attribution import DocumentAnnotations
from annotator.core.records import DocumentId
from annotator.core.session import Change, Session
from annotator.core.store import Store
from annotator.gui.panels.annotation_table import (
    NOTE,
    QUOTE,
    SPEAKER,
    TARGET,
    AnnotationTablePanel,
)
from annotator.gui.reading.plain_text import tooltip_text
from annotator.gui.reading.text_formats import wrapping_tooltip


@pytest.fixture
def session(fresh_store: Store) -> Session:
    return Session(fresh_store, fresh_store.ensure_analyst("Ana"))


@pytest.fixture
def doc(fresh_store: Store) -> DocumentId:
    return add_document(fresh_store)


@pytest.fixture
def panel(qtbot: Any) -> AnnotationTablePanel:
    panel = AnnotationTablePanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 400)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def load(panel: AnnotationTablePanel, session: Session, doc: DocumentId) -> DocumentAnnotations:
    store = session.store
    state = DocumentAnnotations(
        store.annotations.for_document(doc),
        store.annotations.links_for_document(doc),
        store.codebook.get(),
    )
    panel.model.set_document(state, {a.id: a.name for a in store.analysts()})
    return state


def apply(
    panel: AnnotationTablePanel, session: Session, state: DocumentAnnotations, change: Change
) -> None:
    """What the workspace does with a Change: update the state, then refresh the rows."""
    store = session.store
    for aid in change.removed:
        state.remove(aid)
    touched = [store.annotations.get(aid) for aid in change.touched]
    for annotation in touched:
        state.upsert(annotation)
    if change.links:
        state.set_links(store.annotations.links_for_document(change.document_id))
    panel.model.refresh(touched, set(change.removed), change.links)


def table(panel: AnnotationTablePanel) -> QTableView:
    view = panel.findChild(QTableView, "annotationTable")
    assert view is not None
    return view


def shown(panel: AnnotationTablePanel, column: int = 1) -> list[str]:
    """One column of the table as displayed, top to bottom."""
    model = table(panel).model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def tip_label() -> Any:
    """The tooltip on screen (Qt's QTipLabel), or None."""
    for widget in QApplication.topLevelWidgets():
        if widget.metaObject().className() == "QTipLabel" and widget.isVisible():
            return widget
    return None


def click_cell(qtbot: Any, panel: AnnotationTablePanel, row: int, column: int = 1) -> None:
    view = table(panel)
    rect = view.visualRect(view.model().index(row, column))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_header(qtbot: Any, panel: AnnotationTablePanel, column: int) -> None:
    header = table(panel).horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def visual_columns(panel: AnnotationTablePanel) -> list[int]:
    """Model columns in the order the header shows them, left to right."""
    header = table(panel).horizontalHeader()
    return [header.logicalIndex(v) for v in range(header.count())]


def test_columns_show_label_quote_speaker_and_target_via_links_sentiment_analyst_and_note(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    claim = tag(session, doc, "Claim", *at("China firmly opposes"), sentiment="negative")
    wei = tag(session, doc, "Speaker", *at("Wei Fenghe"), speaker_name="General Wei")
    session.update_annotation(claim.id, note="check\nthe source")
    session.set_link(source_id=claim.id, kind="said_by", target_id=wei.id)
    session.set_link(source_id=claim.id, kind="about", name="external <b>forces</b>")
    load(panel, session, doc)

    model = table(panel).model()
    columns = visual_columns(panel)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in columns]
    assert headers == ["Label", "Quote", "Speaker", "About", "Sentiment", "Analyst", "Note"]
    rows = [[model.index(r, c).data() for c in columns] for r in range(model.rowCount())]
    assert rows == [
        [
            "Claim",
            "China firmly opposes",
            "General Wei",
            "external <b>forces</b>",
            "negative",
            "Ana",
            "check the source",
        ],
        ["Speaker", "Wei Fenghe", "General Wei", "", "", "Ana", ""],
    ]
    about = model.index(0, TARGET).data(Qt.ItemDataRole.ToolTipRole)
    assert about == tooltip_text("external <b>forces</b>") and "&lt;b&gt;" in about
    label_cell = model.index(0, 0)
    claim_color = session.store.codebook.get().by_name("Claim").color
    assert label_cell.data(Qt.ItemDataRole.DecorationRole) == QColor(claim_color)
    assert label_cell.data(Qt.ItemDataRole.ForegroundRole) is None
    note = model.index(0, NOTE).data(Qt.ItemDataRole.ToolTipRole)
    assert note == wrapping_tooltip("check\nthe source")


def test_long_quote_is_one_line_truncated_with_the_full_quote_in_a_plain_tooltip(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, fresh_store: Store
) -> None:
    text = "<b>Bold</b> opening\nsecond line " + "word " * 40 + "needle at the end."
    doc = add_document(fresh_store, text)
    tag(session, doc, "Claim", 0, len(text))
    load(panel, session, doc)

    cell = table(panel).model().index(0, 1)
    display = cell.data()
    assert display.startswith("<b>Bold</b> opening second line word")
    assert "\n" not in display and display.endswith("…") and len(display) <= 121
    tooltip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == wrapping_tooltip(text) and "&lt;b&gt;" in tooltip
    assert "needle" in tooltip
    # Hovering shows it whole, wrapped onto lines that fit the screen.
    view = table(panel)
    point = view.visualRect(cell).center()
    QApplication.sendEvent(
        view.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    )
    qtbot.waitUntil(lambda: tip_label() is not None)
    assert tip_label().width() <= panel.screen().availableGeometry().width() / 2
    QToolTip.hideText()
    qtbot.keyClicks(panel.findChild(QLineEdit, "annotationFilter"), "needle")
    assert table(panel).model().rowCount() == 1  # the filter searches the whole quote


def test_a_new_annotation_is_inserted_at_its_place_without_a_reset(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    tag(session, doc, "Claim", *at("Global Times"))
    tag(session, doc, "Speaker", *at("Tokayev"))
    state = load(panel, session, doc)
    model = panel.model

    start, end = at("Wei Fenghe")
    annotation, change = session.create_annotation(
        document_id=doc,
        label_id=session.store.codebook.get().by_name("Speaker").id,
        start=start,
        end=end,
    )
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.waitSignal(model.rowsInserted) as inserted,
    ):
        apply(panel, session, state, change)

    assert inserted.args[1:] == [1, 1]
    assert model.annotation_at(1).id == annotation.id
    assert model.row_of(annotation.id) == 1
    assert shown(panel) == ["Global Times", "Wei Fenghe", "Tokayev"]


def test_changes_update_rows_in_place_and_links_refresh_only_the_linked_columns(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    claim = tag(session, doc, "Claim", *at("values the partnership"))
    tokayev = tag(session, doc, "Speaker", *at("Tokayev"))
    tag(session, doc, "Target", *at("Kazakhstan"))
    state = load(panel, session, doc)
    model = panel.model
    changed: list[tuple[QModelIndex, QModelIndex]] = []
    model.dataChanged.connect(lambda top, bottom, _roles=(): changed.append((top, bottom)))

    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.assertNotEmitted(model.rowsInserted),
        qtbot.assertNotEmitted(model.rowsRemoved),
    ):
        apply(panel, session, state, session.update_annotation(claim.id, sentiment="positive"))
        row = model.row_of(claim.id)
        assert [(t.row(), b.row()) for t, b in changed] == [(row, row)]
        assert table(panel).model().index(row, 3).data() == "positive"

        changed.clear()
        apply(
            panel,
            session,
            state,
            session.set_link(source_id=claim.id, kind="said_by", target_id=tokayev.id),
        )
        assert [(t.row(), t.column(), b.row(), b.column()) for t, b in changed] == [
            (0, SPEAKER, 2, SPEAKER),
            (0, TARGET, 2, TARGET),
        ]
        assert table(panel).model().index(row, SPEAKER).data() == "Tokayev"

        changed.clear()
        apply(
            panel,
            session,
            state,
            session.update_annotation(tokayev.id, speaker_name="President Tokayev"),
        )
        assert shown(panel, SPEAKER)[row] == "President Tokayev"
        # The claim's row shows the new name too: its Speaker cell is refreshed.
        assert (0, SPEAKER, 2, SPEAKER) in [
            (t.row(), t.column(), b.row(), b.column()) for t, b in changed
        ]


@pytest.mark.parametrize("moved", ["last", "first"])
def test_new_boundaries_move_the_row_to_keep_reading_order(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId, moved: str
) -> None:
    first = tag(session, doc, "Claim", *at("Global Times"))
    middle = tag(session, doc, "Claim", *at("Wei Fenghe"))
    last = tag(session, doc, "Claim", *at("Tokayev"))
    state = load(panel, session, doc)
    model = panel.model
    annotation, (start, end) = (last, at("Global")) if moved == "last" else (first, at("China."))
    # Views keep their selection through persistent indexes: the move must carry them along.
    persistent = [QPersistentModelIndex(model.index(row, 0)) for row in range(3)]

    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsMoved):
        apply(panel, session, state, session.update_annotation(annotation.id, start=start, end=end))

    order = [last, first, middle] if moved == "last" else [middle, last, first]
    assert [model.annotation_at(r).id for r in range(3)] == [a.id for a in order]
    assert [model.annotation_at(p.row()).id for p in persistent] == [first.id, middle.id, last.id]
    assert shown(panel) == [model.annotation_at(r).quote for r in range(3)]


def test_removed_annotations_leave_without_a_reset(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    tag(session, doc, "Claim", *at("Global Times"))
    middle = tag(session, doc, "Speaker", *at("Wei Fenghe"))
    tag(session, doc, "Speaker", *at("Tokayev"))
    state = load(panel, session, doc)
    model = panel.model

    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsRemoved) as removed:
        apply(panel, session, state, session.delete_annotation(middle.id))

    assert removed.args[1:] == [1, 1]
    assert model.row_of(middle.id) == -1
    assert shown(panel) == ["Global Times", "Tokayev"]


def test_clicking_headers_sorts_by_that_column_and_quote_sorts_by_position(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    tag(session, doc, "Claim", *at("Global Times"), sentiment="neutral")
    tag(session, doc, "Claim", *at("China firmly"), sentiment="negative")
    tag(session, doc, "Claim", *at("Tokayev"), sentiment="positive")
    load(panel, session, doc)

    click_header(qtbot, panel, 3)  # Sentiment
    assert shown(panel, 3) == ["negative", "neutral", "positive"]
    click_header(qtbot, panel, 3)
    assert shown(panel, 3) == ["positive", "neutral", "negative"]
    click_header(qtbot, panel, 1)  # Quote: by position in the text, not alphabetically
    assert shown(panel) == ["Global Times", "China firmly", "Tokayev"]


def test_typing_in_the_filter_matches_any_column_ignoring_case(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    claim = tag(session, doc, "Claim", *at("values the partnership"))
    tokayev = tag(session, doc, "Speaker", *at("Tokayev"))
    tag(session, doc, "Claim", *at("Global Times"))
    session.set_link(source_id=claim.id, kind="said_by", target_id=tokayev.id)
    load(panel, session, doc)
    box = panel.findChild(QLineEdit, "annotationFilter")
    assert box is not None

    qtbot.keyClicks(box, "TOKAY")  # the claim matches through its Speaker column
    assert shown(panel) == ["Tokayev", "values the partnership"]
    box.clear()
    qtbot.keyClicks(box, "global")
    assert shown(panel) == ["Global Times"]


def test_clicking_a_row_emits_its_id_but_select_and_model_updates_do_not(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    first = tag(session, doc, "Claim", *at("Global Times"))
    second = tag(session, doc, "Speaker", *at("Wei Fenghe"))
    third = tag(session, doc, "Speaker", *at("Tokayev"))
    state = load(panel, session, doc)
    view = table(panel)

    with qtbot.waitSignal(panel.annotation_selected) as selected:
        click_cell(qtbot, panel, 1)
    assert selected.args == [second.id]

    with qtbot.assertNotEmitted(panel.annotation_selected):
        panel.select(third.id)
    assert [i.row() for i in view.selectionModel().selectedRows()] == [2]
    assert view.currentIndex().row() == 2

    with qtbot.assertNotEmitted(panel.annotation_selected):
        apply(panel, session, state, session.delete_annotation(third.id))  # the current row goes
        assert view.currentIndex().isValid()  # Qt moved it to a neighbour: not the user's doing
        panel.select(first.id)
        qtbot.keyClicks(panel.findChild(QLineEdit, "annotationFilter"), "wei")  # hides it
        assert view.currentIndex().isValid()
        panel.clear_selection()
    assert view.selectionModel().selectedRows() == []
    assert not view.currentIndex().isValid()

    with qtbot.waitSignal(panel.annotation_selected) as selected:
        click_cell(qtbot, panel, 0)
    assert selected.args == [second.id]


def test_select_reaches_a_row_only_through_the_filter(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    hidden = tag(session, doc, "Claim", *at("Global Times"))
    tag(session, doc, "Speaker", *at("Tokayev"))
    load(panel, session, doc)
    qtbot.keyClicks(panel.findChild(QLineEdit, "annotationFilter"), "tokayev")

    panel.select(hidden.id)

    assert table(panel).selectionModel().selectedRows() == []


# -- filtering by analyst -------------------------------------------------------------------


def load_layers(panel: AnnotationTablePanel, store: Store, doc: DocumentId) -> DocumentAnnotations:
    """As the workspace fills the table: every layer (analysts, then the reviewed layer)."""
    state = DocumentAnnotations(
        store.annotations.for_document(doc),
        store.annotations.links_for_document(doc),
        store.codebook.get(),
    )
    panel.model.set_document(state, {a.id: a.name for a in store.layers()})
    return state


def choose(panel: AnnotationTablePanel, name: str) -> None:
    """Pick an entry of the analyst box with the keyboard, as an analyst would."""
    combo = panel.findChild(QComboBox, "analystFilter")
    assert combo is not None
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != name:
        before = combo.currentIndex()
        QTest.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"{name} is not offered"


def test_the_analyst_filter_offers_every_layer_and_shows_only_its_annotations(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    store = session.store
    ben = Session(store, store.ensure_analyst("Ben"))
    reviewed = Session(store, store.reviewed_layer())
    tag(session, doc, "Claim", *at("Global Times"))
    tag(ben, doc, "Speaker", *at("Wei Fenghe"))
    tag(ben, doc, "Claim", *at("China firmly opposes"))
    tag(reviewed, doc, "Speaker", *at("Tokayev"))
    load_layers(panel, store, doc)
    combo = panel.findChild(QComboBox, "analystFilter")
    assert combo is not None
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert offered == ["All analysts", "Ana", "Ben", store.reviewed_layer().name]

    choose(panel, "Ben")
    assert shown(panel) == ["China firmly opposes", "Wei Fenghe"]
    assert set(shown(panel, 4)) == {"Ben"}
    qtbot.keyClicks(panel.findChild(QLineEdit, "annotationFilter"), "wei")  # both filters
    assert shown(panel) == ["Wei Fenghe"]
    panel.findChild(QLineEdit, "annotationFilter").clear()
    choose(panel, store.reviewed_layer().name)
    assert shown(panel) == ["Tokayev"]
    choose(panel, "All analysts")
    assert shown(panel) == ["Global Times", "China firmly opposes", "Wei Fenghe", "Tokayev"]


def test_the_chosen_analyst_stays_chosen_and_new_rows_follow_the_filter(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, fresh_store: Store, doc: DocumentId
) -> None:
    ben = Session(fresh_store, fresh_store.ensure_analyst("Ben"))
    tag(ben, doc, "Speaker", *at("Wei Fenghe"))
    state = load_layers(panel, fresh_store, doc)
    choose(panel, "Ben")
    created = tag(session, doc, "Speaker", *at("Tokayev"))  # Ana's: stays hidden
    apply(panel, session, state, Change("Tag", doc, frozenset({created.id}), frozenset(), False))
    assert shown(panel) == ["Wei Fenghe"]
    _annotation, change = ben.create_annotation(
        document_id=doc, label_id=fresh_store.codebook.get().by_name("Target").id, start=0, end=6
    )
    apply(panel, session, state, change)
    assert shown(panel) == ["Global", "Wei Fenghe"]

    other = add_document(fresh_store, "Another article mentions Wei Fenghe again.")
    load_layers(panel, fresh_store, other)  # another document opens: Ben still chosen
    assert panel.findChild(QComboBox, "analystFilter").currentText() == "Ben"
    assert shown(panel) == []


def test_the_text_filter_follows_edits_notes_and_links(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    claim = tag(session, doc, "Claim", *at("values the partnership"))
    tokayev = tag(session, doc, "Speaker", *at("Tokayev"))
    state = load_layers(panel, session.store, doc)
    qtbot.keyClicks(panel.findChild(QLineEdit, "annotationFilter"), "tokay")
    assert shown(panel) == ["Tokayev"]
    # The claim's Speaker column becomes "Tokayev": it now matches.
    apply(
        panel,
        session,
        state,
        session.set_link(source_id=claim.id, kind="said_by", target_id=tokayev.id),
    )
    assert shown(panel) == ["Tokayev", "values the partnership"]
    panel.findChild(QLineEdit, "annotationFilter").clear()
    qtbot.keyClicks(panel.findChild(QLineEdit, "annotationFilter"), "recheck")
    assert shown(panel) == []
    apply(panel, session, state, session.update_annotation(claim.id, note="Recheck the quote"))
    assert shown(panel) == ["values the partnership"]


def test_the_about_column_follows_links_and_spans_and_is_sorted_and_filtered(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    first = tag(session, doc, "Claim", *at("China firmly opposes"))
    second = tag(session, doc, "Claim", *at("values the partnership"))
    tag(session, doc, "Claim", *at("Global Times"))
    kazakhstan = tag(session, doc, "Target", *at("Kazakhstan"))
    state = load(panel, session, doc)
    assert shown(panel, TARGET) == ["", "", "", ""]

    apply(
        panel,
        session,
        state,
        session.set_link(source_id=second.id, kind="about", target_id=kazakhstan.id),
    )
    apply(panel, session, state, session.set_link(source_id=first.id, kind="about", name="NATO"))
    assert dict(zip(shown(panel), shown(panel, TARGET), strict=True)) == {
        "Global Times": "",
        "China firmly opposes": "NATO",
        "Kazakhstan": "",  # a target span is about nothing itself
        "values the partnership": "Kazakhstan",
    }
    # The target span grows: the claim about it shows its new text.
    start, _end = at("Kazakhstan")
    apply(
        panel,
        session,
        state,
        session.update_annotation(kazakhstan.id, start=start - len("said "), end=_end),
    )
    about = dict(zip(shown(panel), shown(panel, TARGET), strict=True))
    assert about["values the partnership"] == "said Kazakhstan"

    click_header(qtbot, panel, TARGET)  # sorted by what the claims are about
    assert shown(panel, TARGET) == ["", "", "NATO", "said Kazakhstan"]
    click_header(qtbot, panel, TARGET)
    assert shown(panel, TARGET)[:2] == ["said Kazakhstan", "NATO"]

    box = panel.findChild(QLineEdit, "annotationFilter")
    qtbot.keyClicks(box, "nato")  # matches through the About column only
    assert shown(panel) == ["China firmly opposes"]
    box.clear()
    qtbot.keyClicks(box, "said kazakh")
    assert sorted(shown(panel)) == ["said Kazakhstan", "values the partnership"]


def test_the_quote_column_takes_the_room_and_the_others_stay_readable(
    qtbot: Any, panel: AnnotationTablePanel, session: Session, doc: DocumentId
) -> None:
    tag(session, doc, "Claim", 0, len(TEXT))
    load(panel, session, doc)
    panel.resize(800, 300)  # as wide as the table is in the window
    qtbot.waitUntil(lambda: table(panel).viewport().width() < 800)
    header = table(panel).horizontalHeader()
    widths = {column: header.sectionSize(column) for column in range(header.count())}
    quote = widths.pop(QUOTE)
    assert quote > max(widths.values())  # the note column no longer shares the room evenly
    assert quote >= 0.3 * table(panel).viewport().width()
    char = table(panel).fontMetrics().averageCharWidth()
    assert quote >= 30 * char
    for column, width in widths.items():  # every header readable in full
        title = header.model().headerData(column, Qt.Orientation.Horizontal)
        assert width >= header.fontMetrics().horizontalAdvance(title), title
    # Cut at the right, with the whole quote a hover away (plain text).
    assert table(panel).textElideMode() == Qt.TextElideMode.ElideRight
    cell = table(panel).model().index(0, QUOTE)
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == wrapping_tooltip(TEXT)
    assert widths[NOTE] < quote
