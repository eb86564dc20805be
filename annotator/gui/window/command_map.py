"""The window's command map: every action (menu entry, shortcut, the text's context menu)
and what it runs.

The actions themselves — text, shortcuts, menu, scope — are listed in `actions.ACTIONS`; this
module binds each id to its handler and builds the QActions and menus from that list.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QWidget

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.records import DocumentId
from annotator.core.store.finished import finished_by
from annotator.gui.reading.plain_text import plain_message
from annotator.gui.window import document_flows, project_safety, projects
from annotator.gui.window.actions import ACTIONS

if TYPE_CHECKING:
    from annotator.gui.window.main_window import MainWindow

Handlers = dict[str, Callable[[], object]]


def command_handlers(window: MainWindow) -> Handlers:
    """What each action id runs in `window`."""
    return {
        "new_project": lambda: projects.new_project_dialog(window),
        "open_project": lambda: projects.open_project_dialog(window),
        "import_files": lambda: document_flows.import_files_dialog(window),
        "import_folder": lambda: document_flows.import_folder_dialog(window),
        "import_web": lambda: import_web(window),
        "import_qda": lambda: document_flows.import_qda_dialog(window),
        "import_report": lambda: document_flows.show_document_report(window),
        "export": lambda: document_flows.export_dialog(window),
        "print_report": lambda: document_flows.print_report_dialog(window),
        "analyst": window.change_analyst,
        "merge": lambda: project_safety.merge_dialog(window),
        "sync": lambda: window.sync.sync_now(),
        "backup": lambda: project_safety.back_up_now(window),
        "restore": lambda: project_safety.restore_dialog(window),
        "check": lambda: project_safety.check(window),
        "quit": window.close,
        "undo": window.workspace.undo,
        "redo": window.workspace.redo,
        "delete": window.workspace.delete,
        "deselect": lambda: window.workspace.select(None),
        "start_left": lambda: window.workspace.move_boundary("start", -1),
        "start_right": lambda: window.workspace.move_boundary("start", 1),
        "end_left": lambda: window.workspace.move_boundary("end", -1),
        "end_right": lambda: window.workspace.move_boundary("end", 1),
        "clear_sentiment": lambda: window.workspace.set_sentiment(None),
        "codebook": window.edit_codebook,
        "mark_done": lambda: toggle_done(window),
        "tag_occurrences": lambda: tag_occurrences(window),
        "talking_points": lambda: show_talking_points(window),
        "find": window.find_bar.open_bar,
        "find_next": lambda: window.find_bar.step(1),
        "find_previous": lambda: window.find_bar.step(-1),
        "next_annotation": lambda: window.workspace.step(1),
        "previous_annotation": lambda: window.workspace.step(-1),
        "next_document": lambda: window.step_document(1),
        "previous_document": lambda: window.step_document(-1),
        "zoom_in": lambda: window.zoom(1),
        "zoom_out": lambda: window.zoom(-1),
        "zoom_reset": lambda: window.zoom(0),
        "snap": window.toggle_snap,
        "colour_by_layer": window.toggle_colour_by_layer,
        "analysis": lambda: show_analysis(window),
        "review": window.review.toggle,
        "next_disagreement": lambda: window.review.step(1),
        "previous_disagreement": lambda: window.review.step(-1),
        "keep_first": lambda: window.review.decide("first"),
        "keep_second": lambda: window.review.decide("second"),
        "keep_both": lambda: window.review.decide("both"),
        "reject": lambda: window.review.decide("reject"),
        "keep_edit": lambda: window.review.decide("edit"),
        "accept_agreed": window.review.accept_agreed,
        "both_done": window.review.filter_documents,
        "agreement": lambda: show_agreement(window),
        "search": window.focus_search,
        "refresh": lambda: window.refresh(force=True),
        "shortcuts": lambda: show_shortcuts(window),
        "about": lambda: show_about(window),
    }


def build_actions(
    window: QMainWindow, handlers: Handlers, annotation_widgets: list[QWidget]
) -> tuple[dict[str, QAction], dict[str, QMenu]]:
    """One QAction per entry of `ACTIONS`, in the window's menu bar, by id and by menu title.

    Keys that act on the selected annotation ("view" scope) work from the widgets given (the
    text and the table); the others from anywhere in the window.
    """
    actions: dict[str, QAction] = {}
    menus: dict[str, QMenu] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, window)
        action.setObjectName(f"action:{spec.id}")
        action.setShortcuts([QKeySequence(k) for k in spec.shortcuts])
        action.setCheckable(spec.checkable)
        action.triggered.connect(handlers[spec.id])
        if spec.scope == "view":
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            for widget in annotation_widgets:
                widget.addAction(action)
        else:
            window.addAction(action)
        if spec.menu:
            if spec.menu not in menus:
                menus[spec.menu] = window.menuBar().addMenu(spec.menu)
            menus[spec.menu].addAction(action)
        actions[spec.id] = action
    return actions, menus


def import_web(window: MainWindow) -> None:
    from annotator.gui.dialogs.web_import import import_from_web  # loads the fetching code

    import_from_web(window)


def context_menu(window: MainWindow, point: QPoint) -> None:
    """Tag, sentiment and delete on top of the view's own Copy / Select All."""
    menu = QMenu(window.view)
    codebook = window.store.codebook.get()
    for label in codebook.labels:
        text = f"Tag as {label.name}" + (f"\t{label.shortcut}" if label.shortcut else "")
        action = menu.addAction(text)
        action.triggered.connect(partial(window.workspace.apply_label, label))
    if window.workspace.active is not None:
        sentiment = menu.addMenu("Sentiment")
        for value in (*codebook.sentiments, None):
            action = sentiment.addAction(value or "None")
            action.triggered.connect(partial(window.workspace.set_sentiment, value))
        menu.addAction(window.actions_by_id["delete"])
    menu.addSeparator()
    standard = window.view.createStandardContextMenu(point)
    for action in standard.actions():
        menu.addAction(action)
    menu.exec(window.view.viewport().mapToGlobal(point))
    standard.deleteLater()


