"""Asked once on first start: who is annotating (pre-filled from the OS user name)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.preferences import os_user_name


class AnalystDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analystDialog")
        self.setWindowTitle("Welcome to Annotator")
        self.setMinimumWidth(440)
        intro = QLabel(
            "Your name is stored with every annotation you make, so that colleagues "
            "can review each other's work. You can change it later in File ▸ Analyst name…"
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("analystName")
        self.name_edit.setText(os_user_name())
        self.name_edit.selectAll()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        self.name_edit.textChanged.connect(
            lambda text: buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
                bool(text.strip())
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Analyst name:"))
        layout.addWidget(self.name_edit)
        layout.addWidget(buttons)

    def name(self) -> str:
        return " ".join(self.name_edit.text().split())
