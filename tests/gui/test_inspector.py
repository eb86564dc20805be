"""The inspector: shows the selected annotation and turns each edit into exactly one intent."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from core.test_store_annotations import TEXT, add_document, tag
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from annotator.core.attribution import DocumentAnnotations
from annotator.core.importing.report import ExtractedDocument, ImportReport
from annotator.core.records import Annotation, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.gui.panels.inspector import Inspector

CTRL = Qt.KeyboardModifier.ControlModifier


@dataclass
class Intents:
    """Every signal the inspector emitted, in order."""

    seen: list[tuple[Any, ...]] = field(default_factory=list)

    def watch(self, inspector: Inspector) -> Intents:
        inspector.change_requested.connect(lambda *a: self.seen.append(("change", *a)))
        inspector.link_requested.connect(lambda *a: self.seen.append(("link", *a)))
        inspector.delete_requested.connect(lambda *a: self.seen.append(("delete", *a)))
        return self


class Bench:
    """A store with one document, and an inspector shown like the workspace shows it."""

    def __init__(self, store: Store, inspector: Inspector) -> None:
        self.store = store
        self.session = Session(store, store.ensure_analyst("Ana"))
        self.doc: DocumentId = add_document(store)
        self.inspector = inspector
        self.state = DocumentAnnotations([], [], store.codebook.get())
        self.intents = Intents().watch(inspector)

    def tag(self, name: str, word: str, **kw: object) -> Annotation:
        start = TEXT.index(word)
        return tag(self.session, self.doc, name, start, start + len(word), **kw)  # type: ignore[no-any-return]

    def show(self, annotation: Annotation | None) -> None:
        """Reload from the store (as after a change lands) and show `annotation` afresh."""
        annotations = self.store.annotations
        self.state = DocumentAnnotations(
            annotations.for_document(self.doc),
            annotations.links_for_document(self.doc),
            self.store.codebook.get(),
        )
        current = None if annotation is None else self.state.get(annotation.id)
        analysts = {a.id: a.name for a in self.store.analysts()}
        self.inspector.show_annotation(current, self.state, annotations.speaker_names(), analysts)

    def child(self, kind: type[Any], name: str) -> Any:
        widget = self.inspector.findChild(kind, name)
        assert widget is not None, name
        return widget


@pytest.fixture
def bench(qtbot: Any, fresh_store: Store) -> Bench:
    inspector = Inspector()
    qtbot.addWidget(inspector)
    other = QLineEdit(inspector)  # somewhere to move the focus to
    other.setObjectName("elsewhere")
    inspector.layout().addWidget(other)
    inspector.resize(420, 700)
    inspector.show()
    qtbot.waitExposed(inspector)
    inspector.activateWindow()
    qtbot.waitActive(inspector)
    return Bench(fresh_store, inspector)


def focus(qtbot: Any, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def test_nothing_selected_shows_the_label_keys_and_disables_every_editor(bench: Bench) -> None:
    bench.show(None)
    hint = bench.child(QLabel, "inspectorHint")
    assert hint.isVisible() and hint.text() == "Select text and press 1, 2 or 3 to tag it"
    assert hint.textFormat() == Qt.TextFormat.PlainText
    for kind, name in [
        (QComboBox, "inspectorLabel"),
        (QComboBox, "inspectorSentiment"),
        (QLineEdit, "inspectorSpeakerName"),
        (QComboBox, "inspectorSaidBy"),
        (QComboBox, "inspectorAbout"),
        (QPlainTextEdit, "inspectorNote"),
        (QPushButton, "inspectorDelete"),
    ]:
        assert not bench.child(kind, name).isEnabled(), name
    assert bench.inspector.objectName() == "inspector"


def test_showing_annotations_emits_nothing_and_fills_each_editor(bench: Bench) -> None:
    claim = bench.tag("Claim", "China firmly opposes", sentiment="negative")
    wei = bench.tag("Speaker", "Wei Fenghe", speaker_name="General Wei")
    bench.session.update_annotation(claim.id, note="double-check")
    bench.session.set_link(source_id=claim.id, kind="said_by", target_id=wei.id)
    bench.session.set_link(source_id=claim.id, kind="about", name="External forces")

    for annotation in (claim, wei, None, claim, claim):
        bench.show(annotation)
    assert bench.intents.seen == []

    assert bench.child(QComboBox, "inspectorLabel").currentText() == "Claim"
    assert bench.child(QComboBox, "inspectorSentiment").currentText() == "negative"
    said_by = bench.child(QComboBox, "inspectorSaidBy")
    assert said_by.currentData() == wei.id
    assert said_by.currentText() == "General Wei — “Wei Fenghe”"
    assert [said_by.itemText(i) for i in range(said_by.count())][0] == "—"
    assert bench.child(QComboBox, "inspectorAbout").currentText() == "External forces"
    assert bench.child(QPlainTextEdit, "inspectorNote").toPlainText() == "double-check"
    assert bench.child(QLabel, "inspectorAnalyst").text() == "Ana"
    assert not bench.child(QLineEdit, "inspectorSpeakerName").isVisibleTo(bench.inspector)

    bench.show(wei)
    assert bench.child(QLineEdit, "inspectorSpeakerName").text() == "General Wei"
    assert bench.child(QLineEdit, "inspectorSpeakerName").isVisibleTo(bench.inspector)
    assert not said_by.isVisibleTo(bench.inspector)
    assert bench.intents.seen == []


def test_markup_in_quote_note_and_analyst_name_is_shown_literally(
    bench: Bench, fresh_store: Store
) -> None:
    text = "He wrote <b>bold</b> & <i>more</i> here."
    bench.doc = doc = add_document(fresh_store, text)
    bench.session = Session(fresh_store, fresh_store.ensure_analyst("<b>Bo</b>"))
    start, end = text.index("<b>"), text.index(" here")
    annotation = tag(bench.session, doc, "Claim", start, end, note="<i>check</i>")
    bench.show(annotation)

    assert (
        bench.child(QPlainTextEdit, "inspectorQuote").toPlainText() == "<b>bold</b> & <i>more</i>"
    )
    assert bench.child(QPlainTextEdit, "inspectorNote").toPlainText() == "<i>check</i>"
    analyst = bench.child(QLabel, "inspectorAnalyst")
    assert analyst.text() == "<b>Bo</b>"
    assert analyst.textFormat() == Qt.TextFormat.PlainText


def test_picking_a_sentiment_by_keyboard_requests_it_once(qtbot: Any, bench: Bench) -> None:
    claim = bench.tag("Claim", "China firmly opposes")
    bench.show(claim)
    sentiment = bench.child(QComboBox, "inspectorSentiment")
    focus(qtbot, sentiment)

    qtbot.keyClick(sentiment, Qt.Key.Key_Down)  # "—" → the first sentiment

    assert bench.intents.seen == [("change", claim.id, {"sentiment": "positive"})]
    bench.show(claim)  # the workspace re-shows it; nothing changed yet in the store
    assert bench.intents.seen == [("change", claim.id, {"sentiment": "positive"})]


def test_relabelling_a_named_speaker_drops_its_name_in_the_same_request(
    qtbot: Any, bench: Bench
) -> None:
    wei = bench.tag("Speaker", "Wei Fenghe", speaker_name="Wei")
    bench.show(wei)
    label = bench.child(QComboBox, "inspectorLabel")
    focus(qtbot, label)

    qtbot.keyClick(label, Qt.Key.Key_Down)  # Speaker → Target

    target_id = bench.store.codebook.get().by_name("Target").id
    assert bench.intents.seen == [("change", wei.id, {"label_id": target_id, "speaker_name": None})]


def test_a_canonical_name_is_completed_and_committed_with_return(qtbot: Any, bench: Bench) -> None:
    bench.tag("Speaker", "Wei Fenghe", speaker_name="General Wei Fenghe")
    tokayev = bench.tag("Speaker", "Tokayev")
    bench.show(tokayev)
    name = bench.child(QLineEdit, "inspectorSpeakerName")
    focus(qtbot, name)

    qtbot.keyClicks(name, "gen")
    popup = name.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)

    assert name.text() == "General Wei Fenghe"
    assert bench.intents.seen == [("change", tokayev.id, {"speaker_name": "General Wei Fenghe"})]
    qtbot.keyClick(name, Qt.Key.Key_Return)
    focus(qtbot, bench.child(QLineEdit, "elsewhere"))
    assert len(bench.intents.seen) == 1  # unchanged since: not requested again


def test_a_canonical_name_is_committed_when_focus_leaves(qtbot: Any, bench: Bench) -> None:
    wei = bench.tag("Speaker", "Wei Fenghe", speaker_name="Wei")
    bench.show(wei)
    name = bench.child(QLineEdit, "inspectorSpeakerName")
    focus(qtbot, name)
    name.selectAll()

    qtbot.keyClicks(name, "Wei  Fenghe ")
    assert bench.intents.seen == []
    focus(qtbot, bench.child(QLineEdit, "elsewhere"))

    assert bench.intents.seen == [("change", wei.id, {"speaker_name": "Wei Fenghe"})]


def test_choosing_a_speaker_span_in_said_by_requests_a_link_to_it(qtbot: Any, bench: Bench) -> None:
    claim = bench.tag("Claim", "values the partnership")
    bench.tag("Speaker", "Wei Fenghe")
    tokayev = bench.tag("Speaker", "Tokayev")
    bench.show(claim)
    said_by = bench.child(QComboBox, "inspectorSaidBy")
    assert [said_by.itemData(i) for i in range(said_by.count())][0] is None
    focus(qtbot, said_by)

    qtbot.keyClick(said_by, Qt.Key.Key_Down)
    qtbot.keyClick(said_by, Qt.Key.Key_Down)  # "—", Wei Fenghe, Tokayev
    focus(qtbot, bench.child(QLineEdit, "elsewhere"))

    first = bench.state.spans_with_role("speaker")[0]
    assert bench.intents.seen == [
        ("link", claim.id, "said_by", first.id, None),
        ("link", claim.id, "said_by", tokayev.id, None),
    ]


def test_typing_a_new_name_in_said_by_requests_a_link_to_that_name(
    qtbot: Any, bench: Bench
) -> None:
    claim = bench.tag("Claim", "values the partnership")
    bench.tag("Speaker", "Tokayev")
    bench.show(claim)
    said_by = bench.child(QComboBox, "inspectorSaidBy")
    focus(qtbot, said_by)
    assert said_by.currentText() == "—"

    qtbot.keyClicks(said_by, "Xinhua  agency")  # replaces the "—" rather than appending
    assert bench.intents.seen == []
    qtbot.keyClick(said_by, Qt.Key.Key_Return)
    assert bench.intents.seen == [("link", claim.id, "said_by", None, "Xinhua agency")]
    focus(qtbot, bench.child(QLineEdit, "elsewhere"))
    assert len(bench.intents.seen) == 1


def test_said_by_completes_names_used_anywhere_in_the_project(qtbot: Any, bench: Bench) -> None:
    claim = bench.tag("Claim", "values the partnership")
    bench.tag("Speaker", "Wei Fenghe", speaker_name="General Wei Fenghe")
    bench.show(claim)
    said_by = bench.child(QComboBox, "inspectorSaidBy")
    focus(qtbot, said_by)
    said_by.lineEdit().selectAll()

    qtbot.keyClicks(said_by, "GEN")
    popup = said_by.lineEdit().completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)

    assert said_by.currentText() == "General Wei Fenghe"
    assert bench.intents.seen == [("link", claim.id, "said_by", None, "General Wei Fenghe")]


def test_emptying_about_clears_the_link_when_focus_leaves(qtbot: Any, bench: Bench) -> None:
    claim = bench.tag("Claim", "values the partnership")
    bench.session.set_link(source_id=claim.id, kind="about", name="Kazakhstan")
    bench.show(claim)
    about = bench.child(QComboBox, "inspectorAbout")
    assert about.currentText() == "Kazakhstan"
    focus(qtbot, about)

    about.lineEdit().selectAll()
    qtbot.keyClick(about, Qt.Key.Key_Backspace)
    focus(qtbot, bench.child(QLineEdit, "elsewhere"))

    assert bench.intents.seen == [("link", claim.id, "about", None, None)]
    bench.session.set_link(source_id=claim.id, kind="about")
    bench.show(claim)  # the change landed
    assert about.currentText() == "—" and about.currentData() is None
    assert len(bench.intents.seen) == 1


def test_a_note_is_requested_once_when_focus_leaves_not_per_keystroke(
    qtbot: Any, bench: Bench
) -> None:
    claim = bench.tag("Claim", "values the partnership")
    bench.show(claim)
    note = bench.child(QPlainTextEdit, "inspectorNote")
    focus(qtbot, note)

    qtbot.keyClicks(note, "Check source")
    assert bench.intents.seen == []
    qtbot.keyClick(note, Qt.Key.Key_Tab)  # Tab leaves the note (it does not type a tab)
    assert not note.hasFocus()
    focus(qtbot, note)
    focus(qtbot, bench.child(QLineEdit, "elsewhere"))

    assert bench.intents.seen == [("change", claim.id, {"note": "Check source"})]


def test_ctrl_return_commits_a_note_without_a_newline(qtbot: Any, bench: Bench) -> None:
    claim = bench.tag("Claim", "values the partnership", note="old")
    bench.show(claim)
    note = bench.child(QPlainTextEdit, "inspectorNote")
    focus(qtbot, note)
    note.selectAll()

    qtbot.keyClicks(note, "new")
    qtbot.keyClick(note, Qt.Key.Key_Return, CTRL)

    assert note.toPlainText() == "new"
    assert bench.intents.seen == [("change", claim.id, {"note": "new"})]


def test_switching_annotation_requests_a_note_still_being_typed(qtbot: Any, bench: Bench) -> None:
    claim = bench.tag("Claim", "values the partnership", note="first")
    other = bench.tag("Claim", "China firmly", note="second")
    bench.show(claim)
    note = bench.child(QPlainTextEdit, "inspectorNote")
    focus(qtbot, note)
    qtbot.keyClick(note, Qt.Key.Key_End, CTRL)
    qtbot.keyClicks(note, " draft")

    bench.show(claim)  # a refresh of the same annotation keeps the typing
    assert note.toPlainText() == "first draft" and bench.intents.seen == []
    bench.show(other)  # e.g. Alt+Down while typing

    assert bench.intents.seen == [("change", claim.id, {"note": "first draft"})]
    assert note.toPlainText() == "second"


def test_an_edit_left_on_a_deleted_annotation_never_goes_to_the_next_one(
    qtbot: Any, bench: Bench
) -> None:
    tokayev = bench.tag("Speaker", "Tokayev")
    claim = bench.tag("Claim", "values the partnership")
    bench.show(tokayev)
    name = bench.child(QLineEdit, "inspectorSpeakerName")
    focus(qtbot, name)
    qtbot.keyClicks(name, "Kassym")
    bench.session.delete_annotation(tokayev.id)  # e.g. undone elsewhere while typing

    bench.show(claim)  # hides the focused name box: its focus-out must not reach the claim

    assert not name.hasFocus()
    assert bench.intents.seen == []


def test_each_edit_is_one_request_even_when_the_change_lands_at_once(
    qtbot: Any, bench: Bench
) -> None:
    """Wired like the workspace: each intent runs a Session step and re-shows the annotation."""
    claim = bench.tag("Claim", "values the partnership")
    inspector = bench.inspector

    def change(aid: str, changes: dict[str, object]) -> None:
        bench.session.update_annotation(aid, **changes)  # type: ignore[arg-type]
        bench.show(bench.store.annotations.get(aid))  # type: ignore[arg-type]

    inspector.change_requested.connect(change)
    bench.show(claim)
    note = bench.child(QPlainTextEdit, "inspectorNote")
    focus(qtbot, note)
    qtbot.keyClicks(note, "one")
    qtbot.keyClick(note, Qt.Key.Key_Return, CTRL)
    focus(qtbot, bench.child(QLineEdit, "elsewhere"))
    sentiment = bench.child(QComboBox, "inspectorSentiment")
    focus(qtbot, sentiment)
    qtbot.keyClick(sentiment, Qt.Key.Key_Down)

    stored = bench.store.annotations.get(claim.id)
    assert (stored.note, stored.sentiment) == ("one", "positive")
    assert [e[2] for e in bench.intents.seen] == [{"note": "one"}, {"sentiment": "positive"}]
    assert bench.session.undo_description() is not None


def test_delete_button_requests_deletion(qtbot: Any, bench: Bench) -> None:
    claim = bench.tag("Claim", "values the partnership")
    bench.show(claim)

    qtbot.mouseClick(bench.child(QPushButton, "inspectorDelete"), Qt.MouseButton.LeftButton)

    assert bench.intents.seen == [("delete", claim.id)]


def test_the_position_names_the_page_in_a_paged_document(bench: Bench, fresh_store: Store) -> None:
    text = "First page: the minister spoke.\nSecond page: China firmly opposes it."
    extracted = ExtractedDocument(
        source=Path("statement.pdf"),
        title="Statement",
        text=text,
        published=None,
        report=ImportReport("statement.pdf", "pdf", "pdf", False),
        page_starts=[0, text.index("Second")],
    )
    bench.doc = fresh_store.documents.add(extracted, analyst_id=None)[0].id
    document = fresh_store.documents.get(bench.doc)
    bench.inspector.set_page_starts(document.page_starts)
    start = text.index("China")
    claim = tag(bench.session, bench.doc, "Claim", start, start + 5)
    bench.show(claim)
    position = bench.child(QLabel, "inspectorPosition")
    assert position.textFormat() == Qt.TextFormat.PlainText
    assert position.text() == f"{start}–{start + 5} · page 2"
    first = tag(bench.session, bench.doc, "Claim", 0, 5)
    bench.show(first)
    assert position.text() == "0–5 · page 1"
    bench.inspector.set_page_starts(())  # an unpaged document opens: no page to cite
    assert position.text() == "0–5"
    bench.show(None)
    assert position.text() == ""
    assert bench.intents.seen == []


def test_an_unpaged_document_shows_the_position_alone(bench: Bench) -> None:
    claim = bench.tag("Claim", "China firmly opposes")
    bench.show(claim)
    assert bench.child(QLabel, "inspectorPosition").text() == f"{claim.start}–{claim.end}"