def tag_occurrences(window: MainWindow) -> None:
    from annotator.gui.dialogs.tag_occurrences import open_tag_occurrences

    open_tag_occurrences(window)


def show_talking_points(window: MainWindow) -> None:
    from annotator.gui.panels.talking_points_panel import show_talking_points as show

    show(window)


def toggle_done(window: MainWindow) -> None:
    """Mark the open document done by the analyst, or not done if it is: one undoable step."""
    if window.current_document is None:
        window.statusBar().showMessage("Open a document to mark it done.", 5000)
        return
    doc_id = DocumentId(window.current_document)
    session = window.workspace.session
    done = session.analyst.id not in finished_by(window.store.conn, [doc_id]).get(doc_id, {})
    try:
        change = session.mark_finished(doc_id, done=done)
    except AnnotatorError as exc:
        plain_message(window, "Not saved", str(exc))
        return
    window.workspace.apply_change(change)
    window.statusBar().showMessage(f"Saved: {change.description}", 5000)


def refresh_done(window: MainWindow, doc_id: str | None = None) -> None:
    """The document list's finished marks: all of them, or one document's after a change."""
    names = {analyst.id: analyst.name for analyst in window.store.layers()}
    marks = finished_by(window.store.conn, None if doc_id is None else [doc_id])
    named = {d: {names.get(a, a): when for a, when in m.items()} for d, m in marks.items()}
    model = window.documents.model
    if doc_id is None:
        model.set_finished(named, window.workspace.session.analyst.name)
    else:
        model.set_finished_for(DocumentId(doc_id), named.get(DocumentId(doc_id), {}))


def show_agreement(window: MainWindow) -> None:
    from annotator.gui.dialogs.agreement_dialog import AgreementDialog

    AgreementDialog(window.store, document_id=window.current_document, parent=window).exec()


def show_shortcuts(window: MainWindow) -> None:
    from annotator.gui.window.shortcut_sheet import ShortcutSheet  # when first used

    ShortcutSheet(window.store.codebook.get(), window).show()


def show_about(window: MainWindow) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "About Annotator",
        f"Annotator {__version__}\nProject: {window.store.path}",
        parent=window,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.open()


def show_analysis(window: MainWindow) -> None:
    """View ▸ Analysis: the analysis dock, made on first use (matplotlib loads then)."""
    from annotator.gui.panels.analysis_view import AnalysisView

    dock = window.findChild(AnalysisView, "analysisView")
    if dock is None:
        dock = AnalysisView(window, window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        # Room for a chart while the text above stays readable (a dozen lines and the
        # table): under half the window; the dock can be resized or floated.
        window.resizeDocks([dock], [window.height() * 9 // 20], Qt.Orientation.Vertical)
    dock.show()
    dock.raise_()
    dock.query.setFocus(Qt.FocusReason.ShortcutFocusReason)


def show_recurrences(window: MainWindow, claim_id: str) -> None:
    """The inspector's "Find this claim elsewhere": the recurrences dock, looking."""
    from annotator.gui.panels.recurrences_panel import show_recurrences as recurrences_dock
    from annotator.gui.panels.talking_points_panel import follow_recurrences

    follow_recurrences(window, recurrences_dock(window, claim_id), claim_id)
