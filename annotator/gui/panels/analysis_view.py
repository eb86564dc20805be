"""View ▸ Analysis: who claims what, about whom, with what tone, across the corpus.

A dock (objectName `analysisView`) with a filter row (the annotation-search language, the
label counted, the layer, publication dates), three tabs (Pivot, Timeline, Heatmap, see
`analysis_tabs`) and the passages behind a count. Counts are computed by
`annotator.core.analysis` in a worker thread on its own store connection: the window keeps
painting, and a newer request cancels the older one (its result is never shown). The
passages of a count are read on the window's connection (a short query with a limit), and
activating one opens it in the reading view.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QDate, QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core import analysis
from annotator.core.analysis import AnalysisFilter, Cancelled
from annotator.core.errors import AnnotatorError
from annotator.gui.background import BackgroundJob, JobProgress, own_store
from annotator.gui.panels.analysis_models import Cell, PassageModel
from annotator.gui.panels.analysis_tabs import AnalysisTab, HeatmapTab, PivotTab, TimelineTab
from annotator.gui.reading.plain_text import plain_label

if TYPE_CHECKING:
    from annotator.core.store import Store

#: How many passages a count lists at most.
PASSAGE_LIMIT = 1000
#: The date edits' "no date" value, shown as "any".
NO_DATE = QDate(1900, 1, 1)
ALL_LABELS = "every label"


class AnalysisHost(Protocol):
    """What the view uses of the window: its project and the reading view."""

    @property
    def store(self) -> Store: ...

    def show_annotation_hit(self, doc_id: str, annotation_id: str) -> None: ...


class _Passages(QTableView):
    """Enter opens the passage, as a double-click does."""

    opened = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.opened.emit()
            return
        super().keyPressEvent(event)


def _date_edit(name: str, tip: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("any")  # the minimum: no limit
    edit.setDate(NO_DATE)
    edit.setToolTip(tip)
    return edit


class AnalysisView(QDockWidget):
    """The analysis dock. `computed` is emitted once a result is on screen."""

    computed = Signal()

    def __init__(self, host: AnalysisHost, parent: QWidget | None = None) -> None:
        super().__init__("Analysis", parent)
        self.setObjectName("analysisView")
        self._host = host
        self._store = host.store  # the project the choices were read from
        self._job: BackgroundJob[Any] | None = None
        # The newest request: its job, the tab and the filter it counts for. Older jobs are
        # cancelled and their results dropped.
        self._request: tuple[BackgroundJob[Any], AnalysisTab, AnalysisFilter] | None = None
        self.shown_filter = AnalysisFilter()  # what the counts on screen were computed for

        self.query = QLineEdit()
        self.query.setObjectName("analysisQuery")
        self.query.setClearButtonEnabled(True)
        self.query.setPlaceholderText(
            'Filter: words, sentiment:negative, speaker:"Wei Fenghe", target:…, doc:… (Enter)'
        )
        self.label_combo = QComboBox()
        self.label_combo.setObjectName("analysisLabel")
        self.label_combo.setToolTip("The label counted when the filter names none.")
        self.layer_combo = QComboBox()
        self.layer_combo.setObjectName("analysisLayer")
        self.layer_combo.setToolTip(
            "Whose annotations: everyone's (the reviewed layer too), one analyst's, "
            "or the reviewed layer's."
        )
        self.since = _date_edit("analysisSince", "Published on or after (any: no limit)")
        self.until = _date_edit("analysisUntil", "Published on or before (any: no limit)")
        self.message = plain_label()
        self.message.setObjectName("analysisMessage")
        self.message.setWordWrap(True)

        self.pivot_tab, self.timeline_tab, self.heatmap_tab = (
            PivotTab(),
            TimelineTab(),
            HeatmapTab(),
        )
        self.tabs = QTabWidget()
        self.tabs.setObjectName("analysisTabs")
        for tab in self._tabs():
            self.tabs.addTab(tab, tab.title)
            tab.changed.connect(self.compute)
            tab.cell_requested.connect(self.show_passages)

        self.passages_title = plain_label("Double-click a count to list its annotations.")
        self.passages_title.setObjectName("analysisPassagesTitle")
        self.passage_model = PassageModel()
        self.passages = _Passages()
        self.passages.setObjectName("analysisPassages")
        self.passages.setModel(self.passage_model)
        self.passages.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.passages.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.passages.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.passages.horizontalHeader().setStretchLastSection(True)
        self.passages.verticalHeader().hide()
        self.passages.setWordWrap(False)
        self.passages.doubleClicked.connect(self._open_passage)
        self.passages.opened.connect(lambda: self._open_passage(self.passages.currentIndex()))

        self._layout_widgets()
        self.query.returnPressed.connect(self.compute)
        self.label_combo.activated.connect(self.compute)
        self.layer_combo.activated.connect(self.compute)
        self.since.editingFinished.connect(self._dates_changed)
        self.until.editingFinished.connect(self._dates_changed)
        self.tabs.currentChanged.connect(self.compute)
        self.reload_choices()

    def _tabs(self) -> tuple[AnalysisTab, ...]:
        return (self.pivot_tab, self.timeline_tab, self.heatmap_tab)

    def _layout_widgets(self) -> None:
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.query, 3)
        for text, widget in (
            ("Label", self.label_combo),
            ("Layer", self.layer_combo),
            ("From", self.since),
            ("to", self.until),
        ):
            filters.addWidget(QLabel(text))
            filters.addWidget(widget)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.passages_title)
        lower_layout.addWidget(self.passages, 1)
        # The passages take room once a count is opened; until then the chart has it all.
        self.split = split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("analysisSplit")
        split.addWidget(self.tabs)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([1, 0])
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self.setWidget(body)

    # -- choices ----------------------------------------------------------------------------

    def reload_choices(self) -> None:
        """The project's labels and layers in the combos (the choices made are kept)."""
        store = self._store = self._host.store
        label, layer = self.label_combo.currentText(), self.layer_combo.currentData()
        codebook = store.codebook.get()
        self.label_combo.clear()
        for item in codebook.labels:
            self.label_combo.addItem(item.name, item.name)
        self.label_combo.addItem(ALL_LABELS, None)
        at = self.label_combo.findText(label or "Claim")
        self.label_combo.setCurrentIndex(max(at, 0))
        self.layer_combo.clear()
        self.layer_combo.addItem("Everyone", None)
        for layer_item in store.layers():
            self.layer_combo.addItem(layer_item.name, str(layer_item.id))
        self.layer_combo.setCurrentIndex(max(self.layer_combo.findData(layer), 0))
        colours = {item.name: item.color for item in codebook.labels}
        for tab in self._tabs():
            tab.colours = colours

    def current_filter(self) -> AnalysisFilter:
        return AnalysisFilter(
            query=self.query.text(),
            layer=self.layer_combo.currentData(),
            since=_day(self.since),
            until=_day(self.until),
            label=self.label_combo.currentData(),
        )

    def _dates_changed(self) -> None:
        if self.current_filter() != self.shown_filter:
            self.compute()

    # -- computing --------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._job is not None and not self._job.done

    def compute(self) -> None:
        """Count again for the current tab and filter; an older computation is cancelled."""
        if self._job is not None and not self._job.done:
            self._job.cancel()
        if self._host.store is not self._store:  # the window opened another project
            self.reload_choices()
            self.passage_model.set_passages([])
        tab = self.tabs.currentWidget()
        assert isinstance(tab, AnalysisTab)
        filt = self.current_filter()
        compute = tab.job(filt)
        path = self._host.store.path

        def work(progress: JobProgress) -> Any:
            with own_store(path) as store:
                try:
                    return compute(store, lambda: progress.cancelled)
                except Cancelled:
                    return None

        job: BackgroundJob[Any] = BackgroundJob(work, name="analysis")
        # A bound method, not a lambda: the connection goes with the dock if the window is
        # closed while a job still runs.
        job.finished.connect(self._finished)
        self._job = job
        self._request = (job, tab, filt)
        self.message.setText("Counting…")
        job.start()

    def _finished(self) -> None:
        if self._request is None or not self._request[0].done:
            return  # an older job, cancelled: a newer one is under way
        job, tab, filt = self._request
        self._request = None
        try:
            result = job.result()
        except AnnotatorError as exc:
            tab.clear("")
            self.message.setText(str(exc))
            self.computed.emit()
            return
        self.message.setText("")
        if result is None:  # cancelled (the dock was closed)
            return
        self.shown_filter = filt
        tab.show_result(result)
        self.computed.emit()

    # -- passages ---------------------------------------------------------------------------

    def show_passages(self, cell: Cell) -> None:
        """List the annotations behind a count (read on the window's connection)."""
        fields, keys = cell
        tab = self.tabs.currentWidget()
        model = getattr(tab, "model", None)
        described = model.describe(cell) if model is not None else ""
        try:
            found = analysis.drill(
                self._host.store, fields, keys, self.shown_filter, limit=PASSAGE_LIMIT
            )
        except AnnotatorError as exc:
            self.passage_model.set_passages([])
            self.passages_title.setText(str(exc))
            return
        self.passage_model.set_passages(found)
        sizes = self.split.sizes()
        if sizes[1] == 0:
            self.split.setSizes([sum(sizes) * 3 // 5, sum(sizes) - sum(sizes) * 3 // 5])
        count = len(found)
        more = " (the first ones; narrow the filter for the rest)" if count >= PASSAGE_LIMIT else ""
        noun = "annotation" if count == 1 else "annotations"
        self.passages_title.setText(f"{described}: {count} {noun}{more}")
        self.passages.resizeColumnsToContents()
        if count:
            self.passages.setCurrentIndex(self.passage_model.index(0, 0))
            self.passages.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_passage(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        passage = self.passage_model.passage(index.row())
        self._host.show_annotation_hit(passage.document_id, passage.annotation_id)

    # -- showing ----------------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not event.spontaneous():  # not a window coming back from being minimised
            self.reload_choices()
            self.compute()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.isVisible():
            self.compute()  # the charts drawn again in the new palette's colours

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if self._job is not None and not self._job.done:
            self._job.cancel()
        super().closeEvent(event)


def _day(edit: QDateEdit) -> date | None:
    value = edit.date()
    if value == NO_DATE:
        return None
    return date(value.year(), value.month(), value.day())
