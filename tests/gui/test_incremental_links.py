"""Links, names and table rows in the real window follow each change from the change itself:
deleting a speaker clears the Said by of the claims it said (table cell and inspector), undo
brings both back, a rename reaches the linked claims' rows, and names offered for completion
come and go with the spans and links that use them. Only the rows a change touches are told to
Qt; what the window holds matches the project read afresh."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit

from annotator.core import attribution
from annotator.core.records import AnnotationId
from annotator.gui.panels.annotation_table import SPEAKER, TARGET
from annotator.gui.window.main_window import MainWindow
from driving import click, drag, keys
from support import SAMPLE

CTRL = Qt.KeyboardModifier.ControlModifier
CLAIM = "Kazakhstan attaches great importance"
OTHER_CLAIM = "China firmly opposes"


def tag(window: MainWindow, start: int, words: str, key: Qt.Key) -> AnnotationId:
    """Select `words` at `start` with the mouse and press the label's key: the new span."""
    drag(window.view, start, start + len(words))
    QTest.keyClick(window.view, key)
    active = window.workspace.active
    assert active is not None and window.inspector.quote.toPlainText() == words
    return active


def show(window: MainWindow, words: str) -> None:
    """Click the tagged `words` (Tokayev: the mention tagged, not the first)."""
    text = window.view.text
    start = text.index("\nTokayev said") + 1 if words == "Tokayev" else text.index(words)
    click(window.view, start + 2)
    assert window.inspector.quote.toPlainText().startswith(words)


def choose(qtbot: Any, window: MainWindow, box: QComboBox, downs: int) -> None:
    """Pick the list's row `downs` below "—" by keys; leaving the box saves it."""
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    box.setCurrentIndex(0)
    for _ in range(downs):
        QTest.keyClick(box, Qt.Key.Key_Down)
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)


def type_name(qtbot: Any, window: MainWindow, box: QComboBox, name: str) -> None:
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    line = box.lineEdit()
    assert line is not None
    line.selectAll()
    QTest.keyClicks(line, name)
    QTest.keyClick(line, Qt.Key.Key_Return)
    window.view.setFocus()


def cell(window: MainWindow, annotation_id: str, column: int) -> str:
    model = window.table.model
    row = model.row_of(annotation_id)
    assert row >= 0
    return str(model.data(model.index(row, column)))


def offered(window: MainWindow) -> list[str]:
    """The names the inspector completes from."""
    completer = window.inspector.findChild(QLineEdit, "inspectorSpeakerName").completer()
    return list(completer.model().stringList())


def matches_project(window: MainWindow) -> None:
    """What the window holds about the open document is what the project holds."""
    store, state = window.store, window.workspace.state
    doc = window.current_document
    assert doc is not None
    stored = store.annotations.links_for_document(doc)
    assert sorted(state.links(), key=lambda lk: lk.id) == sorted(stored, key=lambda lk: lk.id)
    names = window.workspace.opened.names
    assert names is not None and names.names() == store.annotations.speaker_names()


class Changed:
    """Every dataChanged the table model emits: (first row, last row, first col, last col)."""

    def __init__(self, window: MainWindow) -> None:
        self.ranges: list[tuple[int, int, int, int]] = []
        window.table.model.dataChanged.connect(self._note)

    def _note(self, top: QModelIndex, bottom: QModelIndex, _roles: object = None) -> None:
        self.ranges.append((top.row(), bottom.row(), top.column(), bottom.column()))

    def rows(self) -> set[int]:
        return {row for first, last, _a, _b in self.ranges for row in range(first, last + 1)}


@pytest.fixture
def window(open_window: Any, qtbot: Any) -> MainWindow:
    """The sample with speakers Wei Fenghe and Tokayev, a target, and two claims: the first
    said by Wei Fenghe and about the target, the second said by Tokayev."""
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    text = window.view.text
    tag(window, text.index("Wei Fenghe"), "Wei Fenghe", Qt.Key.Key_2)
    tag(window, text.index("\nTokayev said") + 1, "Tokayev", Qt.Key.Key_2)
    tag(window, text.index("certain major powers"), "certain major powers", Qt.Key.Key_3)
    tag(window, text.index(OTHER_CLAIM), OTHER_CLAIM, Qt.Key.Key_1)
    choose(qtbot, window, window.inspector.said_by, 2)  # Tokayev
    tag(window, text.index(CLAIM), CLAIM, Qt.Key.Key_1)
    choose(qtbot, window, window.inspector.said_by, 1)  # Wei Fenghe
    choose(qtbot, window, window.inspector.about, 1)  # certain major powers
    return window


