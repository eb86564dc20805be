"""A matplotlib chart inside the analysis view, and the chart and table exports.

matplotlib and its Qt backend are imported here only when a chart is first drawn (the
analysis view itself is created only when View ▸ Analysis is first used), so the window's
start never loads them. Each drawing gets a new figure from the core (`new_figure`, fonts
that cover CJK and Arabic, light or dark after the application's palette) on a new canvas.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QSizePolicy, QVBoxLayout, QWidget

from annotator.core import analysis
from annotator.core.errors import ValidationError
from annotator.core.export.atomic import atomic_text_file
from annotator.core.export.tables import neutralise
from annotator.gui.reading.plain_text import plain_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Chart files by what the save dialog offers; the suffix decides the format.
CHART_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"
CHART_SUFFIXES = (".png", ".svg", ".pdf")
#: Dots per inch of the figure on screen (its size in inches follows the widget).
SCREEN_DPI = 100


def dark_palette() -> bool:
    """Whether the application paints light text on a dark window."""
    palette = QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


class ChartPane(QWidget):
    """Holds the current chart's canvas; a placeholder line until the first drawing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure: Figure | None = None
        #: Called with matplotlib's mouse event when the chart is clicked.
        self.on_click: Callable[[Any], None] | None = None
        self._canvas: QWidget | None = None
        self._placeholder = plain_label("")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self._placeholder)
        self.setMinimumHeight(200)

    def draw(self, paint: Callable[[Figure], Any]) -> None:
        """Draw a new figure with `paint(figure)` in place of the previous one."""
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # when first drawn

        width = max(self.width(), 400) / SCREEN_DPI
        height = max(self.height(), 250) / SCREEN_DPI
        figure = analysis.new_figure(width, height, dark=dark_palette())
        paint(figure)
        canvas = FigureCanvasQTAgg(figure)
        canvas.setObjectName("analysisCanvas")
        canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if self.on_click is not None:
            canvas.mpl_connect("button_press_event", self.on_click)
        if self._canvas is not None:
            self._layout.removeWidget(self._canvas)
            self._canvas.deleteLater()
        self._placeholder.hide()
        self._layout.addWidget(canvas)
        self._canvas = canvas
        self.figure = figure
        canvas.draw_idle()

    @property
    def canvas(self) -> QWidget | None:
        return self._canvas

    def clear(self, message: str = "") -> None:
        """No chart (nothing counted, or the filter cannot be read): `message` instead."""
        if self._canvas is not None:
            self._layout.removeWidget(self._canvas)
            self._canvas.deleteLater()
            self._canvas = None
        self.figure = None
        self._placeholder.setText(message)
        self._placeholder.show()

    def save(self, path: Path) -> None:
        """The chart as .png, .svg or .pdf (by the suffix), written atomically."""
        if self.figure is None:
            raise ValidationError("There is no chart to export yet.")
        analysis.save_figure(self.figure, path)


def chart_path(path: Path) -> Path:
    """The chosen file, with .png added when it has none of the chart suffixes."""
    return path if path.suffix.lower() in CHART_SUFFIXES else path.with_name(path.name + ".png")


def write_table(path: Path, rows: list[list[str]]) -> None:
    """A table as CSV, as the other CSV exports write it: UTF-8 with a byte-order mark, CRLF,
    every cell that a spreadsheet would read as a formula kept literal; atomic."""
    with atomic_text_file(path, encoding="utf-8-sig") as stream:
        writer = csv.writer(stream)  # the excel dialect: RFC 4180, CRLF
        for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
