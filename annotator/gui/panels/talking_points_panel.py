"""View ▸ Talking points: each talking point's first appearance (date, outlet), how many
claims, which outlets, a month-by-month strip, and every claim (Enter or double-click opens
the passage); below, suggested groupings of similar claims to accept or reject.

Also the one-key tagging of a recurrence hit into the seed claim's talking point
(`tag_restatement`), used by the recurrences list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.records import AnnotationId, DocumentId
from annotator.core.store import talking_points as tp
from annotator.core.talking_points import Suggestion, Summary, suggest_groupings, summary
from annotator.gui.reading.plain_text import plain_label, plain_message

if TYPE_CHECKING:
    from annotator.gui.panels.recurrences_panel import RecurrencesPanel
    from annotator.gui.window.main_window import MainWindow


class MonthStrip(QWidget):
    """Claims per month as a row of bars (the tallest fills the height)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("talkingPointTimeline")
        self.months: tuple[tuple[str, int], ...] = ()
        self.setMinimumHeight(48)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(240, 56)

    def set_months(self, months: tuple[tuple[str, int], ...]) -> None:
        self.months = months
        tip = "\n".join(f"{month}: {count}" for month, count in months)
        self.setToolTip(tip)
        self.update()

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if not self.months:
            return
        painter = QPainter(self)
        palette = self.palette()
        label_height = painter.fontMetrics().height()
        area = self.rect().adjusted(2, 2, -2, -2 - label_height)
        width = area.width() / len(self.months)
        top = max(count for _, count in self.months) or 1
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        for i, (_month, count) in enumerate(self.months):
            height = area.height() * count / top
            painter.drawRect(
                QRectF(
                    area.left() + i * width + 1, area.bottom() - height, max(1, width - 2), height
                )
            )
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        bottom = self.rect().bottom()
        painter.drawText(2, bottom - 2, self.months[0][0])
        last = self.months[-1][0]
        painter.drawText(self.rect().right() - painter.fontMetrics().horizontalAdvance(last) - 2,
                         bottom - 2, last)  # fmt: skip
        painter.end()


