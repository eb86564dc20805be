"""The review panel: two layers of the open document compared, one row per disagreement.

It shows and asks; it never changes data. `ReviewMode` (review_mode.py) fills it and turns its
requests into Session operations.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.records import Analyst, Annotation, ReviewDecision
from annotator.core.review import KIND_NAMES, Item
from annotator.gui.annotation_table import one_line
from annotator.gui.label_bar import swatch
from annotator.gui.plain_text import plain_label, tooltip_text

HEADERS = ("Text", "Differs in", "First", "Second", "Decision")
DECISION_NAMES = {
    "first": "kept first",
    "second": "kept second",
    "both": "kept both",
    "reject": "rejected",
    "edit": "kept to edit",
    "agreed": "agreed",
}
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
        header = self.list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
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
        keep: int | None = None,
    ) -> None:
        """Show the disagreements (items with something different) and their decisions."""
        self._filling = True
        self._items = items
        self.list.clear()
        rows = []
        for item, status in zip(items, statuses, strict=True):
            row = QTreeWidgetItem(
                [
                    one_line((item.first or item.second).quote),  # type: ignore[union-attr]
                    ", ".join(KIND_NAMES[k] for k in item.kinds),
                    describe(item.first) if item.first else "—",
                    describe(item.second) if item.second else "—",
                    DECISION_NAMES.get(status.decision, status.decision) if status else "",
                ]
            )
            for column in range(len(HEADERS)):
                row.setToolTip(column, tooltip_text(row.text(column)))
            rows.append(row)
        self.list.addTopLevelItems(rows)
        for column in range(1, len(HEADERS)):
            self.list.resizeColumnToContents(column)
        decided = sum(1 for s in statuses if s is not None)
        self.summary.setText(
            f"{len(items)} disagreement{'' if len(items) == 1 else 's'}, {decided} decided · "
            f"{agreed_open} agreed not yet accepted"
        )
        self.agreed.setEnabled(agreed_open > 0)
        self._filling = False
        if keep is not None and items:
            self.select_row(min(keep, len(items) - 1))

    # -- navigation -------------------------------------------------------------------------

    def current_row(self) -> int:
        item = self.list.currentItem()
        return -1 if item is None else self.list.indexOfTopLevelItem(item)

    def select_row(self, row: int) -> None:
        item = self.list.topLevelItem(row) if row >= 0 else None
        if item is not None:
            self.list.setCurrentItem(item)

    def _on_current(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is not None and not self._filling:
            self.item_chosen.emit(self.list.indexOfTopLevelItem(current))

    def _emit_layers(self) -> None:
        if not self._filling:
            self.layers_chosen.emit(*self.layers())

