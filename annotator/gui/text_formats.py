"""A SegmentStyle (annotator.core.styling) as a Qt character format: one translation for the
screen (highlighter) and the PDF report."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat

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
