"""What the window's flows may use of the window: narrow interfaces, not the whole window.

Review mode, the layers menu, the project-file commands (backup, restore, merge, check) and
applying annotations to copies each get the few parts of the main window they act on. The
main window satisfies every one of them (mypy checks it where it hands itself over); none of
these modules imports the main window, so they can be tested and changed on their own.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSplitter, QStatusBar, QWidget

from annotator.core.records import Analyst
from annotator.core.store import Store
from annotator.gui.panels.annotation_table import AnnotationTablePanel
from annotator.gui.panels.document_list import DocumentListPanel
from annotator.gui.panels.inspector import Inspector
from annotator.gui.reading.document_view import DocumentView
from annotator.gui.window.info_bar import InfoBar
from annotator.gui.window.workspace import Workspace


class WindowBase(Protocol):
    """The window as a parent for dialogs, with its project and its status line."""

    @property
    def store(self) -> Store: ...

    def window(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 (Qt's name)

    def refresh(self, *, force: bool = False) -> None:
        """Show what changed in the project (documents, the open text)."""
        ...

    def show_error(self, title: str, message: str) -> None: ...


class LayersHost(Protocol):
    """The View ▸ Layers menu: the project's layers, drawn or hidden in the workspace."""

    @property
    def store(self) -> Store: ...

    def window(self) -> QWidget: ...

    @property
    def workspace(self) -> Workspace: ...


class ReviewHost(WindowBase, Protocol):
    """Review mode: the reading view, the table and the inspector around its own panel."""

    @property
    def workspace(self) -> Workspace: ...

    @property
    def view(self) -> DocumentView: ...

    @property
    def table(self) -> AnnotationTablePanel: ...

    @property
    def inspector(self) -> Inspector: ...

    @property
    def center(self) -> QSplitter: ...

    @property
    def actions_by_id(self) -> dict[str, QAction]: ...

    @property
    def documents(self) -> DocumentListPanel: ...


class ProjectHost(WindowBase, Protocol):
    """The project-file commands: they may close the project and open another in its place."""

    @property
    def analyst(self) -> Analyst: ...

    @property
    def closed(self) -> bool: ...

    @property
    def workspace(self) -> Workspace: ...

    @property
    def inspector(self) -> Inspector: ...

    @property
    def info_bar(self) -> InfoBar: ...

    def use_store(self, store: Store, analyst: Analyst | None = None) -> None: ...
