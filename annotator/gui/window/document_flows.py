"""Flows the window runs on documents: import (files, folders, a QDA project), the import
report, export, and the printable report (PDF or HTML)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from annotator.core.errors import AnnotatorError
from annotator.gui.background import JobProgress, own_store, run_with_progress
from annotator.gui.window import projects
from annotator.gui.window.import_flow import (
    ReportDialog,
    attention_line,
    import_with_progress,
    outcome_needs_attention,
    outcome_text,
)

if TYPE_CHECKING:
    from annotator.core.ingest import IngestOutcome
    from annotator.core.qdpx import QdpxReport
    from annotator.gui.window.main_window import MainWindow


def import_paths(
    window: MainWindow,
    paths: list[Path],
    *,
    encoding: str | None = None,
    open_existing: bool = True,
) -> IngestOutcome | None:
    """Import, refresh the list, open the first new document (else, with `open_existing`,
    the first already there), report what needs attention."""
    try:
        outcome = import_with_progress(
            window, window.store, paths, analyst_id=window.analyst.id, encoding=encoding
        )
    except AnnotatorError as exc:
        window.show_error("Import failed", str(exc))
        return None
    show_import_outcome(window, outcome, open_existing=open_existing)
    return outcome


def show_import_outcome(
    window: MainWindow, outcome: IngestOutcome, *, open_existing: bool = True
) -> None:
    """After an import (files or web addresses): the list refreshed, the first new document
    open (else, with `open_existing`, the first already there), what needs attention."""
    window.reload_documents()
    # The import's own commits (its worker's connection) are not news for F5.
    window.take_own_changes()
    opened = [doc for doc, _report in outcome.added]
    if not opened and open_existing:
        opened = [doc for _p, doc in outcome.duplicates]
    if opened:
        window.open_document(opened[0].id)
    status = outcome.summary().splitlines()[0]
    if not outcome.added and outcome.duplicates:
        status = f"Already in the project: {outcome.duplicates[0][1].title}"
    window.statusBar().showMessage(status, 8000)
    if outcome_needs_attention(outcome):
        window.info_bar.show_message(
            attention_line(outcome), title="Import report", details=outcome_text(outcome)
        )


def import_files_dialog(window: MainWindow) -> None:
    from annotator.core.importing import SUPPORTED_SUFFIXES  # loaded when first needed

    patterns = " ".join(f"*{suffix}" for suffix in sorted(SUPPORTED_SUFFIXES))
    files, _ = QFileDialog.getOpenFileNames(
        window, "Import articles", projects.folder(window), f"Articles ({patterns});;All files (*)"
    )
    if files:
        import_paths(window, [Path(f) for f in files])


def import_folder_dialog(window: MainWindow) -> None:
    folder = QFileDialog.getExistingDirectory(
        window, "Import a folder of articles", projects.folder(window)
    )
    if folder:
        import_paths(window, [Path(folder)])


def import_qda_dialog(window: MainWindow) -> None:
    """File ▸ Import QDA project…: a REFI-QDA .qdpx (NVivo, ATLAS.ti, MAXQDA, QualCoder)."""
    path, _ = QFileDialog.getOpenFileName(
        window,
        "Import a QDA project",
        projects.folder(window),
        "REFI-QDA projects (*.qdpx);;All files (*)",
    )
    if path:
        import_qda_project(window, Path(path))


def import_qda_project(window: MainWindow, path: Path) -> QdpxReport | None:
    """Import `path` in a worker thread (one transaction: Cancel or a refusal stores nothing),
    then show the window afresh and the report of what was and was not taken."""
    project, analyst = window.store.path, window.analyst

    def work(progress: JobProgress) -> QdpxReport:
        from annotator.core.qdpx import import_qdpx
        from annotator.core.search import sync_index

        def step(index: int, total: int, name: str) -> bool:
            text = f"Importing {name} ({index + 1} of {total})" if name else ""
            return progress(index, total, text)

        with own_store(project) as own:
            report = import_qdpx(
                own, path, analyst_id=analyst.id, fallback_analyst=analyst.name, progress=step
            )
            progress(0, 0, "Indexing the new documents for search…")
            sync_index(own)
            return report

    try:
        report = run_with_progress(window, "Importing QDA project", work)
    except AnnotatorError as exc:
        window.show_error("QDA project not imported", str(exc))
        return None
    from annotator.core.qdpx import reread_codebook

    reread_codebook(window.store)  # the import's new labels, committed by the worker
    window.use_store(window.store)  # codebook, documents and the open document afresh
    window.take_own_changes()
    window.statusBar().showMessage(report.summary().splitlines()[0], 10000)
    ReportDialog(f"QDA import — {path.name}", report.summary(), window).show()
    return report


def show_document_report(window: MainWindow) -> None:
    if window.current_document is None:
        return
    document = window.store.documents.get(window.current_document)
    from annotator.core.importing import ImportReport

    text = ImportReport.from_json(document.import_report).summary()
    ReportDialog(f"Import report — {document.title}", text, window).show()


def export_dialog(window: MainWindow) -> None:
    from annotator.gui.dialogs.export_dialog import ExportDialog  # when first used

    dialog = ExportDialog(window.store, window.current_document, window)
    if dialog.exec() and dialog.result_ is not None:
        window.statusBar().showMessage(dialog.result_.summary(), 10000)


def print_report_dialog(window: MainWindow) -> None:
    """The open document with its highlights, legend and list, as PDF or HTML."""
    if window.current_document is None:
        return
    document = window.store.documents.get(window.current_document)
    suggested = str(Path(projects.folder(window)) / f"{document.title[:60]}.pdf")
    path, chosen = QFileDialog.getSaveFileName(
        window, "Printable report", suggested, "PDF (*.pdf);;HTML (*.html)"
    )
    if path:
        write_report(window, Path(path), html="HTML" in chosen or path.endswith(".html"))


def write_report(window: MainWindow, path: Path, *, html: bool) -> None:
    from annotator.core.report import report_content, write_html_report
    from annotator.gui.dialogs.report_pdf import write_pdf_report

    if window.current_document is None:
        return
    document = window.store.documents.get(window.current_document)
    # The report shows what the window shows: the layers hidden from view stay out.
    hidden = window.workspace.hidden_layers
    layers = [a.id for a in window.store.layers() if a.id not in hidden] if hidden else None
    try:
        if html:
            write_html_report(window.store, document, path, layers=layers)
        else:
            write_pdf_report(report_content(window.store, document, layers=layers), path)
    except AnnotatorError as exc:
        window.show_error("Report not written", str(exc))
        return
    window.statusBar().showMessage(f"Wrote the report to {path}", 10000)
