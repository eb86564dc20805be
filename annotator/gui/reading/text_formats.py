"""A SegmentStyle (annotator.core.styling) as a Qt character format: one translation for the
screen (highlighter) and the PDF report. And plain text as a tooltip that wraps.

Qt draws every underline one hairline thick, whatever the font. The format therefore also
carries the style's thickness (UNDERLINE_EM); the reading view draws underlines of that
thickness over Qt's own (`draw_underlines`), where the PDF keeps Qt's.
"""

from __future__ import annotations

import math
import re
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QTextCharFormat,
    QTextFormat,
    QTextLayout,
    QTextLine,
)
from PySide6.QtGui import Qt as GuiQt

from annotator.core.styling import SegmentStyle

#: Format property: the underline's thickness in ems of the font (SegmentStyle.underline_em).
UNDERLINE_EM = int(QTextFormat.Property.UserProperty) + 1
#: The thinnest underline drawn, in pixels (however small the font).
MIN_UNDERLINE_PX = 2.0
#: left, right, baseline of a stretch of underline, in layout coordinates.
Extent = tuple[float, float, float]


def char_format(style: SegmentStyle | None, base: QTextCharFormat | None = None) -> QTextCharFormat:
    fmt = QTextCharFormat() if base is None else QTextCharFormat(base)
    if style is None:
        return fmt
    if style.background is not None:
        fmt.setBackground(QColor(*style.background))
    if style.underline is not None and style.underline_color is not None:
        fmt.setUnderlineStyle(
            QTextCharFormat.UnderlineStyle.SingleUnderline
            if style.underline == "solid"
            else QTextCharFormat.UnderlineStyle.WaveUnderline
        )
        fmt.setUnderlineColor(QColor(style.underline_color))
        if style.underline_em > 0:
            fmt.setProperty(UNDERLINE_EM, style.underline_em)
    return fmt


def underline_px(fmt: QTextCharFormat, metrics: QFontMetricsF) -> float:
    """How thick `draw_underlines` draws this format's underline (0: not at all)."""
    em = fmt.doubleProperty(UNDERLINE_EM)
    if em <= 0 or fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline:
        return 0.0
    return max(MIN_UNDERLINE_PX, em * metrics.height() / 1.17)  # height ≈ 1.17 em


def draw_underlines(
    painter: QPainter,
    layout: QTextLayout,
    origin: QPointF,
    metrics: QFontMetricsF,
    area: QRectF | None = None,
    text: str | None = None,
) -> None:
    """Draw the thick underlines of a laid-out block whose top left is at `origin` (those on
    lines crossing `area` only, when given). `text`: the block's text, when the layout is a
    document's (its own `text()` is empty then).

    In left-to-right text an underline runs between its ends' caret positions; where the block
    holds right-to-left characters, it follows the glyphs of its characters as they are placed,
    so it is right in right-to-left and mixed-direction lines too."""
    bidi = _RIGHT_TO_LEFT.search(layout.text() if text is None else text) is not None
    # The lines to draw on, in layout coordinates.
    low, high = (
        (-math.inf, math.inf)
        if area is None
        else (area.top() - origin.y() - metrics.height(), area.bottom() - origin.y())
    )
    drop = max(metrics.underlinePos(), 1.0)  # from the baseline to the underline's top
    for piece in layout.formats():
        fmt = piece.format
        thickness = underline_px(fmt, metrics)
        if not thickness:
            continue
        colour = fmt.underlineColor()
        wave = fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
        extents = _glyph_extents(layout, piece) if bidi else _line_extents(layout, piece, low, high)
        for left, right, baseline in extents:
            if not low <= baseline <= high + metrics.height():
                continue
            y = origin.y() + baseline
            x1, x2 = origin.x() + left, origin.x() + right
            if wave:
                tile = _wave_tile(colour, thickness, metrics, painter.device().devicePixelRatioF())
                height = tile.height() / tile.devicePixelRatioF()
                period = tile.width() / tile.devicePixelRatioF()
                # Tiles in phase with x = 0: the pieces of one target join up.
                painter.drawTiledPixmap(
                    QRectF(x1, y + drop - 1, x2 - x1, height), tile, QPointF(x1 % period, 0)
                )
            else:
                painter.fillRect(QRectF(x1, y + drop, x2 - x1, thickness), colour)


