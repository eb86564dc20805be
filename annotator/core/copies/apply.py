"""Carrying a document's annotations (and their links) to the other documents of its group.

The same path as `annotator import-annotations FILE --onto COPY`: the document's annotations
are exported to Annotator JSON Lines (a temporary file, no text), read back, and imported onto
each copy, where they are re-anchored by quote and context; whatever cannot be placed (a
trimmed paragraph, a reworded sentence) is listed by its quote. One transaction per copy.

On a copy an annotation gets an id of its own, derived from the copy's id and the original
annotation's id (and so for links and their targets): applying again finds it there and adds
nothing twice; an annotation edited on the source since is updated on the copy, as an import
updates a later-modified annotation. Comments and review decisions stay with the source.

Not undoable: imports are not steps of the undo log (`core/session.py`) either; the history
records every annotation and link added.
"""

from __future__ import annotations

import dataclasses
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.copies.found import group_of
from annotator.core.errors import ValidationError
from annotator.core.export.jsonl import write_jsonl
from annotator.core.export.scope import ExportFilter, Scope, read_snapshot
from annotator.core.interchange import (
    InterchangeReport,
    ParsedAnnotation,
    ParsedDocument,
    ParsedFile,
    import_annotations,
    read_annotation_file,
)
from annotator.core.interchange.report import shorten
from annotator.core.records import DocumentId, DocumentSummary
from annotator.core.store import Store

#: Namespace of the ids annotations and links get on a copy (uuid5 of copy id and old id).
_COPY_IDS = uuid.UUID("6f1c3d0e-5a27-4c55-9d1b-3e0f7f2b8a41")


@dataclass(frozen=True)
class CopyApplied:
    """What became of the source's annotations on one copy."""

    document: DocumentSummary
    report: InterchangeReport


@dataclass
class ApplyReport:
    source: DocumentSummary
    annotations: int = 0  # annotations of the source carried (in the layers asked for)
    copies: list[CopyApplied] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(c.report.added for c in self.copies)

    @property
    def complete(self) -> bool:
        """Every annotation and link is on every copy."""
        return all(c.report.orphans == [] and c.report.skipped_links == [] for c in self.copies)

    def summary(self) -> str:
        if not self.annotations:
            return f"“{self.source.title}” has no annotations to apply to its copies."
        lines = [
            f"Annotations of “{self.source.title}” ({self.annotations}) applied to "
            f"{len(self.copies)} cop{'y' if len(self.copies) == 1 else 'ies'}."
        ]
        for applied in self.copies:
            r = applied.report
            lines.append(
                f"“{applied.document.title}”: {r.added} added, {r.updated} updated, "
                f"{r.unchanged} already there; links: {r.links_added} added, "
                f"{r.links_unchanged} already there."
            )
            if r.reanchored:
                lines.append(f"  Re-anchored in its text: {len(r.reanchored)}.")
            if r.orphans:
                lines.append(f"  Not in this copy ({len(r.orphans)}):")
                lines.extend(f"    “{shorten(o.quote)}”: {o.reason}" for o in r.orphans)
            if r.skipped_links:
                lines.append(f"  Links not carried ({len(r.skipped_links)}):")
                lines.extend(
                    f"    {s.kind} of “{shorten(s.claim)}”: {s.reason}" for s in r.skipped_links
                )
        return "\n".join(lines)


def apply_to_copies(
    store: Store,
    source_doc: DocumentId,
    *,
    analyst: str,
    layers: Sequence[str] | None = None,
) -> ApplyReport:
    """Put the annotations of `source_doc` onto every other document of its group of copies.

    `analyst` is who does it (history records them; annotations keep their own analysts);
    `layers` limits it to these layers (analysts' names, or "reviewed"), None to all.
    Raises ValidationError if the document has no copies.
    """
    source = store.documents.summary(source_doc)
    group = group_of(store, source_doc)
    if group is None:
        raise ValidationError(f"“{source.title}” has no syndicated copies in this project.")
    report = ApplyReport(source)
    with tempfile.TemporaryDirectory(prefix="annotator-copies-") as scratch:
        path = Path(scratch) / "annotations.jsonl"
        with read_snapshot(store.conn):
            scope = Scope(store, ExportFilter(documents=(source_doc,), layers=tuple(layers or ())))
            with path.open("w", encoding="utf-8", newline="\n") as out:
                count, _documents = write_jsonl(scope, out, include_text=False)
        if count == 0:
            return report  # nothing to carry (in these layers)
        parsed = read_annotation_file(path)
    (document,) = parsed.documents
    report.annotations = len(document.annotations)
    for target in group.documents:
        if target.id == source_doc:
            continue
        text_hash = store.conn.execute(
            "SELECT text_hash FROM documents WHERE id = ?", [target.id]
        ).fetchone()[0]
        onto = ParsedFile(parsed.path, parsed.format, (_for_copy(document, target.id, text_hash),))
        imported = import_annotations(store, onto, analyst_fallback=analyst, onto=target.id)
        report.copies.append(CopyApplied(target, imported))
    return report


def copy_id(copy: DocumentId, original_id: str) -> str:
    """The id an annotation or link `original_id` gets on the document `copy`."""
    return str(uuid.uuid5(_COPY_IDS, f"{copy}/{original_id}"))


def _for_copy(document: ParsedDocument, copy: DocumentId, text_hash: str) -> ParsedDocument:
    """The file's document as the copy's: its text hash (so it lands there), ids of its own,
    no review decisions."""

    def moved(annotation: ParsedAnnotation) -> ParsedAnnotation:
        links = tuple(
            dataclasses.replace(
                link,
                id=copy_id(copy, link.id),
                target_id=None if link.target_id is None else copy_id(copy, link.target_id),
            )
            for link in annotation.links
        )
        return dataclasses.replace(annotation, id=copy_id(copy, annotation.id), links=links)

    return dataclasses.replace(
        document,
        id=copy,
        text_sha256=text_hash,
        annotations=tuple(moved(a) for a in document.annotations),
        decisions=(),
    )
