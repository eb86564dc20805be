"""What an export covers: a `Selection` resolved against a project, and its documents walked.

Every format walks the same way: documents ordered by published date (undated last), title and
id; within each, annotations by start, end and id. The CSV tables stream every row in one
query (annotator.core.store.export_table); JSONL and W3C read one document at a time through
the store's indexed queries (annotator.core.store.export_rows). The whole walk runs in one read
transaction, so an export is a consistent snapshot even while a window keeps editing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.selection import Selection, resolve
from annotator.core.store import Store
from annotator.core.store import export_rows as rows
from annotator.core.store.export_rows import (
    AnnotationRow,
    CommentRow,
    DecisionRow,
    DocumentRow,
    LinkRow,
    read_snapshot,
)

#: Called after each document with (documents done, documents in scope); False cancels.
Progress = Callable[[int, int], bool]

#: An export's filter is a Selection (the name exports have always used).
ExportFilter = Selection

#: The default filter: every annotation of every document.
EVERYTHING = ExportFilter()


class ExportCancelled(AnnotatorError):
    """The progress callback asked to stop; the output file was left as it was."""


def one_line(text: str | None) -> str | None:
    """A name on one line: each run of whitespace becomes one space, as the window shows it."""
    return None if text is None else " ".join(text.split())


class Scope:
    """An ExportFilter resolved against one project (unknown names are refused, not ignored)."""

    def __init__(self, store: Store, flt: ExportFilter, *, roles: tuple[str, ...] = ()) -> None:
        self.conn = store.conn
        self.filter = flt
        self.resolved = resolve(store, flt, roles=roles)
        #: Ids of the layers in scope; None when the filter takes every layer.
        layers = self.resolved.layer_ids
        self.layer_ids: frozenset[str] | None = None if layers is None else frozenset(layers)
        #: " AND ..." terms on annotations `a`, with their named parameters.
        self.condition, self.params = self.resolved.where.sql()
        self.documents: list[DocumentRow] = list(self.resolved.documents)

    def walk(self, progress: Progress | None = None) -> Iterator[DocumentRow]:
        """The documents in export order, reporting progress after each one."""
        counter = ProgressCounter(self.documents, progress)
        for document in self.documents:
            yield document
            counter.passed(document.id)

    @property
    def covers_reviewed_layer(self) -> bool:
        """True if the reviewed layer is in scope (so its review decisions go out with it)."""
        return self.layer_ids is None or REVIEWED_LAYER_ID in self.layer_ids

    def annotations(self, document_id: str) -> list[AnnotationRow]:
        """One document's annotations in scope, in reading order."""
        return rows.annotation_rows(self.conn, document_id, self.resolved.where)

    def links(self, document_id: str) -> dict[str, list[LinkRow]]:
        return rows.link_rows(self.conn, document_id)

    def comments(self, document_id: str) -> dict[str, list[CommentRow]]:
        return rows.comment_rows(self.conn, document_id)

    def decisions(self, document_id: str) -> list[DecisionRow]:
        return rows.decision_rows(self.conn, document_id)

    def reviewers(self, document_id: str) -> dict[str, tuple[str, str]]:
        return rows.reviewer_rows(self.conn, document_id)

    def text(self, document_id: str) -> str:
        return rows.document_text(self.conn, document_id)


class ProgressCounter:
    """Progress in documents for a walk in export order: `passed(id)` reports every document
    up to and including that one (documents without rows count as they are passed)."""

    def __init__(self, documents: list[DocumentRow], progress: Progress | None) -> None:
        self.position = {document.id: i for i, document in enumerate(documents, start=1)}
        self.total = len(documents)
        self.done = 0
        self.progress = progress

    def passed(self, document_id: str) -> None:
        """Every document up to and including this one is done."""
        self.advance(self.position[document_id])

    def before(self, document_id: str) -> None:
        """Every document before this one is done."""
        self.advance(self.position[document_id] - 1)

    def advance(self, done: int) -> None:
        while self.done < done:
            self.done += 1
            if self.progress is not None and not self.progress(self.done, self.total):
                raise ExportCancelled("Export cancelled.")

    def finish(self) -> None:
        self.advance(self.total)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: `count` rows (annotations, or claims for the claims table)."""

    path: Path
    format: str
    count: int
    documents: int

    def summary(self) -> str:
        noun = "claim" if self.format == "claims" else "annotation"
        return f"Wrote {self.count} {noun}{'' if self.count == 1 else 's'} to {self.path}"


__all__ = [
    "EVERYTHING",
    "AnnotationRow",
    "CommentRow",
    "DecisionRow",
    "DocumentRow",
    "ExportCancelled",
    "ExportFilter",
    "ExportResult",
    "LinkRow",
    "Progress",
    "ProgressCounter",
    "Scope",
    "one_line",
    "read_snapshot",
]
