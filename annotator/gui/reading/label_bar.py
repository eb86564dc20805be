"""Label buttons above the reading view, and the label/sentiment key bindings of the view."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from annotator.core.codebook import Codebook, Label
from annotator.gui.reading.plain_text import tooltip_text


def swatch(color: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelBar(QWidget):
    """One button per label ("Claim 1"); clicking tags the selection like the key does."""

    def __init__(self, on_label: Callable[[Label], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelBar")
        self._on_label = on_label
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}

    def set_codebook(self, codebook: Codebook) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = {}
        for label in codebook.labels:
            text = f"{label.name}  {label.shortcut}" if label.shortcut else label.name
            button = QPushButton(swatch(label.color), text, self)
            button.setObjectName(f"labelButton:{label.name}")
            # The view keeps focus (and its selection) when a button is clicked.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(tooltip_text(label.description))
            button.clicked.connect(lambda _checked=False, lb=label: self._on_label(lb))
            self._layout.addWidget(button)
            self.buttons[label.name] = button
        self._layout.addStretch(1)


def _digit_keys(
    digit: str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> list[QKeySequence]:
    """The digit on the main row and on the number pad (Qt reports those as different keys)."""
    key = Qt.Key(ord(digit))
    return [
        QKeySequence(QKeyCombination(modifier, key)),
        QKeySequence(QKeyCombination(modifier | Qt.KeyboardModifier.KeypadModifier, key)),
    ]


def bind_codebook_keys(
    widgets: list[QWidget],
    codebook: Codebook,
    on_label: Callable[[Label], None],
    on_sentiment: Callable[[str], None],
    previous: list[QAction],
    sentiment_panel: QWidget | None = None,
) -> list[QAction]:
    """(Re)bind label keys and Alt+digit sentiment keys on these widgets only (not on text
    fields, where digits are typed). On `sentiment_panel` (the inspector) the Alt+digit keys
    set the sentiment too, from any of its fields: without them, Alt+2 in a text box would
    type a 2 into it."""
    for action in previous:
        for widget in [*widgets, *([sentiment_panel] if sentiment_panel else [])]:
            widget.removeAction(action)
        action.deleteLater()
    owner = widgets[0]
    actions: list[QAction] = []
    for label in codebook.labels:
        if label.shortcut:
            action = QAction(f"Tag as {label.name}", owner)
            action.setShortcuts(_digit_keys(label.shortcut))
            action.triggered.connect(lambda _checked=False, lb=label: on_label(lb))
            actions.append(action)
    for number, value in enumerate(codebook.sentiments[:9], start=1):
        action = QAction(f"Sentiment: {value}", owner)
        action.setShortcuts(_digit_keys(str(number), Qt.KeyboardModifier.AltModifier))
        action.triggered.connect(lambda _checked=False, v=value: on_sentiment(v))
        actions.append(action)
    for action in actions:
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        for widget in widgets:
            widget.addAction(action)
    if sentiment_panel is not None:
        for number, value in enumerate(codebook.sentiments[:9], start=1):
            action = QAction(f"Sentiment: {value}", sentiment_panel)
            action.setShortcuts(_digit_keys(str(number), Qt.KeyboardModifier.AltModifier))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, v=value: on_sentiment(v))
            sentiment_panel.addAction(action)
            actions.append(action)
    return actions
