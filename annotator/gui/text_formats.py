"""A SegmentStyle (annotator.core.styling) as a Qt character format: one translation for the
screen (highlighter) and the PDF report. And plain text as a tooltip that wraps."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtGui import Qt as GuiQt

from annotator.core.styling import SegmentStyle


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
    return fmt


def wrapping_tooltip(text: str) -> str:
    """Plain text as a tooltip that wraps: a long title or quote is read on a few lines, not
    as one line running off the screen. Escaped like every tooltip (`<b>` stays literal); runs
    of spaces read as one, line breaks are kept."""
    return str(GuiQt.convertFromPlainText(text, GuiQt.WhiteSpaceMode.WhiteSpaceNormal))
