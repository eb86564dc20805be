"""The open document's annotation workspace: one path from an action to what views show.

Action (key, button, inspector) → Session operation (core: one transaction, history, undo log)
→ `Change` → `apply_change` refreshes the lines, rows and inspector the change touched, never
reloading the document. What is on screen and read about it is `OpenDocument`'s.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor

from annotator.core.attribution import DocumentAnnotations
from annotator.core.codebook import Label
from annotator.core.errors import AnnotatorError
from annotator.core.records import AnnotationId, CommentId, Document, DocumentId
from annotator.core.session import Change, Session
from annotator.core.span_index import SpanIndex
from annotator.core.store import Store
from annotator.core.words import (
    next_grapheme,
    previous_grapheme,
    word_end_after,
    word_start_before,
)
from annotator.gui.panels.annotation_table import AnnotationTablePanel
from annotator.gui.panels.inspector import Inspector
from annotator.gui.reading.document_view import DocumentView
from annotator.gui.reading.highlighter import AnnotationHighlighter
from annotator.gui.window.open_document import OpenDocument


class Workspace(QObject):
    #: A short message for the status bar.
    status = Signal(str)
    #: Something was refused or failed: (title, message) for the user.
    failed = Signal(str, str)
    #: A change landed in this document (its annotation count may differ).
    document_touched = Signal(str)
    #: Undo/redo reached a step in another document: the window should open it.
    wants_document = Signal(str)
    #: Undo/redo availability changed: (undo text or "", redo text or "").
    undo_state = Signal(str, str)
    #: The open document is fully read (after opening, reloading, or a change applied).
    loaded = Signal()

    def __init__(
        self,
        session: Session,
        view: DocumentView,
        table: AnnotationTablePanel,
        inspector: Inspector,
    ) -> None:
        super().__init__(view)
        self.session = session
        self.view = view
        self.table = table
        self.inspector = inspector
        self.opened = OpenDocument(session.store, view)
        self.opened.ready.connect(self._on_ready)
        self.active: AnnotationId | None = None
        view.clicked.connect(self._on_click)
        view.tooltip_for = self.tooltip_at
        table.annotation_selected.connect(lambda aid: self.select(AnnotationId(aid)))
        inspector.change_requested.connect(
            lambda aid, changes: self._run(
                lambda: self.session.update_annotation(AnnotationId(aid), **changes)
            )
        )
        inspector.link_requested.connect(self._on_link_requested)
        inspector.delete_requested.connect(lambda aid: self.delete(AnnotationId(aid)))
        inspector.comments.comment_requested.connect(self._on_comment)
        inspector.comments.delete_requested.connect(
            lambda cid: self._run(lambda: self.session.delete_comment(CommentId(cid)))
        )

    # What is open, as read by the rest of the window.
    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def document(self) -> Document | None:
        return self.opened.document

    @property
    def index(self) -> SpanIndex:
        return self.opened.index

    @property
    def state(self) -> DocumentAnnotations:
        return self.opened.state

    @property
    def highlighter(self) -> AnnotationHighlighter:
        return self.opened.highlighter

    @property
    def hidden_layers(self) -> frozenset[str]:
        return self.opened.hidden_layers

    @property
    def colour_by_layer(self) -> bool:
        return self.opened.colour_by_layer

    # -- opening ----------------------------------------------------------------------------

    def open(self, document: Document) -> None:
        """Show a document: the first screen with its highlights at once, the rest right after
        (the table, the inspector and highlights further down), or at once if the analyst acts
        before that."""
        self.inspector.commit_pending()  # a note still being typed belongs to the old document
        self.inspector.set_page_starts(document.page_starts)  # pages cited for paged sources
        self.active = None
        self.opened.open(document)

    def _on_ready(self) -> None:
        self.table.model.set_document(self.state, self.opened.analysts)
        self._show_inspector()
        self._emit_undo_state()
        self.loaded.emit()

    def reload(self) -> None:
        """Read the open document again from the project (changed elsewhere, or restored)."""
        self.opened.reload()

    def settled(self) -> bool:
        """True once the open document is fully loaded: table filled, every line highlighted."""
        return self.opened.settled()

    def close(self) -> None:
        """The window is closing (or changing project): no deferred work may touch the
        project after this, and nothing read from it is kept."""
        self.opened.close()

    def show_nothing(self) -> None:
        """An empty project: no text, rows or annotation of the previous one stay on screen."""
        self.active = None
        self.opened.show_nothing()
        self.table.model.set_document(self.state, {})
        self._show_inspector()

    def use_store(self, store: Store) -> None:
        """Work on another project file (or the same one reopened after a restore)."""
        self.session.store = store
        self.opened.use_store(store)
        self.codebook_changed()

    def codebook_changed(self) -> None:
        self.opened.codebook_changed()

    def show_layers(self, hidden: frozenset[str], *, colour_by_layer: bool) -> None:
        """Draw only the layers not hidden, coloured by label or by layer (analyst)."""
        self.opened.show_layers(hidden, colour_by_layer=colour_by_layer)
        active = self.state.get(self.active) if self.active else None
        if active is not None and active.analyst_id in self.hidden_layers:
            self.select(None)

    def layer_colours(self) -> dict[str, str]:
        return self.opened.layer_colours()

    # -- commands ---------------------------------------------------------------------------

    def apply_label(self, label: Label) -> None:
        """Tag the selection with `label`; without a selection, relabel the active annotation."""
        if self.document is None:
            return
        span = self.view.selected_span()
        if span is None:
            if self.active is not None:
                self._run(lambda: self.session.update_annotation(self.active, label_id=label.id))  # type: ignore[arg-type]
            else:
                self.status.emit("Select some text first, then press a label key.")
            return
        self.opened.finish()
        same = [
            a
            for a in self.index.at(span[0])
            if (a.start, a.end, a.label_id, a.analyst_id)
            == (span[0], span[1], label.id, self.session.analyst.id)
        ]
        if same:  # pressing the key twice must not make a second, identical annotation
            self.select(same[0].id, scroll=False)
            self.status.emit(f"Already tagged as {label.name}.")
            return
        document_id = self.document.id

        def create() -> Change:
            return self.session.create_annotation(
                document_id=document_id, label_id=label.id, start=span[0], end=span[1]
            )[1]

        if self._run(create):  # apply_change selects the new annotation
            self.view.clear_selection()

    def set_sentiment(self, value: str | None) -> None:
        if self.active is not None:
            aid = self.active
            self._run(lambda: self.session.update_annotation(aid, sentiment=value))

    def delete(self, annotation_id: AnnotationId | None = None) -> None:
        target = annotation_id or self.active
        if target is not None:
            self._run(lambda: self.session.delete_annotation(target))

    def move_boundary(self, edge: str, direction: int) -> None:
        """Move the active annotation's start or end by one word (or one character)."""
        if self.active is None or self.document is None:
            return
        annotation = self.store.annotations.get(self.active)
        text = self.document.text
        pos = annotation.start if edge == "start" else annotation.end
        if self.view.snap_to_words:
            pos = word_start_before(text, pos) if direction < 0 else word_end_after(text, pos)
            if edge == "start" and direction > 0:
                # Shrinking from the left: skip to the start of the next word.
                while pos < len(text) and text[pos].isspace():
                    pos += 1
            if edge == "end" and direction < 0:
                while pos > 0 and text[pos - 1].isspace():
                    pos -= 1
        else:  # one user-perceived character: never half an emoji or a flag
            pos = next_grapheme(text, pos) if direction > 0 else previous_grapheme(text, pos)
        start, end = (pos, annotation.end) if edge == "start" else (annotation.start, pos)
        if start >= end:
            self.status.emit("An annotation cannot be shorter than one character.")
            return
        aid = annotation.id
        self._run(lambda: self.session.update_annotation(aid, start=start, end=end))

    def undo(self) -> None:
        self._run(self.session.undo, empty="Nothing to undo.", said="Undone")

    def redo(self) -> None:
        self._run(self.session.redo, empty="Nothing to redo.", said="Redone")

    def step(self, direction: int) -> None:
        """Select the next (1) or previous (-1) annotation in reading order."""
        self.opened.finish()
        ordered = sorted(self.opened.visible(self.state.all()), key=lambda a: (a.start, a.end))
        if not ordered:
            return
        if self.active is None:
            target = ordered[0] if direction > 0 else ordered[-1]
        else:
            ids = [a.id for a in ordered]
            position = ids.index(self.active) if self.active in ids else -1
            target = ordered[(position + direction) % len(ordered)]
        self.select(target.id)

    # -- selection --------------------------------------------------------------------------

    def select(self, annotation_id: AnnotationId | None, *, scroll: bool = True) -> None:
        """Make an annotation the active one: marked in the text, its row selected, inspected."""
        self.opened.finish()
        annotation = self.state.get(annotation_id) if annotation_id else None
        self.active = annotation.id if annotation else None
        if annotation is None:
            self.view.set_active(None)
            self.table.clear_selection()
        else:
            color = QColor(self.store.codebook.get().by_id(annotation.label_id).color)
            self.view.set_active((annotation.start, annotation.end), color)
            self.table.select(annotation.id)
            if scroll:
                self.view.scroll_to(annotation.start)
        self._show_inspector()

    def _on_click(self, cp: int) -> None:
        """A click on annotated text selects the smallest span there; clicking again cycles."""
        self.opened.finish()
        hits = self.index.at(cp)
        if not hits:
            if self.active is not None:
                self.select(None)
            return
        ids = [a.id for a in hits]
        position = ids.index(self.active) + 1 if self.active in ids else 0
        self.select(ids[position % len(ids)], scroll=False)

    def tooltip_at(self, cp: int) -> str | None:
        self.opened.finish()
        hits = self.index.at(cp)
        if not hits:
            return None
        codebook = self.store.codebook.get()
        lines = []
        for a in hits:
            parts = [codebook.by_id(a.label_id).name, self.opened.analysts.get(a.analyst_id, "?")]
            if a.sentiment:
                parts.append(a.sentiment)
            if a.speaker_name:
                parts.append(f"= {a.speaker_name}")
            line = " · ".join(parts)
            if a.note:
                line += f"\nNote: {a.note}"
            lines.append(line)
        return "\n".join(lines)

    # -- applying changes -------------------------------------------------------------------

    def perform(self, operation: Callable[[], Change | None]) -> bool:
        """Run a Session operation from another part of the window (review, comments) along
        the one path: saved, then every view refreshed; refusals shown to the analyst."""
        return self._run(operation)

    def _run(
        self, operation: Callable[[], Change | None], *, empty: str = "", said: str = "Saved"
    ) -> bool:
        self.opened.finish()
        try:
            change = operation()
        except AnnotatorError as exc:
            # Choices go back to what is stored; typed text stays, and is saved again when
            # the analyst leaves the box.
            self.inspector.request_failed()
            self._show_inspector()
            self.failed.emit("Not saved", str(exc))
            return False
        if change is None:
            if empty:
                self.status.emit(empty)
            return False
        self.apply_change(change)
        self.status.emit(f"{said}: {change.description}")
        return True

    def apply_change(self, change: Change) -> None:
        """Refresh exactly what `change` touched: lines, rows, the inspector, the undo state."""
        self.opened.finish()  # what is still loading would not include this change
        self._emit_undo_state()
        if self.document is None or change.document_id != self.document.id:
            self.opened.names = None  # names the change gave or took: read again on opening
            self.wants_document.emit(change.document_id)
            return
        taken = self.opened.take(change)
        created = taken.created
        self.table.model.refresh(taken.touched, set(change.removed), relinked=taken.relinked)
        # One selection update: a new annotation becomes the selected one; otherwise the
        # selection stays (its row, mark and inspector refreshed) unless it was removed.
        if len(created) == 1:
            self.select(created[0], scroll=False)
        elif self.active in change.removed:
            self.select(None)
        elif self.active is not None:
            self.select(self.active, scroll=False)
        self.document_touched.emit(self.document.id)
        self.loaded.emit()

    def _on_link_requested(self, claim_id: str, kind: str, target: object, name: object) -> None:
        self._run(
            lambda: self.session.set_link(
                source_id=AnnotationId(claim_id),
                kind=kind,
                target_id=AnnotationId(str(target)) if target else None,
                name=str(name) if name else None,
            )
        )

    def _on_comment(self, annotation_id: str, text: str) -> None:
        if self._run(lambda: self.session.add_comment(AnnotationId(annotation_id), text)[1]):
            self.inspector.comments.posted()

    def _show_inspector(self) -> None:
        annotation = self.state.get(self.active) if self.active else None
        names = self.opened.names
        self.inspector.show_annotation(
            annotation, self.state, names.names() if names else [], self.opened.analysts
        )
        self.inspector.comments.show_thread(
            None if annotation is None else annotation.id,
            [] if annotation is None else self.store.comments.thread(annotation.id),
            self.opened.analysts,
            self.session.analyst.id,
        )

    def _emit_undo_state(self) -> None:
        self.undo_state.emit(
            self.session.undo_description() or "", self.session.redo_description() or ""
        )

    def analyst_changed(self) -> None:
        """Another analyst works on: their undo steps, and their name on new annotations."""
        self.opened.analysts = {a.id: a.name for a in self.store.layers()}
        self.table.model.analysts = self.opened.analysts
        self._emit_undo_state()

    def current_document_id(self) -> DocumentId | None:
        return None if self.document is None else self.document.id