def ids(window: MainWindow) -> dict[str, str]:
    state = window.workspace.state
    return {" ".join(a.quote.split()): a.id for a in state.all()}


def test_deleting_a_speaker_clears_the_said_by_of_its_claim_and_undo_brings_it_back(
    window: MainWindow,
) -> None:
    spans = ids(window)
    claim, other = spans[CLAIM], spans[OTHER_CLAIM]
    assert cell(window, claim, SPEAKER) == "Wei Fenghe"
    assert cell(window, claim, TARGET) == "certain major powers"
    assert cell(window, other, SPEAKER) == "Tokayev"
    matches_project(window)
    changed = Changed(window)

    show(window, "Wei Fenghe")
    keys(window.view, Qt.Key.Key_Delete)

    assert cell(window, claim, SPEAKER) == ""  # the claim's row, without the speaker
    assert cell(window, claim, TARGET) == "certain major powers"
    assert cell(window, other, SPEAKER) == "Tokayev"
    assert window.table.model.row_of(claim) in changed.rows()
    assert window.table.model.row_of(other) not in changed.rows()  # rows one by one
    assert all(first == last for first, last, _a, _b in changed.ranges)
    show(window, CLAIM)
    assert window.inspector.said_by.currentText() == "—"
    assert window.inspector.about.currentText() == "“certain major powers”"
    assert window.workspace.state.link_of(claim, "said_by") is None
    matches_project(window)

    keys(window.view, Qt.Key.Key_Z, CTRL)  # undo the delete: speaker and link back

    assert cell(window, claim, SPEAKER) == "Wei Fenghe"
    show(window, CLAIM)
    assert window.inspector.said_by.currentText() == "“Wei Fenghe”"
    assert window.inspector.about.currentText() == "“certain major powers”"
    matches_project(window)

    keys(window.view, Qt.Key.Key_Y, CTRL)  # redo: gone again
    assert cell(window, claim, SPEAKER) == ""
    matches_project(window)


def test_clearing_a_link_clears_the_claims_cell_and_nothing_else(
    window: MainWindow, qtbot: Any
) -> None:
    spans = ids(window)
    claim = spans[CLAIM]
    show(window, CLAIM)
    changed = Changed(window)
    choose(qtbot, window, window.inspector.about, 0)  # "—": no target
    assert cell(window, claim, TARGET) == ""
    assert cell(window, claim, SPEAKER) == "Wei Fenghe"
    assert window.workspace.state.link_of(claim, "about") is None
    assert window.workspace.state.claims_linked_to(spans["certain major powers"]) == set()
    assert changed.rows() == {window.table.model.row_of(claim)}
    matches_project(window)
    keys(window.view, Qt.Key.Key_Z, CTRL)
    assert cell(window, claim, TARGET) == "certain major powers"
    matches_project(window)


def test_deleting_a_claim_drops_its_links_and_the_speaker_stays_offered(
    window: MainWindow,
) -> None:
    spans = ids(window)
    show(window, CLAIM)
    keys(window.view, Qt.Key.Key_Delete)
    assert window.table.model.row_of(spans[CLAIM]) == -1
    assert window.workspace.state.link_of(spans[CLAIM], "said_by") is None
    assert window.workspace.state.claims_linked_to(spans["Wei Fenghe"]) == set()
    assert cell(window, spans[OTHER_CLAIM], SPEAKER) == "Tokayev"
    matches_project(window)
    keys(window.view, Qt.Key.Key_Z, CTRL)
    assert cell(window, spans[CLAIM], SPEAKER) == "Wei Fenghe"
    assert window.workspace.state.claims_linked_to(spans["Wei Fenghe"]) == {spans[CLAIM]}
    matches_project(window)


