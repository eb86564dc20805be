"""Keeping the recurrence index (migration 0014) in step with the project's documents.

A document's text never changes after import, so the index only follows documents coming and
going: `update_index` windows and indexes the documents not indexed yet (or indexed under
another `terms.SCHEME`) and takes out the windows of documents that are gone. Documents are
indexed `BATCH` at a time, each batch one short transaction, so another window or the command
line waits for one batch at most; cancelling between batches keeps what was done.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from annotator.core.recurrences.terms import SCHEME, windows
from annotator.core.store import Store

#: Documents indexed per transaction.
BATCH = 100
#: Called with (documents done, documents to do); returning False stops after that batch.
Progress = Callable[[int, int], bool]
Cancelled = Callable[[], bool]


def stale(store: Store) -> tuple[list[str], list[str]]:
    """(documents to index, documents gone from the project but still indexed)."""
    conn = store.conn
    missing = [
        row[0]
        for row in conn.execute(
            "SELECT d.id FROM documents d LEFT JOIN recurrence_indexed r ON r.document_id = d.id "
            "WHERE r.scheme IS NOT ? ORDER BY d.rowid",
            [SCHEME],
        )
    ]
    gone = [
        row[0]
        for row in conn.execute(
            "SELECT r.document_id FROM recurrence_indexed r "
            "WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = r.document_id)"
        )
    ]
    return missing, gone


def is_current(store: Store) -> bool:
    missing, gone = stale(store)
    return not missing and not gone


def update_index(
    store: Store,
    document_ids: Sequence[str] | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Index `document_ids` (None: every document not indexed yet, and drop those removed).

    Returns how many documents were (re)indexed. Documents already indexed under the current
    scheme are left as they are; ids that are not (or no longer) documents are skipped.
    """
    if document_ids is None:
        todo, gone = stale(store)
    else:
        wanted = list(dict.fromkeys(document_ids))
        indexed = _indexed(store.conn, wanted)
        todo = [d for d in wanted if indexed.get(d) != SCHEME]
        gone = []
    if gone:
        with store.transaction():
            _remove(store.conn, gone)
    done = 0
    for begin in range(0, len(todo), BATCH):
        if cancelled is not None and cancelled():
            break
        batch = todo[begin : begin + BATCH]
        texts = _texts(store.conn, batch)
        cut = {doc_id: windows(text) for doc_id, text in texts.items()}
        with store.transaction():
            conn = store.conn
            _remove(conn, batch)
            last = conn.execute("SELECT coalesce(max(id), 0) FROM recurrence_windows").fetchone()
            conn.executemany(
                'INSERT INTO recurrence_windows (document_id, start, "end", terms) '
                "VALUES (?, ?, ?, ?)",
                [
                    (doc_id, w.start, w.end, " ".join(w.terms))
                    for doc_id, found in cut.items()
                    for w in found
                ],
            )
            # Ids only grow (AUTOINCREMENT): every window above the last one is this batch's.
            conn.execute(
                "INSERT INTO recurrence_terms (rowid, terms) "
                "SELECT id, terms FROM recurrence_windows WHERE id > ?",
                [last[0]],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO recurrence_indexed (document_id, scheme) VALUES (?, ?)",
                [(doc_id, SCHEME) for doc_id in cut],
            )
        done += len(texts)
        if progress is not None and not progress(min(begin + BATCH, len(todo)), len(todo)):
            break
    return done


def _indexed(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for begin in range(0, len(doc_ids), 500):
        part = doc_ids[begin : begin + 500]
        marks = ", ".join("?" * len(part))
        found.update(
            conn.execute(
                "SELECT document_id, scheme FROM recurrence_indexed "
                f"WHERE document_id IN ({marks})",
                part,
            ).fetchall()
        )
    return found


def _texts(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> dict[str, str]:
    marks = ", ".join("?" * len(doc_ids))
    rows = conn.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", list(doc_ids))
    return {doc_id: text for doc_id, text in rows}


def _remove(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> None:
    """Take documents' windows out of the index (with the words it was given) and the tables."""
    for doc_id in doc_ids:
        conn.execute(
            "INSERT INTO recurrence_terms (recurrence_terms, rowid, terms) "
            "SELECT 'delete', id, terms FROM recurrence_windows WHERE document_id = ?",
            [doc_id],
        )
        conn.execute("DELETE FROM recurrence_windows WHERE document_id = ?", [doc_id])
        conn.execute("DELETE FROM recurrence_indexed WHERE document_id = ?", [doc_id])