#: Characters that make a line bidirectional: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan,
#: Mandaic, their presentation forms, right-to-left scripts beyond the BMP, and RLM/RLE/RLO/RLI.
_RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff"
    "\U0001e800-\U0001efff\u200f\u202b\u202e\u2067]"
)


def _line_extents(
    layout: QTextLayout, piece: QTextLayout.FormatRange, low: float, high: float
) -> list[Extent]:
    """(left, right, baseline) on each line a range of left-to-right text covers (those
    between `low` and `high`, in layout coordinates)."""
    start, end = piece.start, piece.start + piece.length
    out = []
    line = layout.lineForTextPosition(start)
    while line.isValid() and line.textStart() < end and line.y() <= high:
        if line.y() + line.height() < low:
            line = layout.lineAt(line.lineNumber() + 1)
            continue
        first = max(start, line.textStart())
        last = min(end, line.textStart() + line.textLength())
        left, right = _caret_x(line, first), _caret_x(line, last)
        if right - left > 0.5:
            out.append((left, right, line.y() + line.ascent()))
        line = layout.lineAt(line.lineNumber() + 1)
    return out


def _caret_x(line: QTextLine, position: int) -> float:
    """x of the caret at `position` (PySide returns it with the position, as a tuple)."""
    found: Any = line.cursorToX(position)
    return float(found[0] if isinstance(found, tuple) else found)


def _glyph_extents(layout: QTextLayout, piece: QTextLayout.FormatRange) -> list[Extent]:
    """(left, right, baseline) of the stretches a range's glyphs cover, however placed.

    A run can hold glyphs of several lines, and glyphs that sit apart on one line (spaces on
    both sides of a word in the other direction): glyphs are joined only where they touch."""
    glyphs = []
    for run in layout.glyphRuns(piece.start, piece.length):
        positions = run.positions()
        advances = run.rawFont().advancesForGlyphIndexes(run.glyphIndexes())
        for point, advance in zip(positions, advances, strict=False):
            glyphs.append((point.y(), point.x(), point.x() + max(advance.x(), 0.0)))
    glyphs.sort()
    out: list[Extent] = []
    for baseline, left, right in glyphs:
        if out and out[-1][2] == baseline and left <= out[-1][1] + 1.0:
            out[-1] = (out[-1][0], max(out[-1][1], right), baseline)
        else:
            out.append((left, right, baseline))
    return [extent for extent in out if extent[1] - extent[0] > 0.5]


_TILES: dict[tuple[int, float, float, float], QPixmap] = {}


def _wave_tile(colour: QColor, thickness: float, metrics: QFontMetricsF, ratio: float) -> QPixmap:
    """One period of a wave `thickness` thick, within the line's descent (drawn once per colour
    and size, then tiled)."""
    key = (colour.rgba(), round(thickness, 2), round(metrics.descent(), 2), ratio)
    tile = _TILES.get(key)
    if tile is not None:
        return tile
    room = metrics.descent() + 1 - max(metrics.underlinePos(), 1.0)
    amplitude = max(0.75, min(thickness * 0.9, (room - thickness) / 2))
    period = max(6, round(thickness * 4.4 * ratio)) / ratio  # whole device pixels: no seams
    height = 2 * amplitude + thickness + 2
    tile = QPixmap(round(period * ratio), math.ceil(height * ratio))
    tile.setDevicePixelRatio(ratio)
    tile.fill(Qt.GlobalColor.transparent)
    centre, half = height / 2, period / 2
    path = QPainterPath(QPointF(-half, centre))
    x, up = -half, False
    while x < period + half:
        bend = centre + (-2 if up else 2) * amplitude  # the curve reaches half way to it
        path.quadTo(QPointF(x + half / 2, bend), QPointF(x + half, centre))
        x, up = x + half, not up
    pen = QPen(colour, thickness)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter = QPainter(tile)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(pen)
    painter.drawPath(path)
    painter.end()
    _TILES[key] = tile
    return tile


def wrapping_tooltip(text: str) -> str:
    """Plain text as a tooltip that wraps: a long title or quote is read on a few lines, not
    as one line running off the screen. Escaped like every tooltip (`<b>` stays literal); runs
    of spaces read as one, line breaks are kept."""
    return str(GuiQt.convertFromPlainText(text, GuiQt.WhiteSpaceMode.WhiteSpaceNormal))
