"""What the project remembers of its hub (migration 0011): the address, how far the last sync
got, the version of each row it last saw, and its own changes still to send."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.core.records import now_iso

#: The project's history entities a sync carries.
SYNCED_ENTITIES = (
    "document",
    "label",
    "annotation",
    "link",
    "comment",
    "review_decision",
    "finished",
    "talking_point",
    "talking_point_claim",
)
#: The history action of a version that lost a conflict (kept in history on both sides).
CONFLICT = "sync-conflict"
#: Ids per statement (SQLite's variable limit is far above; this keeps statements short).
CHUNK = 500


@dataclass(frozen=True)
class Remembered:
    url: str
    analyst_id: str | None
    pushed_through: int
    synced_at: str | None
    last_error: str | None


def remembered(conn: sqlite3.Connection) -> Remembered | None:
    row = conn.execute(
        "SELECT url, analyst_id, pushed_through, synced_at, last_error FROM hub_sync"
    ).fetchone()
    return None if row is None else Remembered(*row)


def remember(conn: sqlite3.Connection, url: str, analyst_id: str) -> None:
    conn.execute(
        "INSERT INTO hub_sync (id, url, analyst_id) VALUES (1, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET url = excluded.url, analyst_id = excluded.analyst_id",
        [url, analyst_id],
    )


def finished(conn: sqlite3.Connection, error: str | None = None) -> None:
    if error is None:
        conn.execute("UPDATE hub_sync SET synced_at = ?, last_error = NULL", [now_iso()])
    else:
        conn.execute("UPDATE hub_sync SET last_error = ?", [error])


def last_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(seq) FROM history").fetchone()
    return int(row[0] or 0)


def set_pushed_through(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("UPDATE hub_sync SET pushed_through = max(pushed_through, ?)", [seq])


def pulled(conn: sqlite3.Connection, table: str) -> int:
    row = conn.execute("SELECT row_version FROM hub_pulled WHERE tbl = ?", [table]).fetchone()
    return 0 if row is None else int(row[0])


def set_pulled(conn: sqlite3.Connection, table: str, version: int) -> None:
    conn.execute(
        "INSERT INTO hub_pulled (tbl, row_version) VALUES (?, ?) "
        "ON CONFLICT(tbl) DO UPDATE SET row_version = max(row_version, excluded.row_version)",
        [table, version],
    )


def seen(conn: sqlite3.Connection, table: str, ids: Sequence[str]) -> dict[str, int]:
    """The hub version of each row as the project last saw it."""
    found: dict[str, int] = {}
    for chunk in chunks(ids):
        marks = ", ".join("?" * len(chunk))
        found.update(
            conn.execute(
                f"SELECT id, row_version FROM hub_rows WHERE tbl = ? AND id IN ({marks})",
                [table, *chunk],
            ).fetchall()
        )
    return found


def set_seen(conn: sqlite3.Connection, table: str, versions: Iterable[tuple[str, int]]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO hub_rows (tbl, id, row_version) VALUES (?, ?, ?)",
        [(table, ident, version) for ident, version in versions],
    )


def changed_since(
    conn: sqlite3.Connection, seq: int, entities: Sequence[str] = SYNCED_ENTITIES
) -> dict[str, list[str]]:
    """The ids of each entity the project's history changed after entry `seq` (pulls and
    conflicts excluded), plus those waiting to be sent."""
    marks = ", ".join("?" * len(entities))
    out: dict[str, list[str]] = {e: [] for e in entities}
    seen_ids: set[tuple[str, str]] = set()
    rows = conn.execute(
        f"SELECT entity, entity_id FROM history WHERE seq > ? AND entity IN ({marks}) "
        f"AND action != ? ORDER BY seq",
        [seq, *entities, CONFLICT],
    ).fetchall()
    rows += conn.execute("SELECT entity, entity_id FROM hub_waiting").fetchall()
    for entity, ident in rows:
        if entity in out and (entity, ident) not in seen_ids:
            seen_ids.add((entity, ident))
            out[entity].append(ident)
    return out


def waiting(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return conn.execute("SELECT entity, entity_id, reason FROM hub_waiting").fetchall()


def set_waiting(conn: sqlite3.Connection, entity: str, ids: Iterable[tuple[str, str]]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO hub_waiting (entity, entity_id, reason) VALUES (?, ?, ?)",
        [(entity, ident, reason) for ident, reason in ids],
    )


def clear_waiting(conn: sqlite3.Connection, entity: str, ids: Iterable[str]) -> None:
    conn.executemany(
        "DELETE FROM hub_waiting WHERE entity = ? AND entity_id = ?",
        [(entity, ident) for ident in ids],
    )


def to_send(conn: sqlite3.Connection) -> int:
    """How many own changes wait to be sent (rows changed since the last push, by anyone
    working in this project, and rows the hub could not take yet)."""
    state = remembered(conn)
    since = state.pushed_through if state is not None else 0
    return sum(len(ids) for ids in changed_since(conn, since).values())


def chunks(values: Sequence[str], size: int = CHUNK) -> Iterable[Sequence[str]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
