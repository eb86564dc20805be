"""GUI fixtures: fresh settings for every test, windows closed and stores released afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from annotator.gui.app import create_window
from annotator.gui.window import settings as app_settings
from annotator.gui.window.main_window import MainWindow


@pytest.fixture(autouse=True)
def clean_settings(qapp: QApplication) -> Iterator[None]:
    app_settings.settings().clear()
    yield
    app_settings.settings().clear()


@pytest.fixture
def open_window(qtbot, db_path: Path) -> Iterator[Callable[..., MainWindow]]:  # type: ignore[no-untyped-def]
    windows: list[MainWindow] = []

    def factory(files: list[Path] | None = None, analyst: str = "Ana") -> MainWindow:
        window = create_window(db_path=db_path, analyst=analyst, files=files or [])
        assert window is not None
        qtbot.addWidget(window)
        qtbot.waitExposed(window)
        window.activateWindow()  # shortcuts only reach the active window, as for a user
        qtbot.waitUntil(window.isActiveWindow)
        windows.append(window)
        return window

    yield factory
    for window in windows:
        window.close()
        window.store.close()
