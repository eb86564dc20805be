"""Carrying the analyst's annotations from a document to its syndicated copies, from the window:
in a worker thread behind a progress dialog, then the report (what each copy lacked)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError
from annotator.core.records import DocumentId
from annotator.gui.background import JobProgress, own_store, run_with_progress
from annotator.gui.window.import_flow import ReportDialog

if TYPE_CHECKING:
    from annotator.core.copies import ApplyReport
    from annotator.gui.window.hosts import ProjectHost


def apply_to_copies(window: ProjectHost, doc_id: str) -> None:
    """The analyst's own annotations of `doc_id` onto every other document of its group."""
    from annotator.core.copies import apply_to_copies as apply  # loaded when first used

    window.inspector.commit_pending()
    project, analyst = window.store.path, window.analyst.name

    def work(progress: JobProgress) -> ApplyReport:
        progress(0, 0, "Carrying annotations to the copies…")
        with own_store(project) as own:
            return apply(own, DocumentId(doc_id), analyst=analyst, layers=[analyst])

    try:
        report = run_with_progress(window.window(), "Applying annotations to copies", work)
    except AnnotatorError as exc:
        window.show_error("Nothing was applied", str(exc))
        return
    window.refresh(force=True)  # the copies' new annotations in the list and, if open, the text
    ReportDialog("Annotations applied to copies", report.summary(), window.window()).show()
