"""Importing files and folders into a project: read, decode, repair, store; one file at a time."""

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
            lines.append("Cancelled: the remaining files were not imported.")
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
    """Import files and folders (recursively); bad files are listed, never half-stored."""
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
        progress(len(files), len(files), Path())
    return outcome
