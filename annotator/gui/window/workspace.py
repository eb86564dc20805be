"""The open document's annotation workspace: one path from an action to what views show.

Action (key, button, inspector) → Session operation (core: one transaction, history, undo log)
→ `Change` → `apply_change` refreshes the lines, rows and inspector the change touched, never
reloading the document.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor

from annotator.core.attribution import DocumentAnnotations
from annotator.core.codebook import Label
from annotator.core.errors import AnnotatorError
from annotator.core.offsets import OffsetMap
from annotator.core.records import (
    REVIEWED_LAYER_ID,
    Annotation,
    AnnotationId,
    CommentId,
    Document,
    DocumentId,
)
from annotator.core.session import Change, Session
from annotator.core.span_index import SpanIndex
from annotator.core.styling import layer_colours
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

#: Code points read before the first paint: more than any screen shows at once.
FIRST_SCREEN = 20_000
#: Lines highlighted per event-loop turn after the first paint.
HIGHLIGHT_BATCH = 200


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
        self.store = session.store
        self.view = view
        self.table = table
        self.inspector = inspector
        self.highlighter = AnnotationHighlighter(view.document())
        self.highlighter.set_codebook(self.store.codebook.get())
        self.document: Document | None = None
        self.index = SpanIndex("")
        self.state = DocumentAnnotations([], [], self.store.codebook.get())
        self.active: AnnotationId | None = None
        self._loading = False
        self._analysts: dict[str, str] = {}
        # Canonical names project-wide, for completion: read on the first open, then kept
        # current by the changes that touch names (and re-read on reload).
        self._names: list[str] | None = None
        self._first_screen: list[Annotation] | None = None  # all of a short document's
        #: Layers (analyst ids, or the reviewed layer's) whose spans are not drawn.
        self.hidden_layers: frozenset[str] = frozenset()
        self.colour_by_layer = False
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

    # -- opening ----------------------------------------------------------------------------

    def open(self, document: Document) -> None:
        """Show a document: the first screen with its highlights at once, the rest right after.

        Only the annotations overlapping the first screen are read before the text is shown;
        the table, the inspector and highlights further down follow in the next event-loop
        turns (or at once, if the analyst acts before that).
        """
        self.inspector.commit_pending()  # a note still being typed belongs to the old document
        self.document = document
        self.inspector.set_page_starts(document.page_starts)  # pages cited for paged sources
        self.active = None
        self.index = SpanIndex(document.text)
        first = self.store.annotations.for_document(document.id, overlapping=(0, FIRST_SCREEN))
        # A document shorter than the first screen has just been read whole.
        self._first_screen = first if len(document.text) <= FIRST_SCREEN else None
        self.index.reset(self._visible(first))
        offsets = OffsetMap(document.text)
        self.highlighter.set_content(self.index, offsets, lazy=True)
        # Detached while the text is set: otherwise Qt runs the highlighter over every line
        # right there. Re-attaching schedules that pass for the next event-loop turn instead.
        self.highlighter.setDocument(None)
        self.view.show_text(document.text, offsets)
        self.highlighter.setDocument(self.view.document())
        self.highlighter.release(self.view.visible_lines())
        # Paint the first screen now; the table and the rest follow once it is on screen.
        self.view.viewport().repaint()
        self._loading = True
        QTimer.singleShot(0, self._finish_open)

    def _finish_open(self) -> None:
        """Load everything about the open document that the first paint did not need."""
        if not self._loading or self.document is None:
            return
        self._loading = False
        annotations = self._first_screen
        self._first_screen = None
        if annotations is None:
            annotations = self.store.annotations.for_document(self.document.id)
            self.index.reset(self._visible(annotations))
        links = self.store.annotations.links_for_document(self.document.id)
        self.state = DocumentAnnotations(annotations, links, self.store.codebook.get())
        self._analysts = {a.id: a.name for a in self.store.layers()}
        if self._names is None:
            self._names = self.store.annotations.speaker_names()
        # Visible lines past the first screen's range were drawn without their annotations.
        starts = self.index.line_starts
        self.highlighter.rehighlight_lines(
            line
            for line in self.view.visible_lines()
            if (starts[line + 1] if line + 1 < len(starts) else len(self.document.text))
            > FIRST_SCREEN
        )
        self.table.model.set_document(self.state, self._analysts)
        self._show_inspector()
        self._emit_undo_state()
        QTimer.singleShot(0, self._highlight_more)
        self.loaded.emit()

    def show_layers(self, hidden: frozenset[str], *, colour_by_layer: bool) -> None:
        """Draw only the layers not hidden, coloured by label or by layer (analyst)."""
        self._finish_open()
        self.hidden_layers = frozenset(hidden)
        self.colour_by_layer = colour_by_layer
        self.highlighter.colour_by_layer(self.layer_colours() if colour_by_layer else None)
        lines = set(self.index.annotated_lines())
        self.index.reset(self._visible(self.state.all()))
        lines.update(self.index.annotated_lines())
        self.highlighter.rehighlight_lines(lines)
        active = self.state.get(self.active) if self.active else None
        if active is not None and active.analyst_id in self.hidden_layers:
            self.select(None)

    def layer_colours(self) -> dict[str, str]:
        return layer_colours([a.id for a in self.store.layers()], REVIEWED_LAYER_ID)

    def _visible(self, annotations: list[Annotation]) -> list[Annotation]:
        hidden = self.hidden_layers
        return [a for a in annotations if a.analyst_id not in hidden] if hidden else annotations

    def reload(self) -> None:
        """Read the open document again from the project (changed elsewhere, or restored)."""
        self._names = None
        if self.document is not None:
            self.open(self.store.documents.get(self.document.id))

    def settled(self) -> bool:
        """True once the open document is fully loaded: table filled, every line highlighted."""
        return not self._loading and not self.highlighter.unreleased_lines()

    def close(self) -> None:
        """The window is closing (or changing project): no deferred work may touch the
        project after this, and nothing read from it is kept."""
        self._loading = False
        self.document = None
        self._names = None

    def _highlight_more(self) -> None:
        """Highlight the rest of a long document in small batches, keeping the window live."""
        if self.document is None:
            return
        self.highlighter.release(self.view.visible_lines())  # where the analyst is looking
        remaining = self.highlighter.unreleased_lines()
        if not remaining:
            self.highlighter.release_all()
            return
        self.highlighter.release(remaining[:HIGHLIGHT_BATCH])
        QTimer.singleShot(0, self._highlight_more)

    def codebook_changed(self) -> None:
        codebook = self.store.codebook.get()
        self.highlighter.set_codebook(codebook)
        if self.document is not None:
            self.open(self.store.documents.get(self.document.id))

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
        self._finish_open()
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
        self._run(self.session.undo, empty="Nothing to undo.")

    def redo(self) -> None:
        self._run(self.session.redo, empty="Nothing to redo.")

    def step(self, direction: int) -> None:
        """Select the next (1) or previous (-1) annotation in reading order."""
        self._finish_open()
        ordered = sorted(self._visible(self.state.all()), key=lambda a: (a.start, a.end))
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
        self._finish_open()
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
        self._finish_open()
        hits = self.index.at(cp)
        if not hits:
            if self.active is not None:
                self.select(None)
            return
        ids = [a.id for a in hits]
        position = ids.index(self.active) + 1 if self.active in ids else 0
        self.select(ids[position % len(ids)], scroll=False)

    def tooltip_at(self, cp: int) -> str | None:
        self._finish_open()
        hits = self.index.at(cp)
        if not hits:
            return None
        codebook = self.store.codebook.get()
        lines = []
        for a in hits:
            parts = [codebook.by_id(a.label_id).name, self._analysts.get(a.analyst_id, "?")]
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

    def _run(self, operation: Callable[[], Change | None], *, empty: str = "") -> bool:
        self._finish_open()
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
        self.status.emit(f"Saved: {change.description}")
        return True

    def apply_change(self, change: Change) -> None:
        """Refresh exactly what `change` touched: lines, rows, the inspector, the undo state."""
        self._finish_open()  # what is still loading would not include this change
        self._emit_undo_state()
        if self.document is None or change.document_id != self.document.id:
            self.wants_document.emit(change.document_id)
            return
        lines: set[int] = set()
        touched: list[Annotation] = []
        for aid in change.removed:
            lines.update(self.index.remove(aid))
            self.state.remove(aid)
        created: list[AnnotationId] = []
        for aid in change.touched:
            annotation = self.store.annotations.get(aid)
            if self.state.get(aid) is None:
                created.append(aid)
            if annotation.analyst_id in self.hidden_layers:
                lines.update(self.index.remove(aid))
            else:
                lines.update(self.index.add(annotation))
            self.state.upsert(annotation)
            touched.append(annotation)
        if change.links:
            self.state.set_links(self.store.annotations.links_for_document(self.document.id))
        if (
            change.links
            or change.removed
            or any(self.state.role_of(a) == "speaker" for a in touched)
        ):
            self._names = self.store.annotations.speaker_names()
        self.highlighter.rehighlight_lines(lines)
        self.table.model.refresh(touched, set(change.removed), change.links)
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
        self.inspector.show_annotation(annotation, self.state, self._names or [], self._analysts)
        self.inspector.comments.show_thread(
            None if annotation is None else annotation.id,
            [] if annotation is None else self.store.comments.thread(annotation.id),
            self._analysts,
            self.session.analyst.id,
        )

    def _emit_undo_state(self) -> None:
        self.undo_state.emit(
            self.session.undo_description() or "", self.session.redo_description() or ""
        )

    def analyst_changed(self) -> None:
        """Another analyst works on: their undo steps, and their name on new annotations."""
        self._analysts = {a.id: a.name for a in self.store.layers()}
        self.table.model.analysts = self._analysts
        self._emit_undo_state()

    def current_document_id(self) -> DocumentId | None:
        return None if self.document is None else self.document.id
