"""The append-only change history: every change to annotations, links, documents and labels."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from annotator.core.records import now_iso


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