class TalkingPointsPanel(QDockWidget):
    #: A claim to show: document id, annotation id.
    open_requested = Signal(str, str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__("Talking points", window)
        self.setObjectName("talkingPointsPanel")
        self._window = window
        self.current: Summary | None = None
        self.suggestions: list[Suggestion] = []
        self._rejected: set[frozenset[str]] = set()

        body = QWidget(self)
        self.points = QListWidget(body)
        self.points.setObjectName("talkingPointList")
        self.points.currentRowChanged.connect(self._show_point)
        self.summary_label = plain_label()
        self.summary_label.setObjectName("talkingPointSummary")
        self.summary_label.setWordWrap(True)
        self.timeline = MonthStrip(body)
        self.instances = QTreeWidget(body)
        self.instances.setObjectName("talkingPointInstances")
        self.instances.setHeaderLabels(["Published", "Outlet", "Document", "Claim"])
        self.instances.setRootIsDecorated(False)
        self.instances.itemActivated.connect(self._open_instance)

        self.suggestion_list = QListWidget(body)
        self.suggestion_list.setObjectName("talkingPointSuggestions")
        self.suggestion_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        accept = QPushButton("&Accept grouping", body)
        accept.setObjectName("acceptGrouping")
        accept.clicked.connect(self.accept_suggestion)
        reject = QPushButton("Re&ject", body)
        reject.setObjectName("rejectGrouping")
        reject.clicked.connect(self.reject_suggestion)
        suggest = QPushButton("&Suggest groupings", body)
        suggest.setObjectName("suggestGroupings")
        suggest.clicked.connect(self.suggest)

        detail = QWidget(body)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.summary_label)
        detail_layout.addWidget(self.timeline)
        detail_layout.addWidget(self.instances, 1)
        split = QSplitter(Qt.Orientation.Horizontal, body)
        split.addWidget(self.points)
        split.addWidget(detail)
        split.setStretchFactor(1, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(suggest)
        buttons.addStretch(1)
        buttons.addWidget(reject)
        buttons.addWidget(accept)
        layout = QVBoxLayout(body)
        layout.addWidget(split, 3)
        layout.addWidget(plain_label("Claims that read alike, not yet in a talking point:"))
        layout.addWidget(self.suggestion_list, 1)
        layout.addLayout(buttons)
        self.setWidget(body)
        window.workspace.undo_state.connect(lambda *_: self.refresh())

    # -- talking points -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the talking points again, keeping the one shown."""
        if not self.isVisible():
            return
        store = self._window.store
        keep = self.current.point.id if self.current else None
        points = tp.all_points(store.conn)
        counts = {p.id: len(tp.members(store.conn, p.id)) for p in points}
        self.points.blockSignals(True)
        self.points.clear()
        row = 0
        for i, point in enumerate(points):
            item = QListWidgetItem(f"{point.name} ({counts[point.id]})")
            item.setData(Qt.ItemDataRole.UserRole, point.id)
            self.points.addItem(item)
            if point.id == keep:
                row = i
        self.points.blockSignals(False)
        if points:
            self.points.setCurrentRow(row)
            self._show_point(row)
        else:
            self.current = None
            self.summary_label.setText("No talking point yet: group claims to make one.")
            self.timeline.set_months(())
            self.instances.clear()

    def select_point(self, point_id: str) -> None:
        for row in range(self.points.count()):
            if self.points.item(row).data(Qt.ItemDataRole.UserRole) == point_id:
                self.points.setCurrentRow(row)

    def _show_point(self, row: int) -> None:
        item = self.points.item(row)
        if item is None:
            return
        try:
            self.current = summary(self._window.store, item.data(Qt.ItemDataRole.UserRole))
        except KeyError:
            return
        s = self.current
        first = (
            f"First seen {s.first.published or 'undated'} in {s.first.outlet or '(no outlet)'}"
            if s.first
            else "No claims"
        )
        outlets = ", ".join(f"{name} ({count})" for name, count in s.outlets)
        self.summary_label.setText(
            f"{first} · {s.count} claims in {len(s.outlets)} outlets: {outlets}"
        )
        self.timeline.set_months(s.months)
        self.instances.clear()
        for instance in s.instances:
            entry = QTreeWidgetItem(
                [
                    instance.published or "",
                    instance.outlet,
                    instance.document_title,
                    " ".join(instance.quote.split()),
                ]
            )
            entry.setData(
                0, Qt.ItemDataRole.UserRole, (instance.document_id, instance.annotation_id)
            )
            self.instances.addTopLevelItem(entry)
        for column in range(3):
            self.instances.resizeColumnToContents(column)

    def _open_instance(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        document_id, annotation_id = item.data(0, Qt.ItemDataRole.UserRole)
        self.open_requested.emit(document_id, annotation_id)
        self._window.show_annotation_hit(document_id, annotation_id)

    # -- suggestions ----------------------------------------------------------------------------

    def suggest(self) -> None:
        self.suggestions = suggest_groupings(self._window.store, rejected=self._rejected)
        self.suggestion_list.clear()
        for suggestion in self.suggestions:
            target = (
                f"Add to “{suggestion.point.name}”"
                if suggestion.point
                else f"New talking point “{suggestion.name}”"
            )
            quotes = " | ".join(" ".join(q.split())[:80] for q in suggestion.quotes)
            self.suggestion_list.addItem(f"{target}: {len(suggestion.claims)} claims — {quotes}")
        if self.suggestions:
            self.suggestion_list.setCurrentRow(0)
        else:
            self.suggestion_list.addItem("No suggestion: no untagged claims read alike.")
            self.suggestion_list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

    def accept_suggestion(self) -> None:
        row = self.suggestion_list.currentRow()
        if not 0 <= row < len(self.suggestions):
            return
        suggestion = self.suggestions[row]
        session = self._window.workspace.session
        claims = list(suggestion.claims)

        def group() -> Any:
            if suggestion.point is not None:
                return session.group_claims(claims, point_id=suggestion.point.id)[1]
            return session.group_claims(claims, name=suggestion.name)[1]

        if self._window.workspace.perform(group):
            self.suggest()

    def reject_suggestion(self) -> None:
        row = self.suggestion_list.currentRow()
        if not 0 <= row < len(self.suggestions):
            return
        self._rejected.add(frozenset(self.suggestions[row].claims))
        del self.suggestions[row]
        self.suggestion_list.takeItem(row)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.refresh()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        # Rejected suggestions are not stored: they stay out until the panel is closed.
        self._rejected.clear()
        super().closeEvent(event)


def show_talking_points(window: MainWindow) -> TalkingPointsPanel:
    """View ▸ Talking points: the dock, made on first use."""
    panel = window.findChild(TalkingPointsPanel, "talkingPointsPanel")
    if panel is None:
        panel = TalkingPointsPanel(window)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
    panel.show()
    panel.raise_()
    panel.refresh()
    return panel


def tag_restatement(
    window: MainWindow, seed_id: AnnotationId, document_id: str, start: int, end: int
) -> bool:
    """Tag document_id[start:end] as a claim of the seed claim's talking point (one key on a
    recurrence hit). A seed in no talking point gets one named after its quote first. The
    new claim opens selected, so the inspector offers that document's speakers and targets."""
    session = window.workspace.session
    store = window.store
    try:
        seed = store.annotations.get(seed_id)
        member = tp.membership(store.conn, seed_id)
        claim = next(lb.id for lb in store.codebook.get().labels if lb.role == "claim")
    except (AnnotatorError, StopIteration) as exc:
        plain_message(window, "Not saved", str(exc) or "The codebook has no claim label.")
        return False
    if member is None:
        name = " ".join(seed.quote.split())[:80]
        if not window.workspace.perform(lambda: session.group_claims([seed_id], name=name)[1]):
            return False
        member = tp.membership(store.conn, seed_id)
        assert member is not None
    point_id = member.talking_point_id
    made: list[AnnotationId] = []

    def tag() -> Any:
        annotations, change = session.tag_many(
            [(DocumentId(document_id), start, end)], label_id=claim, point_id=point_id
        )
        made.extend(a.id for a in annotations)
        return change

    if not window.workspace.perform(tag):
        return False
    window.show_annotation_hit(document_id, made[0])
    return True


#: The key that tags the selected recurrence hit into the seed claim's talking point.
TAG_KEY = "T"


def follow_recurrences(window: MainWindow, panel: RecurrencesPanel, claim_id: str) -> None:
    """Hits of the recurrences list tag into `claim_id`'s talking point with one key (T, or
    the panel's own tag request), each opening the new claim for its speaker and target."""
    panel.setProperty(_SEED, claim_id)
    if panel.property(_FOLLOWED):
        return
    panel.setProperty(_FOLLOWED, True)

    def tag(document_id: str, start: int, end: int) -> None:
        seed = panel.property(_SEED)
        if seed:
            tag_restatement(window, AnnotationId(str(seed)), document_id, start, end)

    panel.tag_requested.connect(tag)
    action = QAction("Tag into the talking point", panel.list)
    action.setObjectName("tagIntoTalkingPoint")
    action.setShortcut(QKeySequence(TAG_KEY))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(panel.request_tag)
    panel.list.addAction(action)


_SEED = "talkingPointSeed"
_FOLLOWED = "talkingPointsFollow"
