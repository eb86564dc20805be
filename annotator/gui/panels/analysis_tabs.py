"""The analysis view's three tabs: Pivot (table and bars), Timeline (stacked bars per week or
month) and Heatmap (two fields, counts printed in the cells).

A tab knows its own choices (fields, period, split); `job(filter)` returns what the worker
thread computes with those choices, on its own store connection, and `show(result)` puts the
result on screen in the GUI thread. A tab never runs anything itself: the view does, so a
newer request always cancels the older one whichever tab asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core import analysis
from annotator.core.analysis import FIELDS, AnalysisFilter, Pivot, Timeline
from annotator.core.analysis.charts import short
from annotator.core.errors import AnnotatorError
from annotator.gui.panels.analysis_charts import (
    CHART_FILTERS,
    ChartPane,
    chart_path,
    write_table,
)
from annotator.gui.panels.analysis_models import Cell, PivotTableModel, field_title
from annotator.gui.reading.plain_text import plain_label, plain_message

if TYPE_CHECKING:
    from annotator.core.store import Store

#: What the worker runs: (its own store, the cancel question) → the result to show.
Compute = Callable[["Store", Callable[[], bool]], Any]
NO_FIELD = "—"
SPLITS = ("sentiment", "speaker", "target", "outlet", "label", "analyst")
#: The heatmap's two kinds: counts of annotations, or labels together in a document/sentence.
WITHIN_CHOICES = (
    ("Count annotations", None),
    ("Labels together in a document", "document"),
    ("Labels together in a sentence", "sentence"),
)


def field_combo(name: str, current: str, *, optional: bool = False) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    if optional:
        combo.addItem(NO_FIELD, None)
    for field in FIELDS:
        combo.addItem(field_title(field), field)
    combo.setCurrentIndex(combo.findData(current))
    return combo


def undated_text(undated: int) -> str:
    if not undated:
        return ""
    noun = "annotation" if undated == 1 else "annotations"
    return f"{undated} {noun} in undated documents (no publication date), counted apart."


class AnalysisTab(QWidget):
    """What the three tabs share: a choices row, a chart, export buttons, a note line."""

    #: Its own choices changed: the view computes again.
    changed = Signal()
    #: (fields, keys) of a count whose annotations the analyst wants to read.
    cell_requested = Signal(object)

    title = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = QHBoxLayout()
        self.choices.setContentsMargins(0, 0, 0, 0)
        self.chart = ChartPane(self)
        self.note = plain_label()
        self.note.setObjectName("analysisNote")
        self.note.setWordWrap(True)
        self.export_chart_button = QPushButton("Export chart…", self)
        self.export_chart_button.setObjectName("analysisExportChart")
        self.export_chart_button.clicked.connect(self.choose_chart_file)
        self.export_table_button = QPushButton("Export table (CSV)…", self)
        self.export_table_button.setObjectName("analysisExportTable")
        self.export_table_button.clicked.connect(self.choose_table_file)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.note, 1)
        self.buttons.addWidget(self.export_table_button)
        self.buttons.addWidget(self.export_chart_button)
        self.colours: Mapping[str, str] = {}

    def job(self, filt: AnalysisFilter) -> Compute:
        raise NotImplementedError

    def show_result(self, result: Any) -> None:
        raise NotImplementedError

    def table_rows(self) -> list[list[str]]:
        """The table behind the chart, header first (what the CSV export writes)."""
        raise NotImplementedError

    def clear(self, message: str) -> None:
        self.chart.clear(message)
        self.note.setText("")

    # -- export -----------------------------------------------------------------------------

    def choose_chart_file(self) -> None:
        start = f"{self.title.lower()}.svg"
        path, _chosen = QFileDialog.getSaveFileName(self, "Export chart", start, CHART_FILTERS)
        if path:
            self.export_chart(chart_path(Path(path)))

    def export_chart(self, path: Path) -> bool:
        try:
            self.chart.save(path)
        except AnnotatorError as exc:
            plain_message(self, "Cannot export the chart", str(exc))
            return False
        return True

    def choose_table_file(self) -> None:
        start = f"{self.title.lower()}.csv"
        path, _chosen = QFileDialog.getSaveFileName(
            self, "Export table", start, "CSV table (*.csv)"
        )
        if path:
            chosen = Path(path)
            self.export_table(chosen if chosen.suffix else chosen.with_suffix(".csv"))

    def export_table(self, path: Path) -> bool:
        rows = self.table_rows()
        try:
            if len(rows) < 2:
                raise AnnotatorError("There is no table to export yet.")
            write_table(path, rows)
        except AnnotatorError as exc:
            plain_message(self, "Cannot export the table", str(exc))
            return False
        return True


class _PivotTable(QTableView):
    """Enter on a count opens its passages, as a double-click does."""

    opened = Signal()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.opened.emit()
            return
        super().keyPressEvent(event)


class PivotTab(AnalysisTab):
    """Counts by one or two fields: a sortable table with totals, and the same as bars."""

    title = "Pivot"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows_combo = field_combo("analysisRows", "speaker")
        self.columns_combo = field_combo("analysisColumns", "sentiment", optional=True)
        self.choices.addWidget(QLabel("Count by"))
        self.choices.addWidget(self.rows_combo)
        self.choices.addWidget(QLabel("and"))
        self.choices.addWidget(self.columns_combo)
        self.choices.addStretch(1)
        self.model = PivotTableModel()
        self.table = _PivotTable(self)
        self.table.setObjectName("analysisPivotTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setToolTip("Double-click or Enter on a count lists its annotations.")
        self.table.doubleClicked.connect(self._open)
        self.table.opened.connect(lambda: self._open(self.table.currentIndex()))
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setSizes([400, 500])
        layout = QVBoxLayout(self)
        layout.addLayout(self.choices)
        layout.addWidget(split, 1)
        layout.addLayout(self.buttons)
        self.rows_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.columns_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def by(self) -> tuple[str, ...]:
        first, second = self.rows_combo.currentData(), self.columns_combo.currentData()
        return (first,) if second is None or second == first else (first, second)

    def job(self, filt: AnalysisFilter) -> Compute:
        by = self.by()
        return lambda store, cancelled: analysis.pivot(store, by, filt, cancelled=cancelled)

    def show_result(self, result: Pivot) -> None:
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.model.set_pivot(result)
        self.table.resizeColumnsToContents()
        self.note.setText(undated_text(result.undated))
        if result.total:
            self.chart.draw(lambda figure: analysis.draw_bars(figure, result, self.colours))
        else:
            self.chart.clear("Nothing counted for this filter.")

    def clear(self, message: str) -> None:
        super().clear(message)
        self.model.set_pivot(None)

    def table_rows(self) -> list[list[str]]:
        return self.model.rows()

    def _open(self, index: Any) -> None:
        cell: Cell | None = self.model.cell(index)
        if cell is not None:
            self.cell_requested.emit(cell)


class TimelineTab(AnalysisTab):
    """Counts per week or month of publication as stacked bars, split by one field."""

    title = "Timeline"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.period_combo = QComboBox(self)
        self.period_combo.setObjectName("analysisPeriod")
        for period in ("week", "month"):
            self.period_combo.addItem(f"per {period}", period)
        self.period_combo.setCurrentIndex(1)
        self.split_combo = QComboBox(self)
        self.split_combo.setObjectName("analysisSplit")
        self.split_combo.addItem(NO_FIELD, None)
        for field in SPLITS:
            self.split_combo.addItem(field_title(field), field)
        self.split_combo.setCurrentIndex(1)
        self.choices.addWidget(QLabel("Counts"))
        self.choices.addWidget(self.period_combo)
        self.choices.addWidget(QLabel("split by"))
        self.choices.addWidget(self.split_combo)
        self.choices.addStretch(1)
        self.timeline: Timeline | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self.choices)
        layout.addWidget(self.chart, 1)
        layout.addLayout(self.buttons)
        self.period_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.split_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def job(self, filt: AnalysisFilter) -> Compute:
        period, split = self.period_combo.currentData(), self.split_combo.currentData()
        return lambda store, cancelled: analysis.timeline(
            store, period, split, filt, cancelled=cancelled
        )

    def show_result(self, result: Timeline) -> None:
        self.timeline = result
        if result.undated:
            self.note.setText(f"{undated_text(result.undated)} They are not in the chart.")
        else:
            self.note.setText("")
        if result.periods:
            self.chart.draw(lambda figure: analysis.draw_timeline(figure, result, self.colours))
        else:
            self.chart.clear("No dated annotations for this filter.")

    def clear(self, message: str) -> None:
        super().clear(message)
        self.timeline = None

    def table_rows(self) -> list[list[str]]:
        timeline = self.timeline
        if timeline is None:
            return []
        names = list(timeline.series)
        out = [[field_title(timeline.period), *names, "Total"]]
        for at, period in enumerate(timeline.periods):
            counts = [timeline.series[name][at] for name in names]
            out.append([period, *map(str, counts), str(sum(counts))])
        if timeline.undated:
            out.append(["(undated)", *("" for _ in names), str(timeline.undated)])
        return out


def _tick(labels: list[Any], at: int) -> str | None:
    return labels[at].get_text() if 0 <= at < len(labels) else None


class HeatmapTab(AnalysisTab):
    """Two fields against each other (speaker × target by default), counts in the cells."""

    title = "Heatmap"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows_combo = field_combo("analysisHeatRows", "speaker")
        self.columns_combo = field_combo("analysisHeatColumns", "target")
        self.choices.addWidget(QLabel("Rows"))
        self.choices.addWidget(self.rows_combo)
        self.choices.addWidget(QLabel("against"))
        self.choices.addWidget(self.columns_combo)
        self.within_combo = QComboBox()  # or labels meeting in a document or a sentence
        self.within_combo.setObjectName("analysisHeatWithin")
        self.within_combo.setToolTip(
            "Labels together: the documents or sentences holding annotations of both labels "
            "(choose “every label” as the Label to see them all)."
        )
        for text, within in WITHIN_CHOICES:
            self.within_combo.addItem(text, within)
        self.choices.addWidget(self.within_combo)
        self.choices.addStretch(1)
        self.model = PivotTableModel()  # the CSV export's table, and the cells clicked
        self.chart.on_click = self._clicked
        self.chart.setToolTip("Click a cell to list its annotations.")
        layout = QVBoxLayout(self)
        layout.addLayout(self.choices)
        layout.addWidget(self.chart, 1)
        layout.addLayout(self.buttons)
        self.rows_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.columns_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.within_combo.currentIndexChanged.connect(self._within_changed)

    def _within_changed(self, _index: int) -> None:
        counting = self.within_combo.currentData() is None
        self.rows_combo.setEnabled(counting)
        self.columns_combo.setEnabled(counting)
        self.changed.emit()

    def job(self, filt: AnalysisFilter) -> Compute:
        rows, columns = self.rows_combo.currentData(), self.columns_combo.currentData()
        within = self.within_combo.currentData()
        if within is not None:
            return lambda store, cancelled: analysis.cooccurrence(
                store, within, filt, cancelled=cancelled
            )
        return lambda store, cancelled: analysis.heatmap(
            store, rows, columns, filt, cancelled=cancelled
        )

    def show_result(self, result: Pivot) -> None:
        self.model.set_pivot(result)
        self.note.setText(undated_text(result.undated))
        if result.total:
            self.chart.draw(lambda figure: analysis.draw_heatmap(figure, result))
        else:
            self.chart.clear("Nothing counted for this filter.")

    def clear(self, message: str) -> None:
        super().clear(message)
        self.model.set_pivot(None)

    def table_rows(self) -> list[list[str]]:
        return self.model.rows()

    def _clicked(self, event: Any) -> None:
        """A click on a cell lists its annotations. The grid's rows and columns are the
        pivot's values by total, most first, as the table's; each is checked against the
        chart's own tick label, so a click never opens another cell's annotations."""
        figure, pivot = self.chart.figure, self.model.pivot
        if figure is None or pivot is None or not figure.axes or event.inaxes is not figure.axes[0]:
            return
        if pivot.by == ("label", "label"):  # labels together: documents, not one cell's list
            return
        if event.xdata is None or event.ydata is None:
            return
        x, y = round(event.xdata), round(event.ydata)
        if not (0 <= y < self.model.rowCount() - 1 and 0 <= x < self.model.columnCount() - 2):
            return
        cell = self.model.cell(self.model.index(y, x + 1))
        if cell is None:
            return
        (rows_field, columns_field), (row_key, column_key) = cell
        axes = event.inaxes
        if _tick(axes.get_yticklabels(), y) != short(pivot.label(rows_field, row_key)):
            return
        if _tick(axes.get_xticklabels(), x) != short(pivot.label(columns_field, column_key)):
            return
        self.cell_requested.emit(cell)
