"""Importing files and folders into a project: read, decode, repair, store; one file at a time.

Each document is its own short transaction, so another window (or the command line) writing to
the project waits for one document at most, never for the whole import. Cancelling takes the
run back: every document this run added is removed again in one transaction, so the project
holds exactly the documents it held before (the history, append-only, records both the import
and the removal). A document someone annotated meanwhile, in another window, is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import AnnotatorError, ImportRefused
from annotator.core.importing import ImportReport, collect_files, read_document
from annotator.core.records import AnalystId, DocumentSummary
from annotator.core.store import Store

#: Called before each file with (index, total, path); returning False cancels the rest.
Progress = Callable[[int, int, Path], bool]


@dataclass
class IngestOutcome:
    added: list[tuple[DocumentSummary, ImportReport]] = field(default_factory=list)
    duplicates: list[tuple[Path, DocumentSummary]] = field(default_factory=list)
    refused: list[ImportRefused] = field(default_factory=list)
    cancelled: bool = False
    #: Documents this run had added before it was cancelled, and took out again.
    taken_back: int = 0
    #: Saving failed (disk full, project locked …): the import stopped there.
    stopped: str = ""

    def summary(self) -> str:
        """Short human-readable result, the same in the CLI and the GUI."""
        lines = [f"Imported {len(self.added)} document(s)."]
        for path, doc in self.duplicates:
            lines.append(f"Already in the project (same text): {path} → “{doc.title}”")
        if self.refused:
            lines.append(f"Not imported ({len(self.refused)}):")
            lines.extend(f"  {err.path}: {err.reason}" for err in self.refused)
        if self.cancelled:
            lines.append(
                f"Cancelled: the {self.taken_back} document(s) imported before you cancelled "
                "were taken out again; the remaining files were not imported."
                if self.taken_back
                else "Cancelled: the remaining files were not imported."
            )
            if self.added and not self.stopped:
                lines.append(
                    f"Kept {len(self.added)} document(s) that were annotated meanwhile "
                    "(in another window)."
                )
        if self.stopped:
            lines.append(
                f"Stopped: {self.stopped} The documents listed as imported above are saved; "
                "the remaining files were not imported."
            )
        return "\n".join(lines)


def import_paths(
    store: Store,
    paths: Sequence[Path],
    *,
    analyst_id: AnalystId | None,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> IngestOutcome:
    """Import files and folders (recursively); bad files are listed, never half-stored.

    `progress` is asked before each file; answering False cancels the import and takes back
    what this run added (see the module's docstring).
    """
    files, refused = collect_files([Path(p) for p in paths])
    outcome = IngestOutcome(refused=list(refused))
    for index, path in enumerate(files):
        if progress is not None and not progress(index, len(files), path):
            outcome.cancelled = True
            break
        try:
            extracted = read_document(path, encoding=encoding)
        except ImportRefused as exc:
            outcome.refused.append(exc)
            continue
        try:
            summary, created = store.documents.add(extracted, analyst_id=analyst_id)
        except AnnotatorError as exc:
            # Each document is its own commit: those before stay, nothing of this one does.
            outcome.stopped = str(exc)
            break
        if created:
            outcome.added.append((summary, extracted.report))
        else:
            outcome.duplicates.append((path, summary))
    if progress is not None and not (outcome.cancelled or outcome.stopped):
        # Asked once more when every file is in: Cancel pressed at the very end still counts.
        outcome.cancelled = not progress(len(files), len(files), Path())
    if outcome.cancelled:
        _take_back(store, outcome, analyst_id)
    return outcome


def _take_back(store: Store, outcome: IngestOutcome, analyst_id: AnalystId | None) -> None:
    """Remove what a cancelled run added, in one transaction; the outcome says what is left."""
    added = [summary.id for summary, _report in outcome.added]
    if not added:
        return
    try:
        removed = set(store.documents.withdraw(added, analyst_id=analyst_id))
    except AnnotatorError as exc:
        outcome.stopped = (
            f"The cancelled import could not be taken back ({exc}); the {len(added)} "
            "document(s) imported before you cancelled stay in the project."
        )
        return
    outcome.taken_back = len(removed)
    outcome.added = [(s, r) for s, r in outcome.added if s.id not in removed]
    # A second file with the same text as a document taken back pointed at it: gone too.
    outcome.duplicates = [(p, s) for p, s in outcome.duplicates if s.id not in removed]
