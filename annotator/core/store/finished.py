"""Finished documents: an analyst's mark that they read a document through (migration 0010).

A mark is stored per (document, analyst) with the time it was set. A document finished with no
annotation means "read, nothing here" to agreement; one not finished and not annotated is not
coded. Setting and removing a mark are recorded in the append-only history (entity
"finished", entity id "DOCUMENT/ANALYST"), and the session's undo replays them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.errors import ValidationError
from annotator.core.records import AnalystId, DocumentId
from annotator.core.store import history

if TYPE_CHECKING:
    from annotator.core.store.project import Store

ENTITY = "finished"


@dataclass(frozen=True)
class FinishedMark:
    """`analyst_id` marked `document_id` done at `finished` (ISO 8601, UTC)."""

    document_id: DocumentId
    analyst_id: AnalystId
    finished: str


def mark_row(mark: FinishedMark) -> dict[str, Any]:
    return asdict(mark)


def mark_of(row: dict[str, Any]) -> FinishedMark:
    return FinishedMark(
        DocumentId(row["document_id"]), AnalystId(row["analyst_id"]), str(row["finished"])
    )


def entity_id(document_id: str, analyst_id: str) -> str:
    return f"{document_id}/{analyst_id}"


def find(conn: sqlite3.Connection, document_id: str, analyst_id: str) -> FinishedMark | None:
    row = conn.execute(
        "SELECT document_id, analyst_id, finished FROM finished_documents "
        "WHERE document_id = ? AND analyst_id = ?",
        [document_id, analyst_id],
    ).fetchone()
    return None if row is None else FinishedMark(DocumentId(row[0]), AnalystId(row[1]), row[2])


def finished_by(
    conn: sqlite3.Connection, document_ids: Sequence[str] | None = None
) -> dict[DocumentId, dict[AnalystId, str]]:
    """Per document, who finished it and when (None: every document), in one query."""
    sql = "SELECT document_id, analyst_id, finished FROM finished_documents"
    params: list[str] = []
    if document_ids is not None:
        sql += " WHERE document_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(document_ids)))
    marks: dict[DocumentId, dict[AnalystId, str]] = {}
    for document_id, analyst_id, when in conn.execute(sql + " ORDER BY finished", params):
        marks.setdefault(DocumentId(document_id), {})[AnalystId(analyst_id)] = when
    return marks


def put(store: Store, mark: FinishedMark, *, analyst_id: AnalystId | None) -> None:
    """Store the mark (replacing one of the same document and analyst), with its history."""
    known = "SELECT 1 FROM documents WHERE id = ?"
    if store.conn.execute(known, [mark.document_id]).fetchone() is None:
        raise ValidationError(f"There is no document with id {mark.document_id}.")
    before = find(store.conn, mark.document_id, mark.analyst_id)
    with store.transaction() as db:
        db.execute(
            "INSERT INTO finished_documents (document_id, analyst_id, finished) "
            "VALUES (?, ?, ?) ON CONFLICT (document_id, analyst_id) "
            "DO UPDATE SET finished = excluded.finished",
            [mark.document_id, mark.analyst_id, mark.finished],
        )
        history.record(
            db,
            analyst_id=analyst_id,
            action="create" if before is None else "update",
            entity=ENTITY,
            entity_id=entity_id(mark.document_id, mark.analyst_id),
            document_id=mark.document_id,
            before=None if before is None else mark_row(before),
            after=mark_row(mark),
        )


def remove(
    store: Store, document_id: DocumentId, marked_by: AnalystId, *, analyst_id: AnalystId | None
) -> FinishedMark | None:
    """Take the mark away (with its history); the mark that was there, or None."""
    before = find(store.conn, document_id, marked_by)
    if before is None:
        return None
    with store.transaction() as db:
        db.execute(
            "DELETE FROM finished_documents WHERE document_id = ? AND analyst_id = ?",
            [document_id, marked_by],
        )
        history.record(
            db,
            analyst_id=analyst_id,
            action="delete",
            entity=ENTITY,
            entity_id=entity_id(document_id, marked_by),
            document_id=document_id,
            before=mark_row(before),
        )
    return before
