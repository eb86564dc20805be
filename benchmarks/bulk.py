"""Bulk inserts for the benchmarks' generated projects: one statement per table, rows as tuples.

Standard library only, so a benchmark can import it without paying for Annotator's imports.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

Row = Sequence[Any]


def insert_document(
    conn: sqlite3.Connection,
    *,
    id: str,
    title: str,
    source: str,
    published: str | None,
    imported_at: str,
    text: str,
) -> dict[str, Any]:
    """Insert one document (its hash and length computed); returns the row without the text."""
    row = {
        "id": id,
        "title": title,
        "source": source,
        "published": published,
        "imported_at": imported_at,
        "text_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "char_count": len(text),
    }
    conn.execute(
        "INSERT INTO documents (id, title, source, published, imported_at, text, text_hash, "
        "char_count) VALUES (:id, :title, :source, :published, :imported_at, :text, "
        ":text_hash, :char_count)",
        {**row, "text": text},
    )
    return row


def insert_annotations(conn: sqlite3.Connection, rows: Iterable[Row]) -> None:
    """(id, document_id, analyst_id, label_id, start, end, quote, prefix, suffix, sentiment,
    speaker_name, note, created, modified) per row."""
    conn.executemany(
        'INSERT INTO annotations (id, document_id, analyst_id, label_id, start, "end", quote, '
        "prefix, suffix, sentiment, speaker_name, note, created, modified) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def insert_links(conn: sqlite3.Connection, rows: Iterable[Row]) -> None:
    """(id, source_id, kind, target_id, name, analyst_id, created) per row."""
    conn.executemany(
        "INSERT INTO links (id, source_id, kind, target_id, name, analyst_id, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def insert_history(conn: sqlite3.Connection, rows: Iterable[Row]) -> None:
    """(at, analyst_id, action, entity, entity_id, document_id, before, after) per row."""
    conn.executemany(
        "INSERT INTO history (at, analyst_id, action, entity, entity_id, document_id, before, "
        "after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
