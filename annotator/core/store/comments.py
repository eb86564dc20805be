"""Comment threads on annotations: put and remove, each recorded in history (undo replays them).

A thread is the annotation's comments in the order they were written. Comments are removed
explicitly before their annotation (never by the foreign-key cascade), so history and undo keep
them.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from annotator.core.errors import ValidationError
from annotator.core.records import (
    AnalystId,
    AnnotationId,
    Comment,
    CommentId,
    DocumentId,
    new_id,
    now_iso,
)
from annotator.core.store import history

if TYPE_CHECKING:
    from annotator.core.store.project import Store

#: Longest comment accepted (characters): a thread is a discussion, not a document.
MAX_COMMENT_CHARS = 20_000
_COLUMNS = "id, annotation_id, author_id, created, body"


def comment_row(comment: Comment) -> dict[str, Any]:
    return dataclasses.asdict(comment)


class Comments:
    def __init__(self, store: Store) -> None:
        self._store = store

    def thread(self, annotation_id: AnnotationId) -> list[Comment]:
        rows = self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM comments WHERE annotation_id = ? ORDER BY created, rowid",
            [annotation_id],
        ).fetchall()
        return [Comment(*r) for r in rows]

    def counts_for_document(self, document_id: DocumentId) -> dict[AnnotationId, int]:
        """How many comments each annotation of the document has (those with any)."""
        rows = self._store.conn.execute(
            "SELECT c.annotation_id, count(*) FROM comments c "
            "JOIN annotations a ON a.id = c.annotation_id WHERE a.document_id = ? "
            "GROUP BY c.annotation_id",
            [document_id],
        ).fetchall()
        return {AnnotationId(r[0]): int(r[1]) for r in rows}

    def find(self, comment_id: CommentId) -> Comment | None:
        row = self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM comments WHERE id = ?", [comment_id]
        ).fetchone()
        return None if row is None else Comment(*row)

    def get(self, comment_id: CommentId) -> Comment:
        comment = self.find(comment_id)
        if comment is None:
            raise ValidationError(f"There is no comment with id {comment_id}.")
        return comment

    def new(self, annotation_id: AnnotationId, author_id: AnalystId, body: str) -> Comment:
        """A validated, not yet stored comment."""
        self._store.annotations.get(annotation_id)  # it must exist
        return validated(Comment(CommentId(new_id()), annotation_id, author_id, now_iso(), body))

    # -- primitives (inside a transaction) ---------------------------------------------------

    def put(self, comment: Comment, *, analyst_id: AnalystId | None) -> None:
        comment = validated(comment)
        annotation = self._store.annotations.get(comment.annotation_id)
        before = self.find(comment.id)
        with self._store.transaction() as db:
            db.table("comments").upsert(comment_row(comment), pk="id")
            history.record(
                db,
                analyst_id=analyst_id,
                action="create" if before is None else "update",
                entity="comment",
                entity_id=comment.id,
                document_id=annotation.document_id,
                before=None if before is None else comment_row(before),
                after=comment_row(comment),
            )

    def remove(self, comment_id: CommentId, *, analyst_id: AnalystId | None) -> Comment:
        before = self.get(comment_id)
        annotation = self._store.annotations.find(before.annotation_id)
        with self._store.transaction() as db:
            db.execute("DELETE FROM comments WHERE id = ?", [comment_id])
            history.record(
                db,
                analyst_id=analyst_id,
                action="delete",
                entity="comment",
                entity_id=comment_id,
                document_id=None if annotation is None else annotation.document_id,
                before=comment_row(before),
            )
        return before


def validated(comment: Comment) -> Comment:
    body = comment.body.strip()
    if not body:
        raise ValidationError("A comment cannot be empty.")
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError(
            f"A comment can hold at most {MAX_COMMENT_CHARS:,} characters "
            f"(this one has {len(body):,})."
        )
    return dataclasses.replace(comment, body=body)
