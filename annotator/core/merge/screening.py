"""Rows of their project that the exporter would drop without a word, or could not write.

Runs on our scratch copy of their file (never on their file), before it is exported: rows that
hold binary data where text belongs are removed, and annotations, links and comments whose
document, label, analyst or annotation is not in their file (the exporter joins them and would
skip them) are listed. Each is returned as a `Refused` entry for the merge report.
"""

from __future__ import annotations

import sqlite3

from annotator.core.merge.report import Refused

#: The tables the exporter reads, with what one of their rows is called in the report.
_TABLES = {
    "documents": "document",
    "analysts": "analyst",
    "labels": "label",
    "annotations": "annotation",
    "links": "link",
    "comments": "comment",
    "review_decisions": "review decision",
}

#: Rows the exporter's joins leave out: (what, SQL giving id, quote and the reason).
_UNEXPORTED = (
    (
        "annotation",
        "SELECT a.id, a.quote, CASE "
        "WHEN d.id IS NULL THEN 'its document is not in the file' "
        "WHEN l.id IS NULL THEN 'its label is not in the file''s codebook' "
        "ELSE 'its analyst is not in the file' END "
        "FROM annotations a LEFT JOIN documents d ON d.id = a.document_id "
        "LEFT JOIN labels l ON l.id = a.label_id "
        "LEFT JOIN analysts an ON an.id = a.analyst_id "
        "WHERE d.id IS NULL OR l.id IS NULL OR an.id IS NULL",
    ),
    (
        "link",
        "SELECT k.id, coalesce(s.quote, ''), CASE "
        "WHEN s.id IS NULL THEN 'the annotation it starts from is not in the file' "
        "ELSE 'its analyst is not in the file' END "
        "FROM links k LEFT JOIN annotations s ON s.id = k.source_id "
        "LEFT JOIN analysts an ON an.id = k.analyst_id "
        "WHERE s.id IS NULL OR an.id IS NULL",
    ),
    (
        "comment",
        "SELECT c.id, c.body, CASE "
        "WHEN a.id IS NULL THEN 'the annotation it is on is not in the file' "
        "ELSE 'its author is not in the file' END "
        "FROM comments c LEFT JOIN annotations a ON a.id = c.annotation_id "
        "LEFT JOIN analysts an ON an.id = c.author_id "
        "WHERE a.id IS NULL OR an.id IS NULL",
    ),
    (
        "review decision",
        "SELECT r.id, '', CASE "
        "WHEN d.id IS NULL THEN 'its document is not in the file' "
        "ELSE 'its reviewer is not in the file' END "
        "FROM review_decisions r LEFT JOIN documents d ON d.id = r.document_id "
        "LEFT JOIN analysts an ON an.id = r.reviewer_id "
        "WHERE d.id IS NULL OR an.id IS NULL",
    ),
)


def screen_copy(conn: sqlite3.Connection) -> list[Refused]:
    """Remove the rows of the copy the exporter cannot write; list them and the rows it would
    leave out. Commits (the exporter reads the committed state).

    Foreign keys are off meanwhile: a removed row takes nothing with it unlisted (what pointed
    to it is listed as pointing to a row the file does not hold)."""
    conn.commit()
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        refused = _remove_binary(conn)
        conn.commit()
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    for what, sql in _UNEXPORTED:
        for ident, quote, reason in conn.execute(sql):
            refused.append(Refused(what, str(ident), str(quote or ""), reason))
    return refused


def _remove_binary(conn: sqlite3.Connection) -> list[Refused]:
    """Rows with a BLOB in any column (the exporter writes text and numbers only)."""
    refused: list[Refused] = []
    for table, what in _TABLES.items():
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        if not columns:
            continue
        blob = " OR ".join(f"typeof(\"{name}\") = 'blob'" for name in columns)
        rows = conn.execute(
            f"SELECT rowid, CASE WHEN typeof(id) = 'text' THEN id ELSE '?' END FROM {table} "
            f"WHERE {blob}"
        ).fetchall()
        for rowid, ident in rows:
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", [rowid])
            refused.append(Refused(what, ident, "", "it holds binary data where text belongs"))
    return refused
