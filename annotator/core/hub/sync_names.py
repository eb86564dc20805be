"""Names the hub gives a row that this project already gives another row (migration 0017).

Analysts, labels and talking points are unique by name in a project (talking points ignoring
case). A hub row renamed to, or arriving with, a name another row has here would stop the sync
with a UNIQUE error. Instead the row keeps its name here (a new row takes a stand-in name,
"Claim (2)"), the hub's name is *held* (`hub_held_names`), the sync lists it, and the row takes
the hub's name as soon as that name is free here (the other row renamed or removed), at the end
of any later sync (`release`). While held, a push sends the hub's name, never the stand-in; a
row renamed here meanwhile is the analyst's own choice and no longer held.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.hub import sync_state
from annotator.core.records import now_iso

if TYPE_CHECKING:
    from annotator.core.store import Store

_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
#: The history entity of each named table's rows.
_ENTITY = {"analysts": "analyst", "labels": "label", "talking_points": "talking_point"}
_WHAT = {"analysts": "analyst", "labels": "label", "talking_points": "talking point"}


@dataclass(frozen=True)
class Held:
    """The hub calls the project's row `id` of `table` `hub_name`, a name another row has here;
    it is called `name_here` meanwhile."""

    table: str
    id: str
    name_here: str
    hub_name: str

    @property
    def why(self) -> str:
        what = _WHAT.get(self.table, self.table)
        return (
            f"the {what} “{self.name_here}” is called “{self.hub_name}” on the hub, a name this "
            f"project gives another {what}: rename or remove that one here, then sync again"
        )


def fold(table: str, name: str) -> str:
    """The name as the project's uniqueness compares it (talking points: NOCASE, A-Z only)."""
    return name.translate(_ASCII_LOWER) if table == "talking_points" else name


class NameGuard:
    """The names of one named table while a batch of hub rows is written (inside the caller's
    transaction): `fit` says which name a row may take here and holds the hub's when taken."""

    def __init__(self, conn: sqlite3.Connection, table: str) -> None:
        self.conn = conn
        self.table = table
        self._owner: dict[str, str] = {
            fold(table, name): ident
            for ident, name in conn.execute(f"SELECT id, name FROM {table}")
        }

    def fit(self, ident: str, wanted: str, current: str | None) -> str:
        """The name row `ident` (now called `current`; None: new here) takes for the hub's
        `wanted`: that one, or, when another row has it, its current or a stand-in name."""
        owner = self._owner.get(fold(self.table, wanted))
        if owner is None or owner == ident:
            self._take(ident, wanted, current)
            self.conn.execute(
                "DELETE FROM hub_held_names WHERE tbl = ? AND id = ?", [self.table, ident]
            )
            return wanted
        kept = current if current is not None else self._stand_in(wanted)
        self._take(ident, kept, current)
        self.conn.execute(
            "INSERT OR REPLACE INTO hub_held_names (tbl, id, hub_name, kept_name) "
            "VALUES (?, ?, ?, ?)",
            [self.table, ident, wanted, kept],
        )
        return kept

    def forget(self, ident: str, name: str | None) -> None:
        """Row `ident` (called `name`) is removed here."""
        if name is not None and self._owner.get(fold(self.table, name)) == ident:
            del self._owner[fold(self.table, name)]
        self.conn.execute(
            "DELETE FROM hub_held_names WHERE tbl = ? AND id = ?", [self.table, ident]
        )

    def _take(self, ident: str, name: str, current: str | None) -> None:
        if current is not None and self._owner.get(fold(self.table, current)) == ident:
            del self._owner[fold(self.table, current)]
        self._owner[fold(self.table, name)] = ident

    def _stand_in(self, wanted: str) -> str:
        number = 2
        while fold(self.table, f"{wanted} ({number})") in self._owner:
            number += 1
        return f"{wanted} ({number})"


def held_names(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, str]]:
    """Per project id of `table`, (the hub's name, the name kept here) of each held row."""
    rows = conn.execute("SELECT id, hub_name, kept_name FROM hub_held_names WHERE tbl = ?", [table])
    return {ident: (hub_name, kept) for ident, hub_name, kept in rows}


def drop_held(conn: sqlite3.Connection, table: str, ident: str) -> None:
    conn.execute("DELETE FROM hub_held_names WHERE tbl = ? AND id = ?", [table, ident])


def release(conn: sqlite3.Connection) -> list[Held]:
    """Give held rows the hub's name where it is free now (inside the caller's transaction,
    each rename with its history entry); the rows still held, for the sync's report."""
    still: list[Held] = []
    held = conn.execute(
        "SELECT tbl, id, hub_name, kept_name FROM hub_held_names ORDER BY tbl, hub_name"
    ).fetchall()
    for table, ident, hub_name, kept in held:
        before = _row(conn, table, ident)
        if before is None or before["name"] != kept:
            drop_held(conn, table, ident)  # removed, or renamed here meanwhile
            continue
        nocase = " COLLATE NOCASE" if table == "talking_points" else ""
        taken = conn.execute(
            f"SELECT 1 FROM {table} WHERE name = ?{nocase} AND id != ?", [hub_name, ident]
        ).fetchone()
        if taken is not None:
            still.append(Held(table, ident, kept, hub_name))
            continue
        conn.execute(f"UPDATE {table} SET name = ? WHERE id = ?", [hub_name, ident])
        drop_held(conn, table, ident)
        conn.execute(
            "INSERT INTO history (at, analyst_id, action, entity, entity_id, document_id, "
            "before, after) VALUES (?, NULL, 'update', ?, ?, NULL, ?, ?)",
            [
                now_iso(),
                _ENTITY[table],
                ident,
                _ENCODER.encode(before),
                _ENCODER.encode({**before, "name": hub_name}),
            ],
        )
    return still


def release_held(store: Store) -> list[Held]:
    """`release` in its own transaction; what it renamed is no change of this project's own
    to send (unless own changes were waiting already)."""
    with store.transaction():
        state = sync_state.remembered(store.conn)
        before = sync_state.last_seq(store.conn)
        still = release(store.conn)
        if state is not None and before == state.pushed_through:
            sync_state.set_pushed_through(store.conn, sync_state.last_seq(store.conn))
    return still


def _row(conn: sqlite3.Connection, table: str, ident: str) -> dict[str, Any] | None:
    cursor = conn.execute(f"SELECT * FROM {table} WHERE id = ?", [ident])
    values = cursor.fetchone()
    if values is None:
        return None
    return dict(zip([d[0] for d in cursor.description], values, strict=True))