def test_a_rename_reaches_the_rows_of_the_claims_it_said_and_no_others(
    window: MainWindow, qtbot: Any
) -> None:
    spans = ids(window)
    claim, other = spans[CLAIM], spans[OTHER_CLAIM]
    show(window, "Tokayev")
    changed = Changed(window)
    name = window.inspector.findChild(QLineEdit, "inspectorSpeakerName")
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    QTest.keyClicks(name, "Kassym-Jomart Tokayev")
    QTest.keyClick(name, Qt.Key.Key_Return)

    assert cell(window, other, SPEAKER) == "Kassym-Jomart Tokayev"
    assert cell(window, spans["Tokayev"], SPEAKER) == "Kassym-Jomart Tokayev"
    assert cell(window, claim, SPEAKER) == "Wei Fenghe"
    model = window.table.model
    assert changed.rows() == {model.row_of(other), model.row_of(spans["Tokayev"])}
    assert "Kassym-Jomart Tokayev" in offered(window)
    matches_project(window)

    window.view.setFocus()
    keys(window.view, Qt.Key.Key_Z, CTRL)
    assert cell(window, other, SPEAKER) == "Tokayev"
    assert "Kassym-Jomart Tokayev" not in offered(window)
    matches_project(window)


def test_typed_names_are_offered_while_a_link_or_span_uses_them(
    window: MainWindow, qtbot: Any
) -> None:
    spans = ids(window)
    show(window, OTHER_CLAIM)
    type_name(qtbot, window, window.inspector.said_by, "Xinhua")
    assert cell(window, spans[OTHER_CLAIM], SPEAKER) == "Xinhua"
    assert "Xinhua" in offered(window)
    matches_project(window)

    show(window, CLAIM)  # a second claim typed with the same name
    type_name(qtbot, window, window.inspector.about, "Xinhua")
    assert cell(window, spans[CLAIM], TARGET) == "Xinhua"
    show(window, OTHER_CLAIM)
    choose(qtbot, window, window.inspector.said_by, 2)  # back to Tokayev
    assert cell(window, spans[OTHER_CLAIM], SPEAKER) == "Tokayev"
    assert "Xinhua" in offered(window)  # the other claim still names it
    matches_project(window)

    show(window, CLAIM)
    keys(window.view, Qt.Key.Key_Delete)  # the claim and its typed link go
    assert "Xinhua" not in offered(window)
    matches_project(window)
    keys(window.view, Qt.Key.Key_Z, CTRL)
    assert "Xinhua" in offered(window)
    assert cell(window, spans[CLAIM], TARGET) == "Xinhua"
    matches_project(window)


def test_the_document_list_counts_the_annotations_added_and_deleted(window: MainWindow) -> None:
    doc = window.current_document
    assert doc is not None
    model = window.documents.model

    def listed() -> int:
        return next(
            model.document_at(row).annotation_count
            for row in range(model.rowCount())
            if model.document_at(row).id == doc
        )

    assert listed() == window.store.documents.summary(doc).annotation_count == 5
    show(window, CLAIM)
    keys(window.view, Qt.Key.Key_Delete)
    assert listed() == window.store.documents.summary(doc).annotation_count == 4
    keys(window.view, Qt.Key.Key_Z, CTRL)
    assert listed() == window.store.documents.summary(doc).annotation_count == 5


def test_the_link_lists_are_built_after_opening_not_when_the_first_claim_is_shown(
    window: MainWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    real = attribution.RoleSpans.__init__

    def counting(self: attribution.RoleSpans, role: str, spans: Any) -> None:
        built.append(role)
        real(self, role, spans)

    click(window.view, 1)  # plain text: no annotation selected, so none is shown on opening
    assert window.workspace.active is None
    monkeypatch.setattr(attribution.RoleSpans, "__init__", counting)
    window.workspace.reload()  # the document read afresh: a new state, no lists yet
    qtbot.waitUntil(lambda: sorted(built) == ["speaker", "target"])
    built.clear()

    show(window, CLAIM)

    assert built == []
    assert window.inspector.said_by.currentText() == "“Wei Fenghe”"
    assert window.inspector.about.currentText() == "“certain major powers”"
