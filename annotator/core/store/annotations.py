"""Annotations and links in the store: validated, recorded in history, replayable by undo.

Every change is one of four primitives: put or remove an annotation, put or remove a link.
`put` writes a whole row (insert or replace), which makes each change's inverse another put
or remove: that is what the undo log stores (see annotator.core.session).
"""

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
    from annotator.core.codebook import Codebook
    from annotator.core.store.project import Store

_COLUMNS = (
    'id, document_id, analyst_id, label_id, start, "end", quote, prefix, suffix, '
    "sentiment, speaker_name, note, created, modified"
)
_LINK_COLUMNS = "id, source_id, kind, target_id, name, analyst_id, created"
EDITABLE = frozenset({"label_id", "start", "end", "sentiment", "speaker_name", "note"})


def row_of(record: Annotation | Link) -> dict[str, Any]:
    return dataclasses.asdict(record)


def checked(annotation: Annotation, *, text: str, codebook: Codebook) -> Annotation:
    """`annotation` checked against its document's text and the codebook (offsets, label,
    sentiment, speaker name), with quote and context re-read from the text.

    What `Annotations.validated` does, for callers that hold the text and the codebook
    already (a bulk import checks thousands of annotations of one text)."""
    if not 0 <= annotation.start < annotation.end <= len(text):
        raise ValidationError(
            f"The span {annotation.start}–{annotation.end} is outside the document "
            f"(0–{len(text)}) or empty."
        )
    try:
        label = codebook.by_id(annotation.label_id)
    except KeyError:
        raise ValidationError("That label is not in the project's codebook.") from None
    if annotation.sentiment is not None and annotation.sentiment not in codebook.sentiments:
        allowed = ", ".join(codebook.sentiments)
        raise ValidationError(
            f"Sentiment “{annotation.sentiment}” is not in the codebook ({allowed})."
        )
    speaker_name = " ".join(annotation.speaker_name.split()) if annotation.speaker_name else None
    if speaker_name and label.role != "speaker":
        raise ValidationError("Only speaker spans carry a canonical speaker name.")
    quote, prefix, suffix = anchor(text, annotation.start, annotation.end)
    return dataclasses.replace(
        annotation, quote=quote, prefix=prefix, suffix=suffix, speaker_name=speaker_name
    )


