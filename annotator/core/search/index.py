"""Keeping the search indexes in step with documents, annotations and links.

Triggers cannot write FTS5 tables under `trusted_schema = OFF` (see schema migration 0005), so
they note each change in `search_queue`; `sync_index` applies the queue in one transaction
before every search. For each changed row, its first queue entry since the last sync says what
the index holds (the values it was indexed with, or nothing for a new row): those tokens are
deleted, then the row as it is now (if it still exists) is indexed again. Words indexes are
updated by SQL alone; bigram indexes (scripts without spaces) get their tokens from
`bigram_text`, and only rows that contain such scripts are read into Python.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from annotator.core.store.schema import SEARCH_SOURCES, SPACELESS_GLOB, bigram_text

if TYPE_CHECKING:
    from annotator.core.store import Store

_SLOTS = ("a", "b", "c")

_FIRST_ENTRIES = """
    SELECT q.row, {slots} FROM search_queue q
    WHERE q.source = ? AND q.has_old = 1
      AND q.seq = (SELECT min(f.seq) FROM search_queue f WHERE f.source = q.source
                   AND f.row = q.row)
"""


def pending(store: Store) -> int:
    """How many changes are waiting to be indexed."""
    return int(store.conn.execute("SELECT count(*) FROM search_queue").fetchone()[0])


def sync_index(store: Store) -> int:
    """Bring every search index up to date; returns the number of queued changes applied.

    Cheap when nothing changed (one indexed lookup). After a large import or merge, the first
    search pays for indexing what came in.
    """
    conn = store.conn
    if conn.execute("SELECT 1 FROM search_queue LIMIT 1").fetchone() is None:
        return 0
    with store.transaction():
        count = int(conn.execute("SELECT count(*) FROM search_queue").fetchone()[0])
        for table, words, bigrams, columns, _unique in SEARCH_SOURCES:
            _apply(conn, table, words, bigrams, columns)
        conn.execute("DELETE FROM search_queue")
    return count


def _apply(
    conn: sqlite3.Connection, table: str, words: str, bigrams: str, columns: tuple[str, ...]
) -> None:
    cols = ", ".join(columns)
    slots = ", ".join(_SLOTS[: len(columns)])
    first = _FIRST_ENTRIES.format(slots=slots)
    # 1. Take out what the indexes hold for every changed row that was indexed.
    conn.execute(
        f"INSERT INTO {words} ({words}, rowid, {cols}) SELECT 'delete', * FROM ({first})",
        [table],
    )
    placeholders = ", ".join("?" * (len(columns) + 1))
    old_tokens = []
    for rowid, *values in conn.execute(first, [table]).fetchall():
        tokens = [bigram_text(v) for v in values]
        if any(tokens):
            old_tokens.append(["delete", rowid, *tokens])
    conn.executemany(
        f"INSERT INTO {bigrams} ({bigrams}, rowid, {cols}) VALUES (?, {placeholders})",
        old_tokens,
    )
    # 2. Index the changed rows as they are now (deleted ones are simply not found).
    changed = f"rowid IN (SELECT row FROM search_queue WHERE source = '{table}')"
    conn.execute(
        f"INSERT INTO {words} (rowid, {cols}) SELECT rowid, {cols} FROM {table} WHERE {changed}"
    )
    spaceless = " OR ".join(f"{c} GLOB ?" for c in columns)
    rows = conn.execute(
        f"SELECT rowid, {cols} FROM {table} WHERE {changed} AND ({spaceless})",
        [SPACELESS_GLOB] * len(columns),
    ).fetchall()
    new_tokens = []
    for rowid, *values in rows:
        tokens = [bigram_text(v) for v in values]
        if any(tokens):
            new_tokens.append([rowid, *tokens])
    conn.executemany(f"INSERT INTO {bigrams} (rowid, {cols}) VALUES ({placeholders})", new_tokens)


def rebuild_index(store: Store) -> None:
    """Rebuild every search index from scratch (a repair; not needed in normal use)."""
    conn = store.conn
    with store.transaction():
        for table, words, bigrams, columns, _unique in SEARCH_SOURCES:
            cols = ", ".join(columns)
            conn.execute(f"INSERT INTO {words} ({words}) VALUES ('rebuild')")
            conn.execute(f"INSERT INTO {bigrams} ({bigrams}) VALUES ('delete-all')")
            spaceless = " OR ".join(f"{c} GLOB ?" for c in columns)
            rows = conn.execute(
                f"SELECT rowid, {cols} FROM {table} WHERE {spaceless}",
                [SPACELESS_GLOB] * len(columns),
            ).fetchall()
            placeholders = ", ".join("?" * (len(columns) + 1))
            conn.executemany(
                f"INSERT INTO {bigrams} (rowid, {cols}) VALUES ({placeholders})",
                [
                    [rowid, *tokens]
                    for rowid, *values in rows
                    if any(tokens := [bigram_text(v) for v in values])
                ],
            )
        conn.execute("DELETE FROM search_queue")
