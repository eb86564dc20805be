"""Shared constants and helpers for the tests (importable from every test layer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
SAMPLE = SAMPLES / "global-times-2022-04-26-wei-fenghe-kazakhstan.txt"


def find_top_level(kind: type[Any], name: str | None = None) -> Any:
    """The visible top-level widget of this type (dialogs opened by the code under test)."""
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if (
            isinstance(widget, kind)
            and widget.isVisible()
            and (name is None or widget.objectName() == name)
        ):
            return widget
    return None


def find_active_dialog(kind: type[Any]) -> Any:
    """The dialog of this type once it has the keyboard, as a user types into it: keys sent
    to a dialog that is shown but not yet active go through the shortcut map of the window
    that still has focus (its Escape shortcut takes them), and the dialog waits forever."""
    dialog = find_top_level(kind)
    return dialog if dialog is not None and dialog.isActiveWindow() else None
