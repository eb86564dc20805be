"""The review panel: two layers of the open document compared, one row per disagreement.

It shows and asks; it never changes data. `ReviewMode` (review_mode.py) fills it and turns its
requests into Session operations.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.records import Analyst, Annotation, ReviewDecision
from annotator.core.review import KIND_NAMES, Item
from annotator.gui.panels.annotation_table import one_line
from annotator.gui.reading.label_bar import swatch
from annotator.gui.reading.plain_text import plain_label, tooltip_text

HEADERS = ("Text", "Differs in", "First", "Second", "Decision")
DECISION_NAMES = {
    "first": "kept first",
    "second": "kept second",
    "both": "kept both",
    "reject": "rejected",
    "edit": "kept to edit",
    "agreed": "agreed",
}
#: The widest a column may take of the list's width (the quote column, 0, has what is left and
#: elides; Decision, 4, is as wide as its longest word).
COLUMN_SHARES = {1: 0.17, 2: 0.25, 3: 0.25}
#: The buttons: (decision, text, key shown in the tooltip; bound by the window's actions).
BUTTONS = (
    ("first", "Keep &first", "Ctrl+1"),
    ("second", "Keep &second", "Ctrl+2"),
    ("both", "Keep &both", "Ctrl+3"),
    ("reject", "&Reject", "Ctrl+4"),
    ("edit", "Keep and &edit", "Ctrl+5"),
)


class ReviewPanel(QWidget):
    #: (first layer id, second layer id) chosen in the combos.
    layers_chosen = Signal(str, str)
    #: The row of this item index became current (jump there in the text).
    item_chosen = Signal(int)
    #: A decision button was pressed ("first", "second", "both", "reject", "edit").
    decision_requested = Signal(str)
    agreed_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self._items: list[Item] = []
        self._keys: list[tuple[str, str]] = []
        self._wanted: dict[int, int] = {}  # column → width of its widest text
        self._filling = False
        self.first = QComboBox(self)
        self.first.setObjectName("reviewFirst")
        self.second = QComboBox(self)
        self.second.setObjectName("reviewSecond")
        for combo in (self.first, self.second):
            combo.activated.connect(lambda _i: self._emit_layers())
        self.summary = plain_label()
        self.summary.setObjectName("reviewSummary")
        self.list = QTreeWidget(self)
        self.list.setObjectName("reviewList")
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setHeaderLabels(list(HEADERS))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the quote gives way
        self.list.installEventFilter(self)  # columns fitted again when the list is resized
        self.list.currentItemChanged.connect(self._on_current)
        self.buttons: dict[str, QPushButton] = {}
        buttons = QHBoxLayout()
        for decision, text, key in BUTTONS:
            button = QPushButton(text, self)
            button.setObjectName(f"review:{decision}")
            button.setToolTip(key)
            button.clicked.connect(lambda _c=False, d=decision: self.decision_requested.emit(d))
            buttons.addWidget(button)
            self.buttons[decision] = button
        self.agreed = QPushButton("Accept all agreed", self)
        self.agreed.setObjectName("review:agreed")
        self.agreed.clicked.connect(self.agreed_requested)
        buttons.addStretch(1)
        buttons.addWidget(self.agreed)
        done = QPushButton("Close review", self)
        done.clicked.connect(self.close_requested)
        buttons.addWidget(done)

        top = QHBoxLayout()
        top.addWidget(QLabel("Compare", self))
        top.addWidget(self.first, 1)
        top.addWidget(QLabel("with", self))
        top.addWidget(self.second, 1)
        top.addWidget(self.summary, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._layout, self._bars = layout, (top, buttons)

    # -- filling ----------------------------------------------------------------------------

    def set_layers(
        self, layers: list[Analyst], first: str, second: str, colours: dict[str, str]
    ) -> None:
        self._filling = True
        for combo, chosen in ((self.first, first), (self.second, second)):
            combo.clear()
            for layer in layers:
                combo.addItem(swatch(colours.get(layer.id, "#888888")), layer.name, layer.id)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
        self._filling = False

    def layers(self) -> tuple[str, str]:
        return str(self.first.currentData()), str(self.second.currentData())

    def set_items(
        self,
        items: list[Item],
        statuses: list[ReviewDecision | None],
        describe: Callable[[Annotation], str],
        *,
        agreed_open: int,
    ) -> bool:
        """Show the disagreements (items with something different) and their decisions.

        The current row stays on the same disagreement, and the list where it was scrolled,
        without `item_chosen` (the analyst moved nothing). Returns False when the current
        disagreement is gone from the list (then no row is current).
        """
        self._filling = True
        current = self.current_row()
        kept = self._keys[current] if 0 <= current < len(self._keys) else None
        keys = [item_key(item) for item in items]
        texts = [
            [
                one_line((item.first or item.second).quote),  # type: ignore[union-attr]
                ", ".join(KIND_NAMES[k] for k in item.kinds),
                describe(item.first) if item.first else "—",
                describe(item.second) if item.second else "—",
                DECISION_NAMES.get(status.decision, status.decision) if status else "",
            ]
            for item, status in zip(items, statuses, strict=True)
        ]
        self._items = items
        if keys == self._keys:  # the same disagreements: the rows are updated in place
            for index, row_texts in enumerate(texts):
                row = self.list.topLevelItem(index)
                assert row is not None
                for column, text in enumerate(row_texts):
                    if row.text(column) != text:
                        row.setText(column, text)
                        row.setToolTip(column, tooltip_text(text))
        else:
            bar = self.list.verticalScrollBar()
            scrolled = bar.value()
            self.list.clear()
            rows = []
            for row_texts in texts:
                row = QTreeWidgetItem(row_texts)
                for column, text in enumerate(row_texts):
                    row.setToolTip(column, tooltip_text(text))
                rows.append(row)
            self.list.addTopLevelItems(rows)
            self.list.doItemsLayout()  # the scroll range of the new rows, now
            bar.setValue(scrolled)
            self._keys = keys
            found = self.list.topLevelItem(keys.index(kept)) if kept in keys else None
            if found is not None:
                self.list.setCurrentItem(found)
            else:
                self.list.setCurrentIndex(QModelIndex())
        metrics = self.list.fontMetrics()
        self._wanted = {
            column: max(
                metrics.horizontalAdvance(t) for t in [HEADERS[column]] + [r[column] for r in texts]
            )
            for column in COLUMN_SHARES
        }
        self.fit_columns()
        decided = sum(1 for s in statuses if s is not None)
        self.summary.setText(
            f"{len(items)} disagreement{'' if len(items) == 1 else 's'}, {decided} decided · "
            f"{agreed_open} agreed not yet accepted"
        )
        self.agreed.setEnabled(agreed_open > 0)
        self._filling = False
        return kept is None or kept in keys

    # -- sizes ------------------------------------------------------------------------------

    def fit_columns(self) -> None:
        """Every column in view without scrolling sideways: Decision as wide as its longest
        word, the descriptions and kinds as wide as their text up to a share of the list, the
        quote what is left (elided; the tooltip has it whole)."""
        header = self.list.header()
        metrics = self.list.fontMetrics()
        margin = self.list.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
        padding = 2 * margin + 16
        width = self.list.viewport().width()
        decisions = (HEADERS[4], *DECISION_NAMES.values())
        header.resizeSection(4, max(metrics.horizontalAdvance(t) for t in decisions) + padding)
        for column, share in COLUMN_SHARES.items():
            wanted = self._wanted.get(column, metrics.horizontalAdvance(HEADERS[column]))
            header.resizeSection(column, min(wanted + padding, int(width * share)))

    def height_for_rows(self, rows: int) -> int:
        """The panel's height showing this many rows of the list."""
        layout = self._layout
        margins = layout.contentsMargins()
        row = self.list.sizeHintForRow(0) if self.list.topLevelItemCount() else 0
        row = max(row, self.list.fontMetrics().height() + 2)
        bars = sum(bar.sizeHint().height() for bar in self._bars)
        return (
            margins.top()
            + margins.bottom()
            + bars
            + 2 * layout.spacing()
            + self.list.header().sizeHint().height()
            + rows * row
            + 2 * self.list.frameWidth()
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.list and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return False

    # -- navigation -------------------------------------------------------------------------

    def current_row(self) -> int:
        item = self.list.currentItem()
        return -1 if item is None else self.list.indexOfTopLevelItem(item)

    def select_row(self, row: int) -> None:
        """Go to this row (and show it in the text, even when it is the current one)."""
        item = self.list.topLevelItem(row) if row >= 0 else None
        if item is None:
            return
        if item is self.list.currentItem():
            self.list.scrollToItem(item)
            self.item_chosen.emit(row)
        else:
            self.list.setCurrentItem(item)

    def _on_current(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is not None and not self._filling:
            self.item_chosen.emit(self.list.indexOfTopLevelItem(current))

    def _emit_layers(self) -> None:
        if not self._filling:
            self.layers_chosen.emit(*self.layers())


def item_key(item: Item) -> tuple[str, str]:
    """What identifies a disagreement from one comparison to the next: its two spans."""
    return (item.first.id if item.first else "", item.second.id if item.second else "")
