"""The inspector: the selected annotation's quote, position, label, sentiment, attribution and
note. In a paged source (a PDF) the position names the page of the annotation's start, from the
page map the workspace hands over when a document opens (`set_page_starts`).

It never changes data itself. Each edit becomes one intent signal (one undo step) that the
workspace turns into a Session operation; the workspace then calls `show_annotation` again,
which fills the editors silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.attribution import DocumentAnnotations, clean_name
from annotator.core.codebook import Codebook
from annotator.core.records import Annotation, page_at
from annotator.gui.panels.comment_thread import CommentThread
from annotator.gui.panels.link_choices import (
    NONE,
    LinkValue,
    SpanChoices,
    link_box,
    link_value,
    show_link,
)
from annotator.gui.reading.label_bar import swatch
from annotator.gui.reading.plain_text import plain_label

QUOTE_LINES = 4


def _when(stamp: str) -> str:
    """An ISO UTC timestamp in local time, to the minute."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def hint_text(codebook: Codebook) -> str:
    """What to do when nothing is selected, with the codebook's own label keys."""
    keys = [label.shortcut for label in codebook.labels if label.shortcut]
    if not codebook.labels:  # no project yet: the default codebook's keys
        keys = ["1", "2", "3"]
    if not keys:
        return "Select text and click a label button to tag it"
    spoken = keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " or " + keys[-1]
    return f"Select text and press {spoken} to tag it"


class _CommitFilter(QObject):
    """Calls `commit` when the watched editor loses focus (not to a popup of its own, such as
    a completer or context menu). With `none_line`, typing over a shown "—" replaces it."""

    def __init__(
        self, editor: QWidget, commit: Callable[[], None], none_line: QLineEdit | None = None
    ) -> None:
        super().__init__(editor)
        self._commit = commit
        self._none_line = none_line
        editor.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.FocusOut
            and isinstance(event, QFocusEvent)
            and event.reason() != Qt.FocusReason.PopupFocusReason
        ):
            self._commit()
        elif (
            self._none_line is not None
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.text().isprintable()
            and event.text()
            and self._none_line.text() == NONE
        ):
            self._none_line.clear()
        return False


