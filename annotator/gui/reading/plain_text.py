"""Showing untrusted text (article text, titles, notes) in widgets that could render HTML."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain_label(text: str = "") -> QLabel:
    """A label that never interprets its text as HTML."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def tooltip_text(text: str) -> str:
    """Tooltips guess rich text from content; escape so `<b>` in an article stays literal."""
    return str(GuiQt.convertFromPlainText(text))


def plain_message(
    parent: QWidget | None, title: str, text: str, *, warning: bool = True
) -> QMessageBox:
    """A message box (shown, not waited for) whose text is never interpreted as HTML:
    messages quote file names, titles and paths."""
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
    box = QMessageBox(icon, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.open()
    return box
