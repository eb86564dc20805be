"""A non-blocking message bar above the reading view, e.g. "1 repair made while importing"."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from annotator.gui.reading.plain_text import plain_label
from annotator.gui.window.import_flow import ReportDialog


class InfoBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("infoBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#infoBar { background: #fff4ce; border: 1px solid #e0c36a; }")
        self.message = plain_label()
        self.message.setWordWrap(True)
        self.details_button = QPushButton("Show report", self)
        self.details_button.setObjectName("infoBarDetails")
        close = QPushButton("Dismiss", self)
        close.clicked.connect(self.hide)
        self.details_button.clicked.connect(self.show_details)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.details_button)
        layout.addWidget(close)
        self._title = ""
        self._details = ""
        self.dialog: ReportDialog | None = None
        self.hide()

    def show_message(self, message: str, *, title: str = "", details: str = "") -> None:
        self.message.setText(message)
        self._title, self._details = title, details
        self.details_button.setVisible(bool(details))
        self.show()

    def show_details(self) -> None:
        self.dialog = ReportDialog(self._title, self._details, self.window())
        self.dialog.show()
