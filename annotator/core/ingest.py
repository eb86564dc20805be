"""Importing files and folders into a project: read, decode, repair, store; one file at a time.

Each document is its own short transaction, so another window (or the command line) writing to
the project waits for one document at most, never for the whole import. Cancelling takes the
run back: every document this run added is removed again in one transaction, so the project
holds exactly the documents it held before (the history, append-only, records both the import
and the removal). A document someone annotated meanwhile, in another window, is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from annotator.core.copies import noted_at_import
from annotator.core.errors import AnnotatorError, ImportRefused
from annotator.core.importing import (
    ImportReport,
    ReadOptions,
    collect_files,
    read_document,
)
from annotator.core.importing.names import one_line, readable
from annotator.core.importing.source import Source
from annotator.core.records import AnalystId, DocumentId, DocumentSummary
from annotator.core.store import Store

#: Called before each source with (index, total, its short name; "" at the end); returning
#: False cancels the rest.
Progress = Callable[[int, int, str], bool]


@dataclass
class IngestOutcome:
    added: list[tuple[DocumentSummary, ImportReport]] = field(default_factory=list)
    duplicates: list[tuple[str, DocumentSummary]] = field(default_factory=list)
    refused: list[ImportRefused] = field(default_factory=list)
    cancelled: bool = False
    #: Documents this run had added before it was cancelled, and took out again.
    taken_back: int = 0
    #: Saving failed (disk full, project locked …): the import stopped there.
    stopped: str = ""
    #: The title of the earlier article each added syndicated copy was linked to.
    copy_of: dict[DocumentId, str] = field(default_factory=dict)

    def summary(self) -> str:
        """Short human-readable result, the same in the CLI and the GUI. Titles, paths and
        reasons come from outside: each line is made safe to print (`names.one_line`)."""
        lines = [f"Imported {len(self.added)} document(s)."]
        for summary, _report in self.added:
            if summary.id in self.copy_of:
                lines.append(
                    f"Syndicated copy: “{summary.title}” re-publishes “{self.copy_of[summary.id]}”"
                    " (linked; its annotations can be carried over)."
                )
        for path, doc in self.duplicates:
            lines.append(f"Already in the project: {path} → “{doc.title}”")
        if self.refused:
            lines.append(f"Not imported ({len(self.refused)}):")
            lines.extend(f"  {err.where}: {err.reason}" for err in self.refused)
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
        return "\n".join(one_line(line) for line in lines)


def file_sources(
    paths: Sequence[Path], options: ReadOptions
) -> tuple[list[Source], list[ImportRefused]]:
    """The files to import from `paths` (folders walked), and those refused already.

    A feed file named explicitly (.xml, .rss, .atom) stands for the articles it lists, each
    fetched from the web when its turn comes; inside folders such files are skipped (a
    folder of articles never starts fetching).
    """
    feed_suffixes = (".xml", ".rss", ".atom")
    given = [Path(p) for p in paths]
    feeds = [p for p in given if p.suffix.lower() in feed_suffixes and not p.is_dir()]
    files, refused = collect_files([p for p in given if p not in feeds])
    sources = [
        Source(
            readable(str(path)), readable(path.name), partial(read_document, path, options=options)
        )
        for path in files
    ]
    refused = list(refused)
    if feeds:
        from annotator.core.fetching.sources import feed_file_sources  # loads feedparser

        for feed in feeds:
            items, left_out = feed_file_sources(feed, options=options)
            sources += items
            refused += left_out
    return sources, refused


def import_paths(
    store: Store,
    paths: Sequence[Path],
    *,
    analyst_id: AnalystId | None,
    encoding: str | None = None,
    options: ReadOptions | None = None,
    progress: Progress | None = None,
) -> IngestOutcome:
    """Import files and folders (recursively); bad files are listed, never half-stored.

    `progress` is asked before each file; answering False cancels the import and takes back
    what this run added (see the module's docstring).
    """
    sources, refused = file_sources(paths, options or ReadOptions(encoding=encoding))
    return import_sources(store, sources, analyst_id=analyst_id, progress=progress, refused=refused)


def import_sources(
    store: Store,
    sources: Sequence[Source],
    *,
    analyst_id: AnalystId | None,
    progress: Progress | None = None,
    refused: Sequence[ImportRefused] = (),
) -> IngestOutcome:
    """Import `sources` one at a time, each its own transaction; see `import_paths`."""
    outcome = IngestOutcome(refused=list(refused))
    for index, source in enumerate(sources):
        if progress is not None and not progress(index, len(sources), source.name):
            outcome.cancelled = True
            break
        try:
            extracted = source.read()
        except ImportRefused as exc:
            outcome.refused.append(exc)
            continue
        except Exception as exc:  # a file no reader expected: refused, the others go on
            outcome.refused.append(_unexpected(source, "could not be read", exc))
            continue
        try:
            summary, created = store.documents.add(extracted, analyst_id=analyst_id)
        except UnicodeError as exc:  # a name or text SQLite cannot take: this file only
            outcome.refused.append(_unexpected(source, "could not be stored", exc))
            continue
        except AnnotatorError as exc:
            # Each document is its own commit: those before stay, nothing of this one does.
            outcome.stopped = str(exc)
            break
        if created:
            # Syndicated copies of earlier articles are linked (never fails the import).
            summary = noted_at_import(store, summary, extracted.report, analyst_id=analyst_id)
            if summary.copy_of is not None:
                outcome.copy_of[summary.id] = store.documents.summary(summary.copy_of).title
            outcome.added.append((summary, extracted.report))
        else:
            outcome.duplicates.append((source.label, summary))
    if progress is not None and not (outcome.cancelled or outcome.stopped):
        # Asked once more when every file is in: Cancel pressed at the very end still counts.
        outcome.cancelled = not progress(len(sources), len(sources), "")
    if outcome.cancelled:
        _take_back(store, outcome, analyst_id)
    elif outcome.added:
        _index_recurrences(store, outcome)
    return outcome


def _index_recurrences(store: Store, outcome: IngestOutcome) -> None:
    """Index what came in for "find this claim elsewhere" (never fails the import: the
    index catches up before the next search)."""
    from annotator.core.recurrences import update_index

    with suppress(AnnotatorError):
        update_index(store, [summary.id for summary, _report in outcome.added])


def _unexpected(source: Source, what: str, exc: Exception) -> ImportRefused:
    return ImportRefused(source.label, f"the file {what} ({type(exc).__name__}: {exc})")


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
