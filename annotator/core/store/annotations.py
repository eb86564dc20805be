"""Annotations and links in the store: validated, one transaction each, every change in history."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from annotator.core.errors import ValidationError
from annotator.core.records import (
    LINK_KINDS,
    AnalystId,
    Annotation,
    AnnotationId,
    DocumentId,
    LabelId,
    Link,
    LinkId,
    anchor,
    new_id,
    now_iso,
)
from annotator.core.store import history

if TYPE_CHECKING:
    from annotator.core.store.project import Store

_COLUMNS = (
    'id, document_id, analyst_id, label_id, start, "end", quote, prefix, suffix, '
    "sentiment, speaker_name, note, created, modified"
)
_EDITABLE = frozenset({"label_id", "start", "end", "sentiment", "speaker_name", "note"})


def _row(annotation: Annotation) -> dict[str, Any]:
    return dataclasses.asdict(annotation)


class Annotations:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reading ----------------------------------------------------------------------------

    def get(self, annotation_id: AnnotationId) -> Annotation:
        row = self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM annotations WHERE id = ?", [annotation_id]
        ).fetchone()
        if row is None:
            raise ValidationError(f"There is no annotation with id {annotation_id}.")
        return Annotation(*row)

    def for_document(self, document_id: DocumentId) -> list[Annotation]:
        rows = self._store.conn.execute(
            f'SELECT {_COLUMNS} FROM annotations WHERE document_id = ? ORDER BY start, "end"',
            [document_id],
        ).fetchall()
        return [Annotation(*r) for r in rows]

    def links_for_document(self, document_id: DocumentId) -> list[Link]:
        rows = self._store.conn.execute(
            "SELECT l.id, l.source_id, l.kind, l.target_id, l.name, l.analyst_id, l.created "
            "FROM links l JOIN annotations a ON a.id = l.source_id WHERE a.document_id = ?",
            [document_id],
        ).fetchall()
        return [Link(*r) for r in rows]

    # -- validation -------------------------------------------------------------------------

    def _validated(self, annotation: Annotation) -> Annotation:
        """Check offsets, label and attributes; recompute quote and context from the text."""
        text = self._store.documents.text(annotation.document_id)
        if not 0 <= annotation.start < annotation.end <= len(text):
            raise ValidationError(
                f"The span {annotation.start}–{annotation.end} is outside the document "
                f"(0–{len(text)}) or empty."
            )
        codebook = self._store.codebook.get()
        try:
            label = codebook.by_id(annotation.label_id)
        except KeyError:
            raise ValidationError("That label is not in the project's codebook.") from None
        if annotation.sentiment is not None and annotation.sentiment not in codebook.sentiments:
            allowed = ", ".join(codebook.sentiments)
            raise ValidationError(
                f"Sentiment “{annotation.sentiment}” is not in the codebook ({allowed})."
            )
        if annotation.speaker_name and label.role != "speaker":
            raise ValidationError("Only speaker spans carry a canonical speaker name.")
        quote, prefix, suffix = anchor(text, annotation.start, annotation.end)
        return dataclasses.replace(annotation, quote=quote, prefix=prefix, suffix=suffix)

    # -- changes ----------------------------------------------------------------------------

    def create(
        self,
        *,
        document_id: DocumentId,
        analyst_id: AnalystId,
        label_id: LabelId,
        start: int,
        end: int,
        sentiment: str | None = None,
        speaker_name: str | None = None,
        note: str = "",
        annotation_id: AnnotationId | None = None,
    ) -> Annotation:
        """Tag text[start:end] (code points) with a label; returns the stored annotation."""
        stamp = now_iso()
        annotation = self._validated(
            Annotation(
                id=annotation_id or AnnotationId(new_id()),
                document_id=document_id,
                analyst_id=analyst_id,
                label_id=label_id,
                start=start,
                end=end,
                quote="",
                prefix="",
                suffix="",
                sentiment=sentiment,
                speaker_name=speaker_name or None,
                note=note,
                created=stamp,
                modified=stamp,
            )
        )
        with self._store.transaction() as db:
            db.table("annotations").insert(_row(annotation))
            history.record(
                db,
                analyst_id=analyst_id,
                action="create",
                entity="annotation",
                entity_id=annotation.id,
                document_id=document_id,
                after=_row(annotation),
            )
        return annotation

    def update(
        self, annotation_id: AnnotationId, *, analyst_id: AnalystId, **changes: Any
    ) -> Annotation:
        """Change label, boundaries, sentiment, speaker name or note of one annotation."""
        unknown = set(changes) - _EDITABLE
        if unknown:
            raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} of an annotation.")
        before = self.get(annotation_id)
        after = self._validated(dataclasses.replace(before, **changes, modified=now_iso()))
        with self._store.transaction() as db:
            db.table("annotations").update(annotation_id, _row(after))
            history.record(
                db,
                analyst_id=analyst_id,
                action="update",
                entity="annotation",
                entity_id=annotation_id,
                document_id=before.document_id,
                before=_row(before),
                after=_row(after),
            )
        return after

    def delete(self, annotation_id: AnnotationId, *, analyst_id: AnalystId) -> Annotation:
        """Remove an annotation (and its links); the history keeps what it was."""
        before = self.get(annotation_id)
        with self._store.transaction() as db:
            db.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
            history.record(
                db,
                analyst_id=analyst_id,
                action="delete",
                entity="annotation",
                entity_id=annotation_id,
                document_id=before.document_id,
                before=_row(before),
            )
        return before

    def link(
        self,
        *,
        source_id: AnnotationId,
        kind: str,
        analyst_id: AnalystId,
        target_id: AnnotationId | None = None,
        name: str | None = None,
    ) -> Link:
        """Attribute a claim: `said_by` a speaker, or `about` a target (a span or a typed name)."""
        if kind not in LINK_KINDS:
            raise ValidationError(f"Unknown link kind {kind!r}; use one of {LINK_KINDS}.")
        name = " ".join(name.split()) if name else None
        if (target_id is None) == (name is None):
            raise ValidationError("Link a claim either to a span or to a name, not both.")
        codebook = self._store.codebook.get()
        source = self.get(source_id)
        if codebook.by_id(source.label_id).role != "claim":
            raise ValidationError("Only claims are attributed to speakers and targets.")
        if target_id is not None:
            target = self.get(target_id)
            wanted = "speaker" if kind == "said_by" else "target"
            if target.document_id != source.document_id:
                raise ValidationError("A claim can only be linked to spans of its own document.")
            if codebook.by_id(target.label_id).role != wanted:
                raise ValidationError(f"A “{kind}” link must point to a {wanted} span.")
        link = Link(LinkId(new_id()), source_id, kind, target_id, name, analyst_id, now_iso())
        with self._store.transaction() as db:
            db.table("links").insert(dataclasses.asdict(link))
            history.record(
                db,
                analyst_id=analyst_id,
                action="create",
                entity="link",
                entity_id=link.id,
                document_id=source.document_id,
                after=dataclasses.asdict(link),
            )
        return link

    def unlink(self, link_id: LinkId, *, analyst_id: AnalystId) -> None:
        row = self._store.conn.execute(
            "SELECT id, source_id, kind, target_id, name, analyst_id, created FROM links "
            "WHERE id = ?",
            [link_id],
        ).fetchone()
        if row is None:
            raise ValidationError(f"There is no link with id {link_id}.")
        link = Link(*row)
        with self._store.transaction() as db:
            db.execute("DELETE FROM links WHERE id = ?", [link_id])
            history.record(
                db,
                analyst_id=analyst_id,
                action="delete",
                entity="link",
                entity_id=link_id,
                before=dataclasses.asdict(link),
            )
