"""Finished marks come over in a merge: a colleague's "I read this document through".

Documents are matched by their text (as annotations are); analysts by name. A mark this project
already has stays as it is (its time too); a mark under the name of the analyst merging is never
taken from their file (only they mark what they finished), nor one of the reviewed layer. Each
mark added is recorded in our history under the analyst merging.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from annotator.core.records import REVIEWED_LAYER_ID, AnalystId, DocumentId
from annotator.core.store import Store, finished


@dataclass(frozen=True)
class IncomingMark:
    text_hash: str
    analyst: str
    finished: str


def read_marks(conn: sqlite3.Connection) -> list[IncomingMark]:
    """Their file's marks, by document text and analyst name (a file without the table, or
    with damaged rows, gives what it can read)."""
    try:
        rows = conn.execute(
            "SELECT d.text_hash, a.name, f.finished FROM finished_documents f "
            "JOIN documents d ON d.id = f.document_id JOIN analysts a ON a.id = f.analyst_id "
            "WHERE a.id != ?",
            [REVIEWED_LAYER_ID],
        ).fetchall()
    except sqlite3.Error:
        return []
    return [
        IncomingMark(h, n, w)
        for h, n, w in rows
        if isinstance(h, str) and isinstance(n, str) and n.strip() and isinstance(w, str)
    ]


def carry(store: Store, marks: list[IncomingMark], *, merger: str) -> int:
    """Add the marks this project lacks (inside the merge's transaction); how many were added."""
    added = 0
    merger_id = store.ensure_analyst(merger).id
    for mark in marks:
        if mark.analyst == merger:
            continue
        row = store.conn.execute(
            "SELECT id FROM documents WHERE text_hash = ?", [mark.text_hash]
        ).fetchone()
        if row is None:
            continue
        analyst = store.ensure_analyst(mark.analyst)
        if analyst.id == REVIEWED_LAYER_ID:
            continue
        if finished.find(store.conn, row[0], analyst.id) is not None:
            continue
        finished.put(
            store,
            finished.FinishedMark(DocumentId(row[0]), AnalystId(analyst.id), mark.finished),
            analyst_id=merger_id,
        )
        added += 1
    return added
