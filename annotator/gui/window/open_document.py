"""The document on screen and everything read about it: text, spans, links, highlights.

Opening shows the first screen with its highlights at once; the rest (every annotation, the
links, highlights further down) follows in the next event-loop turns, or at once if the
analyst acts before that (`finish`). A saved `Change` is taken in with `take`, which updates
what is held and says which lines to draw again; the views are refreshed by the workspace.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from annotator.core.attribution import DocumentAnnotations, ProjectNames
from annotator.core.offsets import OffsetMap
from annotator.core.records import REVIEWED_LAYER_ID, Annotation, AnnotationId, Document
from annotator.core.session import Change
from annotator.core.span_index import SpanIndex
from annotator.core.store import Store
from annotator.core.styling import layer_colours
from annotator.gui.reading.document_view import DocumentView
from annotator.gui.reading.highlighter import AnnotationHighlighter

#: Code points read before the first paint: more than any screen shows at once.
FIRST_SCREEN = 20_000
#: How long the full load waits for a window that is not on screen yet to paint.
NOT_SHOWN_WAIT_MS = 1000
#: Lines off screen are highlighted after the first paint (those on screen as they come into
#: view) a few at a time, for at most HIGHLIGHT_SLICE_S per event-loop turn: a key pressed
#: meanwhile waits no longer than that, however many spans a line holds.
HIGHLIGHT_STEP = 4
HIGHLIGHT_SLICE_S = 0.004
#: The roles whose spans the inspector's Said by and About boxes list: built right after the
#: document is read, one per event-loop turn, so the first claim shown does not wait for them
#: (21 ms each for 5,000 annotations when built on that click).
LISTED_ROLES = ("speaker", "target")


class _AfterFirstPaint(QObject):
    """Runs `then` in the event-loop turn after a widget's next paint (its first on screen)."""

    def __init__(self, then: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._then = then
        self._watched: QWidget | None = None

    def arm(self, widget: QWidget) -> None:
        if self._watched is not None:
            self._watched.removeEventFilter(self)
        self._watched = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self._watched and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._watched = None
            QTimer.singleShot(0, self._then)
        return False


class Taken(NamedTuple):
    """What taking a change in did, for the views."""

    touched: list[Annotation]  # created or modified, as stored now
    created: list[AnnotationId]
    relinked: set[AnnotationId]  # claims whose "said by" or "about" may read differently


class OpenDocument(QObject):
    #: The open document is fully read (after opening or reloading).
    ready = Signal()

    def __init__(self, store: Store, view: DocumentView) -> None:
        super().__init__(view)
        self.store = store
        self.view = view
        self.highlighter = AnnotationHighlighter(view.document())
        self.highlighter.set_codebook(store.codebook.get())
        self.highlighter.follow(view)
        self.document: Document | None = None
        self.index = SpanIndex("")
        self.state = DocumentAnnotations([], [], store.codebook.get())
        self.analysts: dict[str, str] = {}
        # Canonical names project-wide, for completion: read on the first open, then kept
        # current by the changes that touch names (and re-read on reload).
        self.names: ProjectNames | None = None
        self._loading = False
        self._first_screen: list[Annotation] | None = None  # those starting on it
        #: Layers (analyst ids, or the reviewed layer's) whose spans are not drawn.
        self.hidden_layers: frozenset[str] = frozenset()
        self.colour_by_layer = False
        self._after_first_paint = _AfterFirstPaint(self.finish, self)

    # -- opening ----------------------------------------------------------------------------

    def open(self, document: Document) -> None:
        """Show `document`: its first screen painted now, the rest read right after."""
        self.document = document
        self.index = SpanIndex(document.text)
        first = self.store.annotations.for_document(document.id, overlapping=(0, FIRST_SCREEN))
        self._first_screen = first
        self.index.reset(self.visible(first))
        offsets = OffsetMap(document.text)
        self.highlighter.set_content(self.index, offsets, lazy=True)
        # Detached while the text is set: otherwise Qt runs the highlighter over every line
        # right there. Re-attaching schedules that pass for the next event-loop turn instead.
        self.highlighter.setDocument(None)
        self.view.show_text(document.text, offsets)
        self.highlighter.setDocument(self.view.document())
        self.highlighter.release(self.view.visible_lines())
        # Paint the first screen now; the table and the rest follow once it is on screen. A
        # window not on screen yet (the start) paints when it is exposed: the rest waits for
        # that paint rather than delaying it.
        self._loading = True
        viewport = self.view.viewport()
        handle = self.view.window().windowHandle()
        if handle is not None and handle.isExposed():
            viewport.repaint()
            QTimer.singleShot(0, self.finish)
        else:
            self._after_first_paint.arm(viewport)
            QTimer.singleShot(NOT_SHOWN_WAIT_MS, self.finish)  # a window kept hidden

    def finish(self) -> None:
        """Read everything about the open document that the first paint did not need."""
        if not self._loading or self.document is None:
            return
        self._loading = False
        annotations = self._first_screen or []
        self._first_screen = None
        if len(self.document.text) > FIRST_SCREEN:  # the rest: read once, in no order
            rest = self.store.annotations.starting_from(self.document.id, FIRST_SCREEN)
            for annotation in self.visible(rest):
                self.index.add(annotation)
            annotations += rest
        links = self.store.annotations.links_for_document(self.document.id)
        self.state = DocumentAnnotations(annotations, links, self.store.codebook.get())
        self.analysts = {a.id: a.name for a in self.store.layers()}
        if self.names is None:
            annotations_repo = self.store.annotations
            self.names = ProjectNames(
                annotations_repo.speaker_names(), annotations_repo.name_in_use
            )
        # Lines already drawn past the first screen's range were drawn without their
        # annotations: those on screen, and any the view reported as visible before its
        # layout was complete (a busy machine).
        starts, size = self.index.line_starts, len(self.document.text)
        waiting = set(self.highlighter.unreleased_lines())
        self.highlighter.rehighlight_lines(
            line
            for line in self.index.annotated_lines()
            if line not in waiting
            and (starts[line + 1] if line + 1 < len(starts) else size) > FIRST_SCREEN
        )
        state = self.state
        QTimer.singleShot(0, lambda: self._prepare_lists(state, LISTED_ROLES))
        QTimer.singleShot(0, self._highlight_more)
        self.ready.emit()

    def _prepare_lists(self, state: DocumentAnnotations, roles: tuple[str, ...]) -> None:
        """Build the role lists the link boxes offer, while the analyst is still reading."""
        if state is not self.state or self.document is None or not roles:
            return  # another document (or none) by now
        state.role_spans(roles[0])
        if roles[1:]:
            QTimer.singleShot(0, lambda: self._prepare_lists(state, roles[1:]))

    def _highlight_more(self) -> None:
        """Highlight the rest of a long document in short slices, keeping the window live."""
        if self.document is None:
            return
        self.highlighter.release(self.view.visible_lines())  # where the analyst is looking
        remaining = self.highlighter.unreleased_lines()
        if not remaining:
            self.highlighter.release_all()
            return
        deadline = time.perf_counter() + HIGHLIGHT_SLICE_S
        for first in range(0, len(remaining), HIGHLIGHT_STEP):
            self.highlighter.release(remaining[first : first + HIGHLIGHT_STEP])
            if time.perf_counter() >= deadline:
                break
        QTimer.singleShot(0, self._highlight_more)

    def settled(self) -> bool:
        """True once the open document is read (table filled) and every line on screen is
        highlighted; lines off screen follow in the background, and nothing waits for them."""
        return not self._loading and not self.highlighter.waiting(self.view.visible_lines())

    def reload(self) -> None:
        """Read the open document again from the project (changed elsewhere, or restored)."""
        self.names = None
        if self.document is not None:
            self.open(self.store.documents.get(self.document.id))

    def close(self) -> None:
        """No deferred work may touch the project after this, and nothing read is kept."""
        self._loading = False
        self.document = None
        self.names = None

    def show_nothing(self) -> None:
        """An empty view: no text, span or highlight of the previous document stays."""
        self.close()
        self.index = SpanIndex("")
        self.state = DocumentAnnotations([], [], self.store.codebook.get())
        self.analysts = {}
        self.highlighter.set_content(self.index, OffsetMap(""))
        self.view.show_text("", OffsetMap(""))

    def use_store(self, store: Store) -> None:
        """Another project in the same window: its layers, codebook and documents."""
        self.close()
        self.store = store
        self.hidden_layers = frozenset()  # layers are the analysts of one project
        self.highlighter.colour_by_layer(self.layer_colours() if self.colour_by_layer else None)

    def codebook_changed(self) -> None:
        self.highlighter.set_codebook(self.store.codebook.get())
        if self.document is not None:
            self.open(self.store.documents.get(self.document.id))

    # -- layers -----------------------------------------------------------------------------

    def show_layers(self, hidden: frozenset[str], *, colour_by_layer: bool) -> None:
        """Draw only the layers not hidden, coloured by label or by layer (analyst)."""
        self.finish()
        self.hidden_layers = frozenset(hidden)
        self.colour_by_layer = colour_by_layer
        self.highlighter.colour_by_layer(self.layer_colours() if colour_by_layer else None)
        lines = set(self.index.annotated_lines())
        self.index.reset(self.visible(self.state.all()))
        lines.update(self.index.annotated_lines())
        self.highlighter.rehighlight_lines(lines)

    def layer_colours(self) -> dict[str, str]:
        return layer_colours([a.id for a in self.store.layers()], REVIEWED_LAYER_ID)

    def visible(self, annotations: list[Annotation]) -> list[Annotation]:
        hidden = self.hidden_layers
        return [a for a in annotations if a.analyst_id not in hidden] if hidden else annotations

    # -- changes ----------------------------------------------------------------------------

    def take(self, change: Change) -> Taken:
        """Take a saved change of this document in: spans, links and names updated from the
        change itself (nothing re-read but the annotations it touched), its lines drawn again."""
        assert self.document is not None and change.document_id == self.document.id
        state = self.state
        lines: set[int] = set()
        before = [a for a in map(state.get, (*change.removed, *change.touched)) if a is not None]
        touched = [self.store.annotations.get(aid) for aid in change.touched]
        created = [a.id for a in touched if state.get(a.id) is None]
        for aid in change.removed:
            lines.update(self.index.remove(aid))
        for annotation in touched:
            if annotation.analyst_id in self.hidden_layers:
                lines.update(self.index.remove(annotation.id))
            else:
                lines.update(self.index.add(annotation))
        relinked = state.take(
            removed=change.removed,
            touched=touched,
            links_removed=change.links_removed,
            links_added=change.links_added,
        )
        if self.names is not None:
            self.names.take(
                before=before,
                after=touched,
                links_removed=change.links_removed,
                links_added=change.links_added,
            )
        self.highlighter.rehighlight_lines(lines)
        return Taken(touched, created, relinked)
