"""Showing untrusted text (article text, titles, notes) in widgets that could render HTML."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel


def plain_label(text: str = "") -> QLabel:
    """A label that never interprets its text as HTML."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def tooltip_text(text: str) -> str:
    """Tooltips guess rich text from content; escape so `<b>` in an article stays literal."""
    return str(GuiQt.convertFromPlainText(text))
