"""Find this claim elsewhere: a dock listing the passages of other documents that restate a
claim, best first (`annotator.core.recurrences`).

The search runs in a worker thread on its own connection (it first brings the recurrence
index up to date, which after a large import or merge takes a moment); a newer request cancels
the older one and its result is dropped. Activating a hit (double-click or Enter) opens its
document with the passage selected, ready to tag. `tag_requested(document_id, start, end)` is
emitted by `request_tag()` for the current hit, for whoever tags hits into a talking point.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QListView, QVBoxLayout, QWidget

from annotator.core.recurrences import Recurrence
from annotator.core.store import Store
from annotator.gui.background import BackgroundJob, JobProgress, own_store
from annotator.gui.reading.plain_text import plain_label, tooltip_text

ModelIndex = QModelIndex | QPersistentModelIndex
_QUOTE_SHOWN = 160


class RecurrencesHost(Protocol):
    """What the panel needs of the main window."""

    store: Store

    def show_hit(self, doc_id: str, start: int, end: int) -> None: ...


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RecurrenceModel(QAbstractListModel):
    """One row per hit: its score, document title and passage (plain text)."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[Recurrence] = []

    def set_hits(self, hits: list[Recurrence]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt)
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            title = _one_line(hit.document_title, 80)
            return f"{hit.score:.2f}  {title}\n{_one_line(hit.quote, _QUOTE_SHOWN)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(hit.quote)
        return None


class _HitList(QListView):
    """Enter activates the current hit (as a double-click does)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class RecurrencesPanel(QDockWidget):
    """The dock. `searched` is emitted once a result (or a failure) is on screen."""

    tag_requested = Signal(str, int, int)
    searched = Signal()

    def __init__(self, host: RecurrencesHost, parent: QWidget | None = None) -> None:
        super().__init__("Find this claim elsewhere", parent)
        self.setObjectName("recurrencesPanel")
        self._host = host
        self._job: BackgroundJob[list[Recurrence]] | None = None
        self.claim = plain_label()
        self.claim.setObjectName("recurrencesClaim")
        self.claim.setWordWrap(True)
        self.message = plain_label()
        self.message.setObjectName("recurrencesMessage")
        self.message.setWordWrap(True)
        self.model = RecurrenceModel()
        self.list = _HitList()
        self.list.setObjectName("recurrencesList")
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.activated.connect(self._open)
        self.list.doubleClicked.connect(self._open)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.claim)
        layout.addWidget(self.message)
        layout.addWidget(self.list, 1)
        self.setWidget(body)

    def look_for(self, claim_id: str, quote: str) -> None:
        """Look for restatements of the claim (an annotation id) in the other documents."""
        if self._job is not None and not self._job.done:
            self._job.cancel()
        self.claim.setText(f"Restatements of “{_one_line(quote, 200)}”")
        self.message.setText("Looking in the other documents…")
        self.model.set_hits([])
        project = Path(self._host.store.path)

        def work(progress: JobProgress) -> list[Recurrence]:
            from annotator.core.recurrences import find_recurrences

            with own_store(project) as own:
                return find_recurrences(own, claim_id, cancelled=lambda: not progress(0, 0, ""))

        job: BackgroundJob[list[Recurrence]] = BackgroundJob(work, name="recurrences")
        job.finished.connect(lambda: self._show(job))
        self._job = job
        job.start()

    def _show(self, job: BackgroundJob[list[Recurrence]]) -> None:
        if job is not self._job:
            return  # an older request, overtaken
        if job.cancelled:
            return
        if job.error is not None:
            self.message.setText(f"Could not look for this claim: {job.error}")
            self.searched.emit()
            return
        hits = job.result()
        self.model.set_hits(hits)
        if hits:
            self.message.setText(
                f"{len(hits)} passage(s), best first. Enter or double-click opens one."
            )
            self.list.setCurrentIndex(self.model.index(0))
        else:
            self.message.setText(
                "No other document restates this claim (reworded, reordered or with a clause "
                "added or dropped)."
            )
        self.searched.emit()

    def current_hit(self) -> Recurrence | None:
        index = self.list.currentIndex()
        return self.model.hits[index.row()] if index.isValid() else None

    def request_tag(self) -> None:
        """Ask for the current hit to be tagged (emits `tag_requested`)."""
        hit = self.current_hit()
        if hit is not None:
            self.tag_requested.emit(hit.document_id, hit.start, hit.end)

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            hit = self.model.hits[index.row()]
            self._host.show_hit(hit.document_id, hit.start, hit.end)


def show_recurrences(window: QWidget, claim_id: str) -> RecurrencesPanel:
    """The window's panel (made on first use, docked at the right), looking for `claim_id`."""
    from PySide6.QtWidgets import QMainWindow

    panel = window.findChild(RecurrencesPanel, "recurrencesPanel")
    if panel is None:
        panel = RecurrencesPanel(window, window)  # type: ignore[arg-type]
        if isinstance(window, QMainWindow):
            window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
    store: Store = window.store  # type: ignore[attr-defined]
    annotation = store.annotations.find(claim_id)  # type: ignore[arg-type]
    panel.look_for(claim_id, annotation.quote if annotation is not None else "")
    panel.show()
    panel.raise_()
    return panel
