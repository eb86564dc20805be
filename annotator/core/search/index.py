"""Keeping the search indexes in step with documents, annotations and links.

Triggers cannot write FTS5 tables under `trusted_schema = OFF` (see schema migration 0005), so
they note each change in `search_queue`; `sync_index` applies the queue in one transaction
before every search. For each changed row, its first queue entry since the last sync says what
the index holds (the values it was indexed with, or nothing for a new row): those tokens are
deleted, the row's copy (scripts without spaces split, marks folded: `store.search_copies`) is
written again, and the row as it is now, if it still exists, is indexed through its content
view. Rows that need no copy never leave SQL; the others are read into Python.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from annotator.core.store.search_copies import (
    COPY_GLOB,
    fill_search_copies,
    index_value,
    rebuild_search_indexes,
)
from annotator.core.store.search_tables import SEARCH_SOURCES

if TYPE_CHECKING:
    from annotator.core.store import Store

_SLOTS = ("a", "b", "c")


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
        for table, index, split, content, columns, _unique in SEARCH_SOURCES:
            _apply(conn, table, index, split, content, columns)
        conn.execute("DELETE FROM search_queue")
    return count


def _apply(
    conn: sqlite3.Connection,
    table: str,
    index: str,
    split: str,
    content: str,
    columns: tuple[str, ...],
) -> None:
    cols = ", ".join(columns)
    slots = _SLOTS[: len(columns)]
    copied = " OR ".join(f"coalesce(q.{s}, '') GLOB :glob" for s in slots)
    first = """
        FROM search_queue q
        WHERE q.source = :source AND q.has_old = 1
          AND q.seq = (SELECT min(f.seq) FROM search_queue f
                       WHERE f.source = q.source AND f.row = q.row)
    """
    where = {"source": table, "glob": COPY_GLOB}
    # 1. Take out what the index holds for every changed row that was indexed: the old values
    #    as they were given to it (through their copy where they needed one).
    conn.execute(
        f"INSERT INTO {index} ({index}, rowid, {cols}) "
        f"SELECT 'delete', q.row, {', '.join(f'q.{s}' for s in slots)} {first} "
        f"AND NOT ({copied})",
        where,
    )
    olds = conn.execute(
        f"SELECT q.row, {', '.join(f'q.{s}' for s in slots)} {first} AND ({copied})", where
    ).fetchall()
    conn.executemany(
        f"INSERT INTO {index} ({index}, rowid, {cols}) VALUES ('delete', ?{', ?' * len(slots)})",
        [[row, *(index_value(v) for v in values)] for row, *values in olds],
    )
    # 2. Copies of the changed rows as they are now.
    changed = f"(SELECT row FROM search_queue WHERE source = '{table}')"
    conn.execute(f"DELETE FROM {split} WHERE row IN {changed}")
    fill_search_copies(conn, table, split, columns, f"rowid IN {changed}")
    # 3. Index them (deleted rows are simply not found).
    conn.execute(
        f"INSERT INTO {index} (rowid, {cols}) SELECT row, {cols} FROM {content} "
        f"WHERE row IN {changed}"
    )


def rebuild_index(store: Store) -> None:
    """Rebuild every search index from scratch (a repair; not needed in normal use)."""
    with store.transaction():
        rebuild_search_indexes(store.conn)