class Inspector(QWidget):
    #: (annotation id, {field: new value}) for Session.update_annotation.
    change_requested = Signal(str, dict)
    #: (claim id, "said_by" | "about", span id or None, typed name or None); both None clears.
    link_requested = Signal(str, str, object, object)
    delete_requested = Signal(str)
    #: A claim's id: look for the passages of other documents that restate it.
    recurrences_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self._annotation: Annotation | None = None
        self._codebook = Codebook((), ())
        self._shown: dict[str, object] = {}  # field → value last shown or requested
        self._last_request: tuple[str, object] | None = None  # (field, value shown before)
        self._filling = False
        self._names = QStringListModel(self)
        self._names_shown: list[str] = []
        # The link boxes' items: the open document's speakers and targets, kept current by
        # the document's own changes (not refilled per claim shown).
        self._speakers = SpanChoices("speaker", self)
        self._targets = SpanChoices("target", self)

        self.hint = plain_label()
        self.hint.setObjectName("inspectorHint")
        self.hint.setWordWrap(True)
        self.quote = QPlainTextEdit(self)
        self.quote.setObjectName("inspectorQuote")
        self.quote.setReadOnly(True)
        self.quote.setTabChangesFocus(True)
        lines = self.quote.fontMetrics().lineSpacing() * QUOTE_LINES
        self.quote.setMaximumHeight(lines + 2 * int(self.quote.document().documentMargin()) + 4)
        self.analyst = plain_label()
        self.analyst.setObjectName("inspectorAnalyst")
        self.dates = plain_label()
        self.dates.setObjectName("inspectorDates")
        self.dates.setWordWrap(True)
        self.position = plain_label()
        self.position.setObjectName("inspectorPosition")
        self._page_starts: tuple[int, ...] = ()

        self.label = QComboBox(self)
        self.label.setObjectName("inspectorLabel")
        self.label.activated.connect(lambda _i: self._request_label())
        self.sentiment = QComboBox(self)
        self.sentiment.setObjectName("inspectorSentiment")
        self.sentiment.activated.connect(
            lambda _i: self._request("sentiment", self.sentiment.currentData())
        )
        self.speaker_name = QLineEdit(self)
        self.speaker_name.setObjectName("inspectorSpeakerName")
        self.speaker_name.setPlaceholderText("Name used for every mention of this speaker")
        self.speaker_name.setCompleter(self._completer())
        self.speaker_name.returnPressed.connect(self._commit_speaker_name)
        _CommitFilter(self.speaker_name, self._commit_speaker_name)
        self.said_by = self._link_box("inspectorSaidBy", "said_by", self._speakers)
        self.about = self._link_box("inspectorAbout", "about", self._targets)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("inspectorNote")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Note (saved when you leave the box or press Ctrl+Return)")
        _CommitFilter(self.note, self._commit_note)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.note, self._commit_note).setContext(
                Qt.ShortcutContext.WidgetShortcut
            )
        self.comments = CommentThread(self)
        self.comments.setObjectName("inspectorComments")
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setObjectName("inspectorDelete")
        self.delete_button.clicked.connect(self._request_delete)
        self.recurrences_button = QPushButton("Find this claim elsewhere", self)
        self.recurrences_button.setObjectName("inspectorRecurrences")
        self.recurrences_button.setToolTip(
            "List the passages of other documents that restate this claim, best first"
        )
        self.recurrences_button.clicked.connect(self._request_recurrences)

        # Every editor sits in `body`, so one setEnabled() turns them all on or off.
        self.body = QWidget(self)
        self.form = QFormLayout(self.body)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.quote)
        self.form.addRow("Analyst", self.analyst)
        self.form.addRow("", self.dates)
        self.form.addRow("Position", self.position)
        self.form.addRow("Label", self.label)
        self.form.addRow("Sentiment", self.sentiment)
        self.form.addRow("Canonical name", self.speaker_name)
        self.form.addRow("Said by", self.said_by)
        self.form.addRow("About", self.about)
        self.form.addRow(self.recurrences_button)
        self.form.addRow("Note", self.note)
        self.form.addRow(self.delete_button)
        self.form.addRow("Comments", self.comments)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.body)
        layout.addStretch(1)
        self.show_annotation(None, DocumentAnnotations([], [], Codebook((), ())), [], {})

    def set_page_starts(self, page_starts: Sequence[int]) -> None:
        """The open document's page map (code point where each page starts; empty for unpaged
        texts), for the position shown; call when a document opens."""
        starts = tuple(page_starts)
        if starts != self._page_starts:
            self._page_starts = starts
            if self._annotation is not None:
                self.position.setText(self.position_text(self._annotation))

    def position_text(self, annotation: Annotation) -> str:
        """ "120–145" (code points, as exports give start and end), with "· page 3" in a paged
        source: the page of the annotation's start."""
        where = f"{annotation.start}–{annotation.end}"
        page = page_at(self._page_starts, annotation.start)
        return where if page is None else f"{where} · page {page}"

    @property
    def annotation_id(self) -> str | None:
        return None if self._annotation is None else self._annotation.id

    def _completer(self) -> QCompleter:
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        return completer

    def _link_box(self, name: str, kind: str, choices: SpanChoices) -> QComboBox:
        box = link_box(self, name, choices, self._completer())
        line = box.lineEdit()
        assert line is not None
        box.activated.connect(lambda _i: self._commit_link(kind))
        line.returnPressed.connect(lambda: self._commit_link(kind))
        _CommitFilter(box, lambda: self._commit_link(kind), line)
        return box

    # -- showing ----------------------------------------------------------------------------

    def show_annotation(
        self,
        annotation: Annotation | None,
        state: DocumentAnnotations,
        names: list[str],
        analysts: dict[str, str],
    ) -> None:
        """Show an annotation (or none) without emitting anything for the values filled in."""
        previous = self.annotation_id
        same = annotation is not None and annotation.id == previous
        if previous is not None and not same and state.get(previous) is not None:
            self.commit_pending()
        self._filling = True
        try:
            self._fill(annotation, state, names, analysts, same=same)
        finally:
            self._filling = False

    def _fill(
        self,
        annotation: Annotation | None,
        state: DocumentAnnotations,
        names: list[str],
        analysts: dict[str, str],
        *,
        same: bool,
    ) -> None:
        self._annotation = annotation
        self._codebook = codebook = state.codebook
        self.hint.setText(hint_text(codebook))
        self.hint.setVisible(annotation is None)
        self.body.setEnabled(annotation is not None)
        if names != self._names_shown:  # compared in Python: reading Qt's copy costs more
            self._names_shown = list(names)
            self._names.setStringList(self._names_shown)
        labels = [(label.name, label.id) for label in codebook.labels]
        _fill_items(self.label, labels)
        for row, label in enumerate(codebook.labels):  # colours may change with the codebook
            self.label.setItemIcon(row, swatch(label.color))
        _fill_items(self.sentiment, [(NONE, None), *((s, s) for s in codebook.sentiments)])
        role = None if annotation is None else state.role_of(annotation)
        for choices, box in ((self._speakers, self.said_by), (self._targets, self.about)):
            # A claim's boxes list this document's spans; no other document's are kept.
            wanted = state if role == "claim" or choices.state is state else None
            if choices.state is not wanted:
                kept = link_value(box)  # what the box said (perhaps being typed) outlives
                choices.follow(wanted)  # the new rows
                if wanted is not None:
                    show_link(box, kept, wanted)
        self.form.setRowVisible(self.speaker_name, role == "speaker")
        self.form.setRowVisible(self.said_by, role == "claim")
        self.form.setRowVisible(self.about, role == "claim")
        self.form.setRowVisible(self.recurrences_button, role == "claim")
        if annotation is None:
            self._shown = {}
            self.quote.clear()
            self.note.clear()
            self.analyst.clear()
            self.dates.clear()
            self.position.clear()
            self.speaker_name.clear()
            for box in (self.label, self.sentiment):
                box.setCurrentIndex(-1)
            for box in (self.said_by, self.about):
                box.setCurrentIndex(-1)
                box.setEditText("")
            return
        if self.quote.toPlainText() != annotation.quote:
            self.quote.setPlainText(annotation.quote)
        self.analyst.setText(analysts.get(annotation.analyst_id, "?"))
        created, modified = _when(annotation.created), _when(annotation.modified)
        changed = "" if created == modified else f", changed {modified}"
        self.dates.setText(f"Created {created}{changed}")
        self.position.setText(self.position_text(annotation))
        self.label.setCurrentIndex(self.label.findData(annotation.label_id))
        self.sentiment.setCurrentIndex(
            0 if annotation.sentiment is None else self.sentiment.findData(annotation.sentiment)
        )
        shown: dict[str, object] = {
            "label_id": annotation.label_id,
            "sentiment": annotation.sentiment,
            "speaker_name": annotation.speaker_name if role == "speaker" else None,
            "note": annotation.note,
        }

        def pending(key: str, current: object) -> bool:
            """An edit still being typed survives a refresh that left the stored value as is."""
            before = self._shown.get(key)
            return same and current != before and shown[key] == before

        name = annotation.speaker_name or ""
        if self.speaker_name.text() != name and not pending("speaker_name", self._name_value()):
            self.speaker_name.setText(name)
        note = self.note.toPlainText()
        if note != annotation.note and not pending("note", note):
            self.note.setPlainText(annotation.note)
        for kind, box in (("said_by", self.said_by), ("about", self.about)):
            if role != "claim":
                continue
            link = state.link_of(annotation.id, kind)
            value: LinkValue = None
            if link is not None:
                value = (link.target_id, None) if link.target_id else (None, link.name)
            shown[kind] = value
            if not pending(kind, link_value(box)):
                show_link(box, value, state)
        self._shown = shown

    # -- requests ---------------------------------------------------------------------------

    def commit_pending(self) -> None:
        """Request any edit still being typed (before switching annotation or document)."""
        if self._annotation is None:
            return
        self._commit_speaker_name()
        self._commit_note()
        for kind in ("said_by", "about"):
            self._commit_link(kind)

    def request_failed(self) -> None:
        """The last request was not saved: keep typed text as a pending edit, to retry."""
        if self._last_request is not None:
            key, before = self._last_request
            self._shown[key] = before
            self._last_request = None

    def _request(self, key: str, value: object, extra: dict[str, object] | None = None) -> None:
        """Emit one intent if `value` differs from what is shown (or was last requested)."""
        annotation = self._annotation
        if self._filling or annotation is None or self._shown.get(key) == value:
            return
        self._last_request = (key, self._shown.get(key))
        self._shown[key] = value
        if key in ("said_by", "about"):
            target, name = value if isinstance(value, tuple) else (None, None)
            self.link_requested.emit(annotation.id, key, target, name)
        else:
            self.change_requested.emit(annotation.id, {key: value, **(extra or {})})

    def _request_label(self) -> None:
        label_id = self.label.currentData()
        annotation = self._annotation
        extra: dict[str, object] = {}
        roles = {label.id: label.role for label in self._codebook.labels}
        if annotation is not None and annotation.speaker_name and roles.get(label_id) != "speaker":
            # Only speaker spans carry a canonical name: drop it in the same step.
            extra["speaker_name"] = None
        self._request("label_id", label_id, extra)

    def _name_value(self) -> str | None:
        return clean_name(self.speaker_name.text())

    def _commit_speaker_name(self) -> None:
        self._request("speaker_name", self._name_value())

    def _commit_link(self, kind: str) -> None:
        annotation = self._annotation
        roles = {label.id: label.role for label in self._codebook.labels}
        if annotation is None or roles.get(annotation.label_id) != "claim":
            return  # the (hidden) link boxes still hold the last claim's items
        self._request(kind, link_value(self.said_by if kind == "said_by" else self.about))

    def _commit_note(self) -> None:
        self._request("note", self.note.toPlainText())

    def _request_recurrences(self) -> None:
        if self._annotation is not None:
            self.recurrences_requested.emit(self._annotation.id)

    def _request_delete(self) -> None:
        if self._annotation is not None:
            self.delete_requested.emit(self._annotation.id)


# -- combo and line edit helpers ------------------------------------------------------------


def _fill_items(box: QComboBox, items: Sequence[tuple[str, object]]) -> None:
    """Replace the items if they differ (keeping an open popup or completion undisturbed).

    What was filled is remembered on the box: reading a thousand items back from Qt for
    every selection would cost more than the fill itself.
    """
    wanted = list(items)
    if getattr(box, "_filled", None) != wanted or box.count() != len(wanted):
        box.clear()
        for text, data in wanted:
            box.addItem(text, data)
        box._filled = wanted  # type: ignore[attr-defined]
