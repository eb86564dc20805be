"""Review ▸ Agreement…: how far the analysts agree, per label, on sentiment, and as a per-pair
heatmap, with a note on how to read alpha.

The figures come from annotator.core.agreement (computed here, on the GUI thread: a project of
a thousand documents takes about two seconds). Every name is shown as plain text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import (
    STATISTICS,
    AgreementReport,
    Figures,
    StatisticName,
    agreement_report,
    analysts_with_annotations,
)
from annotator.core.agreement.formats import ALL_LABELS, Format, number, render, save
from annotator.core.agreement.sentiment import SENTIMENT_SCALE
from annotator.core.agreement.statistics import Statistic
from annotator.core.errors import AnnotatorError
from annotator.core.records import REVIEWED_LAYER_ID, AnalystId, DocumentId
from annotator.core.store import Store
from annotator.gui.background import JobProgress, own_store, run_with_progress
from annotator.gui.reading.plain_text import plain_label, tooltip_text

#: Heatmap colours: poor agreement (0 or below), fair (0.5), good (1); n/a and the diagonal.
LOW, MIDDLE, HIGH = QColor("#f4a6a6"), QColor("#fff1b0"), QColor("#9fd8a9")
NO_VALUE = QColor("#e6e6e6")
#: How to read alpha, after Krippendorff (Content Analysis, 2nd ed., 2004).
READING_ALPHA = (
    "Reading α (Krippendorff): 0.800 or more — reliable; 0.667 to 0.800 — tentative "
    "conclusions only; below 0.667 — do not rely on the coding. Sentiment α compares the "
    "sentiment two analysts gave to the same spans (same label, overlapping), where both gave "
    "one: nominal counts every difference alike, ordinal ranks "
    f"{' < '.join(SENTIMENT_SCALE)}."
)
_SAVE_FILTERS: dict[Format, str] = {
    "csv": "CSV (*.csv)",
    "json": "JSON (*.json)",
    "table": "Text table (*.txt)",
}


def heat_colour(value: float | None) -> QColor:
    """The cell colour of a statistic: red at 0 or below, yellow at 0.5, green at 1."""
    if value is None:
        return NO_VALUE
    t = min(max(value, 0.0), 1.0)
    low, high, share = (LOW, MIDDLE, t * 2) if t < 0.5 else (MIDDLE, HIGH, t * 2 - 1)
    return QColor(
        round(low.red() + (high.red() - low.red()) * share),
        round(low.green() + (high.green() - low.green()) * share),
        round(low.blue() + (high.blue() - low.blue()) * share),
    )


def _item(text: str, *, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)  # table items are plain text
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _stat_item(stat: Statistic) -> QTableWidgetItem:
    item = _item(number(stat.value), align_right=True)
    item.setToolTip(tooltip_text(stat.reason if stat.value is None else f"n = {stat.n}"))
    return item


def _fit_rows(table: QTableWidget, most: int) -> None:
    """As tall as its rows (at least one, at most `most`; more scroll): every figure is seen
    without scrolling, and the heatmap gets the room left."""
    shown = max(1, min(table.rowCount(), most))
    height = table.horizontalHeader().sizeHint().height()
    height += shown * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(height + 2 * table.frameWidth())


def _cell_tip(statistic: StatisticName, figures: Figures, documents: int) -> str:
    value = figures.value(statistic)
    text = f"{STATISTICS[statistic]}: {number(value)}\n{documents} documents coded by both"
    if value is None:
        if statistic in ("kappa", "alpha", "alpha_unitizing"):
            chosen = {
                "kappa": figures.kappa,
                "alpha": figures.alpha,
                "alpha_unitizing": figures.alpha_unitizing,
            }[statistic]
            text += "\n" + chosen.reason
        else:
            text += "\nneither analyst tagged a span here"
    return text


class AgreementDialog(QDialog):
    """Choose analysts and scope; read per-label figures and the per-pair heatmap.

    `document_id`: the open document, offered as the "Current document" scope.
    """

    def __init__(
        self, store: Store, document_id: DocumentId | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agreementDialog")
        self.setWindowTitle("Agreement between analysts")
        self.store = store
        self.document_id = document_id
        self.report: AgreementReport | None = None

        self.analysts = QListWidget(self)
        self.analysts.setObjectName("agreementAnalysts")
        for analyst in analysts_with_annotations(store):
            item = QListWidgetItem(analyst.name)  # list items are plain text
            item.setData(Qt.ItemDataRole.UserRole, analyst.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            # The reviewed layer copies the analysts' spans: compared only when ticked.
            reviewed = analyst.id == REVIEWED_LAYER_ID
            item.setCheckState(Qt.CheckState.Unchecked if reviewed else Qt.CheckState.Checked)
            self.analysts.addItem(item)
        rows = max(3, min(self.analysts.count(), 6))
        self.analysts.setFixedHeight(
            rows * self.analysts.sizeHintForRow(0) + 2 * self.analysts.frameWidth() + 4
            if self.analysts.count()
            else 60
        )
        self.all_documents = QRadioButton("All documents", self)
        self.all_documents.setObjectName("agreementAllDocuments")
        self.all_documents.setChecked(True)
        self.current_document = QRadioButton("Current document", self)
        self.current_document.setObjectName("agreementCurrentDocument")
        self.current_document.setEnabled(document_id is not None)
        # The open document first: the whole corpus takes seconds per thousand documents.
        self.current_document.setChecked(document_id is not None)
        scope = QHBoxLayout()
        scope.addWidget(self.all_documents)
        scope.addWidget(self.current_document)
        scope.addStretch()

        self.summary = plain_label()
        self.summary.setObjectName("agreementSummary")
        self.summary.setWordWrap(True)

        self.labels = QTableWidget(0, 7, self)
        self.labels.setObjectName("agreementLabels")
        self.labels.setHorizontalHeaderLabels(
            [
                "Label",
                "α (all analysts)",
                "κ (mean of pairs)",
                "F1 exact",
                "F1 overlap",
                "Fleiss' κ",
                "αU (unitizing)",
            ]
        )
        self.labels.verticalHeader().setVisible(False)
        self.labels.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.labels.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.sentiment = QTableWidget(0, 4, self)
        self.sentiment.setObjectName("agreementSentiment")
        self.sentiment.setHorizontalHeaderLabels(
            ["Pair", "Spans compared", "Sentiment α (nominal)", "Sentiment α (ordinal)"]
        )
        self.sentiment.verticalHeader().setVisible(False)
        self.sentiment.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        sentiment_header = self.sentiment.horizontalHeader()
        sentiment_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        sentiment_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.reading = plain_label(READING_ALPHA)
        self.reading.setObjectName("agreementReading")
        self.reading.setWordWrap(True)

        self.statistic = QComboBox(self)
        self.statistic.setObjectName("agreementStatistic")
        for key, name in STATISTICS.items():
            self.statistic.addItem(name, key)
        self.heatmap_label = QComboBox(self)
        self.heatmap_label.setObjectName("agreementHeatmapLabel")
        self.heatmap = QTableWidget(0, 0, self)
        self.heatmap.setObjectName("agreementHeatmap")
        self.heatmap.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for header in (self.heatmap.horizontalHeader(), self.heatmap.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Cells big enough to read as a map, not a list of numbers.
        self.heatmap.horizontalHeader().setMinimumSectionSize(80)
        self.heatmap.verticalHeader().setMinimumSectionSize(34)
        heat_choice = QHBoxLayout()
        heat_choice.addWidget(self.statistic)
        heat_choice.addWidget(self.heatmap_label)
        heat_choice.addStretch()

        self.copy_button = QPushButton("Copy as CSV", self)
        self.copy_button.setObjectName("agreementCopyCsv")
        self.save_button = QPushButton("Save…", self)
        self.save_button.setObjectName("agreementSave")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Analysts", self.analysts)
        form.addRow("Documents", scope)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(plain_label("Per label"))
        layout.addWidget(self.labels)
        layout.addWidget(plain_label("Sentiment, per pair of analysts"))
        layout.addWidget(self.sentiment)
        layout.addWidget(self.reading)
        layout.addWidget(plain_label("Per pair of analysts"))
        layout.addLayout(heat_choice)
        layout.addWidget(self.heatmap, 1)
        layout.addWidget(buttons)
        self.resize(760, 760)

        self.analysts.itemChanged.connect(lambda _item: self.refresh())
        self.all_documents.toggled.connect(lambda _on: self.refresh())
        self.statistic.currentIndexChanged.connect(lambda _i: self.show_heatmap())
        self.heatmap_label.currentIndexChanged.connect(lambda _i: self.show_heatmap())
        self.copy_button.clicked.connect(self.copy_csv)
        self.save_button.clicked.connect(self.choose_file_and_save)
        self.refresh()

    # -- choices ----------------------------------------------------------------------------

    def chosen_analysts(self) -> list[AnalystId]:
        items = [self.analysts.item(row) for row in range(self.analysts.count())]
        return [
            AnalystId(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def set_statistic(self, statistic: StatisticName) -> None:
        self.statistic.setCurrentIndex(self.statistic.findData(statistic))

    # -- computing and showing --------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute for the analysts and scope chosen; a problem is shown, not raised."""
        analysts = self.chosen_analysts()
        self.report = None
        if len(analysts) < 2:
            message = (
                "Choose at least two analysts."
                if self.analysts.count() >= 2
                else "Agreement needs annotations by at least two analysts."
            )
            self._show(message)
            return
        documents = (
            [self.document_id]
            if self.current_document.isChecked() and self.document_id is not None
            else None
        )
        path = self.store.path

        def work(_progress: JobProgress) -> AgreementReport:
            # In a worker thread with its own connection: the whole corpus takes seconds.
            with own_store(path) as own:
                return agreement_report(own, analysts=analysts, documents=documents)

        try:
            report = run_with_progress(self, "Computing agreement", work, cancellable=False)
        except AnnotatorError as exc:
            self._show(str(exc))
            return
        if not report.comparable:
            self._show("Nothing to compare: no document has annotations by two of them.")
            return
        self.report = report
        group = report.group
        self._show(
            f"{group.documents} of {report.documents} documents coded by two or more of "
            f"these analysts, {group.tokens} tokens; {group.complete} coded by all of them "
            "(Fleiss' κ and αU rest on those). A document counts as coded by an analyst who "
            "annotated something in it or marked it done."
        )

    def _show(self, summary: str) -> None:
        self.summary.setText(summary)
        self.copy_button.setEnabled(self.report is not None)
        self.save_button.setEnabled(self.report is not None)
        self._fill_labels()
        self._fill_sentiment()
        chosen = self.heatmap_label.currentData()
        self.heatmap_label.blockSignals(True)
        self.heatmap_label.clear()
        if self.report is not None:
            self.heatmap_label.addItem(ALL_LABELS.capitalize(), "")
            for label in self.report.labels:
                self.heatmap_label.addItem(label, label)
            self.heatmap_label.setCurrentIndex(max(0, self.heatmap_label.findData(chosen)))
        self.heatmap_label.blockSignals(False)
        self.show_heatmap()

    def _fill_labels(self) -> None:
        report = self.report
        rows = [] if report is None else [("", report.group.overall)]
        if report is not None:
            rows += list(report.group.by_label.items())
        self.labels.setRowCount(len(rows))
        for row, (label, figures) in enumerate(rows):
            self.labels.setItem(row, 0, _item(label or ALL_LABELS.capitalize()))
            self.labels.setItem(row, 1, _stat_item(figures.alpha))
            self.labels.setItem(row, 2, _stat_item(figures.mean_kappa))
            self.labels.setItem(row, 3, _item(number(figures.exact.f1), align_right=True))
            self.labels.setItem(row, 4, _item(number(figures.overlap.f1), align_right=True))
            self.labels.setItem(row, 5, _stat_item(figures.fleiss_kappa))
            self.labels.setItem(row, 6, _stat_item(figures.alpha_unitizing))
        _fit_rows(self.labels, most=8)

    def _fill_sentiment(self) -> None:
        """One row per pair: the sentiment alpha of the spans both analysts tagged. The table
        shows up to four rows whole (more scroll)."""
        pairs = [] if self.report is None else list(self.report.pairs)
        self.sentiment.setRowCount(len(pairs))
        for row, pair in enumerate(pairs):
            agreement = pair.overall.sentiment
            self.sentiment.setItem(row, 0, _item(f"{pair.first.name} – {pair.second.name}"))
            compared = _item(str(agreement.pairs), align_right=True)
            if agreement.off_scale:
                compared.setToolTip(
                    tooltip_text(f"{agreement.off_scale} of them off the ordinal scale")
                )
            self.sentiment.setItem(row, 1, compared)
            self.sentiment.setItem(row, 2, _stat_item(agreement.nominal))
            self.sentiment.setItem(row, 3, _stat_item(agreement.ordinal))
        _fit_rows(self.sentiment, most=4)

    def show_heatmap(self) -> None:
        """Analysts × analysts, each cell the chosen statistic of that pair, coloured by it."""
        report = self.report
        analysts = [] if report is None else list(report.analysts)
        self.heatmap.clear()
        self.heatmap.setRowCount(len(analysts))
        self.heatmap.setColumnCount(len(analysts))
        names = [analyst.name for analyst in analysts]
        self.heatmap.setHorizontalHeaderLabels(names)
        self.heatmap.setVerticalHeaderLabels(names)
        if report is None:
            return
        statistic: StatisticName = self.statistic.currentData()
        label: str = self.heatmap_label.currentData() or ""
        for row, first in enumerate(analysts):
            for column, second in enumerate(analysts):
                pair = report.pair(first.id, second.id)
                if pair is None:  # the diagonal
                    item = _item("—")
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    item.setBackground(QBrush(NO_VALUE))
                else:
                    figures = pair.by_label[label] if label else pair.overall
                    value = figures.value(statistic)
                    item = _item(number(value))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    item.setBackground(QBrush(heat_colour(value)))
                    item.setForeground(QBrush(QColor("#000000")))
                    item.setToolTip(tooltip_text(_cell_tip(statistic, figures, pair.documents)))
                self.heatmap.setItem(row, column, item)

    # -- out --------------------------------------------------------------------------------

    def csv_text(self) -> str:
        """The report as CSV (names neutralised against formulas); empty without a report."""
        return "" if self.report is None else render(self.report, "csv")

    def copy_csv(self) -> None:
        text = self.csv_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def choose_file_and_save(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, "Save agreement", "agreement.csv", ";;".join(_SAVE_FILTERS.values())
        )
        if path:
            fmt = next((k for k, v in _SAVE_FILTERS.items() if v == chosen), None)
            self.save_to(Path(path), fmt)

    def save_to(self, path: Path, fmt: Format | None = None) -> bool:
        """Write the report (format from `fmt`, else the file's suffix: .json, .txt, else CSV)."""
        if self.report is None:
            return False
        if fmt is None:
            suffix = path.suffix.lower()
            fmt = "json" if suffix == ".json" else "table" if suffix == ".txt" else "csv"
        try:
            save(self.report, path, fmt)
        except AnnotatorError as exc:
            self.summary.setText(str(exc))
            return False
        return True
