"""The append-only change history (every change to annotations, links, documents and labels)
and the undo log (each analyst's steps, replayable)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from annotator.core.records import now_iso
from annotator.core.store.database import Database


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    at: str
    analyst_id: str | None
    action: str
    entity: str
    entity_id: str
    document_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def record(
    db: Database,
    *,
    analyst_id: str | None,
    action: str,
    entity: str,
    entity_id: str,
    document_id: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry; call inside the transaction of the change it describes."""
    db.execute(
        "INSERT INTO history (at, analyst_id, action, entity, entity_id, document_id, before,"
        " after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            now_iso(),
            analyst_id,
            action,
            entity,
            entity_id,
            document_id,
            None if before is None else json.dumps(dict(before), ensure_ascii=False),
            None if after is None else json.dumps(dict(after), ensure_ascii=False),
        ],
    )


def entries(db: Database, *, entity_id: str | None = None) -> list[HistoryEntry]:
    """History in order, for one entity or for the whole project."""
    sql = "SELECT * FROM history"
    params: list[str] = []
    if entity_id is not None:
        sql += " WHERE entity_id = ?"
        params.append(entity_id)
    rows = db.execute(sql + " ORDER BY seq", params).fetchall()
    return [
        HistoryEntry(
            seq=r[0],
            at=r[1],
            analyst_id=r[2],
            action=r[3],
            entity=r[4],
            entity_id=r[5],
            document_id=r[6],
            before=None if r[7] is None else json.loads(r[7]),
            after=None if r[8] is None else json.loads(r[8]),
        )
        for r in rows
    ]


# -- the undo log -----------------------------------------------------------------------------
#
# Each analyst's steps, newest last: a description and the forward and inverse operations as
# JSON (`annotator.core.ops` reads and writes them). Undo takes the newest step not undone; redo
# the oldest undone one. A new step discards the analyst's undone ones.


@dataclass(frozen=True)
class UndoStep:
    seq: int
    description: str
    document_id: str
    forward: list[dict[str, Any]]
    inverse: list[dict[str, Any]]


def next_step(conn: sqlite3.Connection, analyst_id: str, *, undone: bool) -> UndoStep | None:
    """The step undo (undone=False) or redo (undone=True) would replay for this analyst."""
    order = "ASC" if undone else "DESC"
    row = conn.execute(
        "SELECT seq, description, document_id, forward, inverse FROM undo_log "
        f"WHERE analyst_id = ? AND undone = ? ORDER BY seq {order} LIMIT 1",
        [analyst_id, int(undone)],
    ).fetchone()
    if row is None:
        return None
    seq, description, document_id, forward, inverse = row
    return UndoStep(seq, description, document_id, json.loads(forward), json.loads(inverse))


def record_step(
    conn: sqlite3.Connection,
    analyst_id: str,
    *,
    description: str,
    document_id: str,
    forward: list[dict[str, Any]],
    inverse: list[dict[str, Any]],
    keep: int,
) -> None:
    """Append a step (inside the transaction that made it): the analyst's undone steps are
    discarded, and only their `keep` newest steps are kept."""
    conn.execute("DELETE FROM undo_log WHERE analyst_id = ? AND undone = 1", [analyst_id])
    conn.execute(
        "INSERT INTO undo_log (analyst_id, at, description, document_id, forward, inverse) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            analyst_id,
            now_iso(),
            description,
            document_id,
            json.dumps(forward, ensure_ascii=False),
            json.dumps(inverse, ensure_ascii=False),
        ],
    )
    conn.execute(
        "DELETE FROM undo_log WHERE analyst_id = ? AND seq <= "
        "(SELECT seq FROM undo_log WHERE analyst_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
        [analyst_id, analyst_id, keep],
    )


def mark_step(conn: sqlite3.Connection, seq: int, *, undone: bool) -> None:
    """Note that a step was undone (or redone)."""
    conn.execute("UPDATE undo_log SET undone = ? WHERE seq = ?", [int(undone), seq])


def drop_step(conn: sqlite3.Connection, seq: int) -> None:
    """Forget a step that can no longer be replayed."""
    conn.execute("DELETE FROM undo_log WHERE seq = ?", [seq])