class Annotations:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reading ----------------------------------------------------------------------------

    def find(self, annotation_id: AnnotationId) -> Annotation | None:
        row = self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM annotations WHERE id = ?", [annotation_id]
        ).fetchone()
        return None if row is None else Annotation(*row)

    def get(self, annotation_id: AnnotationId) -> Annotation:
        annotation = self.find(annotation_id)
        if annotation is None:
            raise ValidationError(f"There is no annotation with id {annotation_id}.")
        return annotation

    def for_document(
        self, document_id: DocumentId, *, overlapping: tuple[int, int] | None = None
    ) -> list[Annotation]:
        """The document's annotations in reading order; optionally only those overlapping a
        range of code points (the first screen of a long document, shown before the rest)."""
        sql = f"SELECT {_COLUMNS} FROM annotations WHERE document_id = ?"
        params: list[object] = [document_id]
        if overlapping is not None:
            sql += ' AND start < ? AND "end" > ?'
            params += [overlapping[1], overlapping[0]]
        rows = self._store.conn.execute(sql + ' ORDER BY start, "end"', params).fetchall()
        return [Annotation(*r) for r in rows]

    def starting_from(self, document_id: DocumentId, start: int) -> list[Annotation]:
        """The document's annotations that start at `start` or later, in no particular order:
        the rest of a long document after its first screen (`for_document(overlapping=(0,
        start))` read that), for a caller that orders them itself. No sort in SQL."""
        rows = self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM annotations WHERE document_id = ? AND start >= ?",
            [document_id, start],
        ).fetchall()
        return [Annotation(*r) for r in rows]

    def links_for_document(self, document_id: DocumentId) -> list[Link]:
        rows = self._store.conn.execute(
            f"SELECT {', '.join('l.' + c for c in _LINK_COLUMNS.split(', '))} "
            "FROM links l JOIN annotations a ON a.id = l.source_id WHERE a.document_id = ?",
            [document_id],
        ).fetchall()
        return [Link(*r) for r in rows]

    def links_touching(self, annotation_id: AnnotationId) -> list[Link]:
        """Links from or to this annotation (removed with it by the foreign-key cascade)."""
        rows = self._store.conn.execute(
            f"SELECT {_LINK_COLUMNS} FROM links WHERE source_id = ? OR target_id = ?",
            [annotation_id, annotation_id],
        ).fetchall()
        return [Link(*r) for r in rows]

    def find_link(self, link_id: LinkId) -> Link | None:
        row = self._store.conn.execute(
            f"SELECT {_LINK_COLUMNS} FROM links WHERE id = ?", [link_id]
        ).fetchone()
        return None if row is None else Link(*row)

    def get_link(self, link_id: LinkId) -> Link:
        link = self.find_link(link_id)
        if link is None:
            raise ValidationError(f"There is no link with id {link_id}.")
        return link

    def speaker_names(self) -> list[str]:
        """Canonical names used anywhere in the project (speaker spans and typed link names)."""
        rows = self._store.conn.execute(
            "SELECT speaker_name FROM annotations WHERE speaker_name IS NOT NULL "
            "UNION SELECT name FROM links WHERE name IS NOT NULL ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def name_in_use(self, name: str) -> bool:
        """Whether any speaker span or typed link name in the project holds `name` (one
        lookup in each name index)."""
        row = self._store.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM annotations WHERE speaker_name = ?) "
            "OR EXISTS (SELECT 1 FROM links WHERE name = ?)",
            [name, name],
        ).fetchone()
        return bool(row[0])

    # -- building validated records ---------------------------------------------------------

    def validated(self, annotation: Annotation) -> Annotation:
        """Check offsets, label and attributes; recompute quote and context from the text."""
        text = self._store.documents.text(annotation.document_id)
        return checked(annotation, text=text, codebook=self._store.codebook.get())

    def new(
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
    ) -> Annotation:
        """A validated, not yet stored annotation of text[start:end] (code points)."""
        stamp = now_iso()
        return self.validated(
            Annotation(
                id=AnnotationId(new_id()),
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

    def changed(self, annotation_id: AnnotationId, **changes: Any) -> tuple[Annotation, Annotation]:
        """(before, after) for a change of label, boundaries, sentiment, name or note."""
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} of an annotation.")
        before = self.get(annotation_id)
        after = self.validated(dataclasses.replace(before, **changes, modified=now_iso()))
        return before, after

    def new_link(
        self,
        *,
        source_id: AnnotationId,
        kind: str,
        analyst_id: AnalystId,
        target_id: AnnotationId | None = None,
        name: str | None = None,
    ) -> Link:
        """A validated link: a claim `said_by` a speaker or `about` a target (span or name)."""
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
        return Link(LinkId(new_id()), source_id, kind, target_id, name, analyst_id, now_iso())

    # -- the four primitives (call inside a transaction) ------------------------------------

    def put(self, annotation: Annotation, *, analyst_id: AnalystId | None) -> None:
        """Insert or replace the whole row, validated, with its history entry."""
        annotation = self.validated(annotation)
        before = self.find(annotation.id)
        with self._store.transaction() as db:
            db.table("annotations").upsert(row_of(annotation), pk="id")
            history.record(
                db,
                analyst_id=analyst_id,
                action="create" if before is None else "update",
                entity="annotation",
                entity_id=annotation.id,
                document_id=annotation.document_id,
                before=None if before is None else row_of(before),
                after=row_of(annotation),
            )

    def remove(self, annotation_id: AnnotationId, *, analyst_id: AnalystId | None) -> Annotation:
        """Delete an annotation; history keeps what it was.

        Its links must have been removed first (each with its own history entry): the foreign-key
        cascade would drop them without a trace.
        """
        before = self.get(annotation_id)
        if self.links_touching(annotation_id):
            raise ValidationError(
                f"“{before.quote[:40]}” is linked to other annotations; remove those links first."
            )
        if self._store.comments.thread(annotation_id):
            raise ValidationError(
                f"“{before.quote[:40]}” has comments since; they would be lost with it."
            )
        with self._store.transaction() as db:
            db.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
            history.record(
                db,
                analyst_id=analyst_id,
                action="delete",
                entity="annotation",
                entity_id=annotation_id,
                document_id=before.document_id,
                before=row_of(before),
            )
        return before

    def put_link(self, link: Link, *, analyst_id: AnalystId | None) -> None:
        with self._store.transaction() as db:
            db.table("links").upsert(row_of(link), pk="id")
            history.record(
                db,
                analyst_id=analyst_id,
                action="create",
                entity="link",
                entity_id=link.id,
                after=row_of(link),
            )

    def remove_link(self, link_id: LinkId, *, analyst_id: AnalystId | None) -> Link:
        link = self.get_link(link_id)
        with self._store.transaction() as db:
            db.execute("DELETE FROM links WHERE id = ?", [link_id])
            history.record(
                db,
                analyst_id=analyst_id,
                action="delete",
                entity="link",
                entity_id=link_id,
                before=row_of(link),
            )
        return link
