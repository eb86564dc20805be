"""A table's indexes and triggers set aside while a large load fills it, and put back after.

Loading a million annotations into an empty project (a clone of the team hub) row by row, with
the table's secondary indexes and its triggers in place, spends most of its time keeping them up
(an index insert at a random place per row and index; a search-queue row and an
`analysis_names` recomputation per row). Built once after the load, they cost a fraction.

- `set_aside(conn, table)` drops the secondary indexes of an *empty* table and its triggers of
  the families below, recording each in `deferred_upkeep` (migration 0016) with this process.
- `put_back(conn)` recreates them from Annotator's own schema (a fresh project built in memory
  by the migrations; never from text stored in the file, which a hostile file could plant),
  then does in one go what the triggers would have done row by row:
  `search_<table>_*` queue every row of the table for the search index (which held none of
  them, since the table was empty), `analysis_names_*` recompute `analysis_names` whole.
- `put_back_abandoned(store)`: the process that set them aside is gone (killed in the middle):
  the next opening of the project puts them back, so no later write goes unindexed.

While they are set aside the project stays correct, only slower to query: another window may
read it, and what it writes is indexed by the put-back (which queues and recomputes every row).
Both functions run in the caller's transaction.
"""

from __future__ import annotations

import functools
import importlib
import os
import socket
import sqlite3
from typing import TYPE_CHECKING

from annotator.core.records import now_iso

if TYPE_CHECKING:
    from annotator.core.store.project import Store

#: Tables whose upkeep may be set aside, and the trigger families that may go with them.
TABLES = ("annotations", "links")
_ANALYSIS = "analysis_names_"


def _trigger_families(table: str) -> tuple[str, ...]:
    return (f"search_{table}_", _ANALYSIS)


def set_aside(conn: sqlite3.Connection, table: str) -> bool:
    """Drop `table`'s secondary indexes and known triggers (see the module's docstring) if the
    table is empty; returns whether it did."""
    if table not in TABLES:
        raise ValueError(f"{table}: its upkeep cannot be set aside")
    if conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
        return False
    objects = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
        "AND type IN ('index', 'trigger') ORDER BY type, name",
        [table],
    ).fetchall()
    families = _trigger_families(table)
    chosen = [
        (kind, name)
        for kind, name in objects
        if name in _reference() and (kind == "index" or name.startswith(families))
    ]
    me, host, since = os.getpid(), socket.gethostname(), now_iso()
    for kind, name in chosen:
        conn.execute(
            "INSERT OR REPLACE INTO deferred_upkeep (name, type, tbl, pid, host, since) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [name, kind, table, me, host, since],
        )
        conn.execute(f'DROP {kind.upper()} "{name}"')
    return bool(chosen)


def put_back(conn: sqlite3.Connection) -> bool:
    """Recreate everything set aside and do the work its triggers skipped; returns whether
    anything was set aside."""
    rows = conn.execute("SELECT name, type, tbl FROM deferred_upkeep ORDER BY rowid").fetchall()
    if not rows:
        return False
    reference = _reference()
    present = {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE sql IS NOT NULL")
    }
    for name, _kind, _table in rows:
        sql = reference.get(name)
        if sql is not None and name not in present:
            conn.execute(sql)
    for table in {t for name, kind, t in rows if kind == "trigger" and name.startswith("search_")}:
        if table in TABLES:
            conn.execute(
                "INSERT INTO search_queue (source, row) "
                f"SELECT '{table}', rowid FROM {table} ORDER BY rowid"
            )
    if any(kind == "trigger" and name.startswith(_ANALYSIS) for name, kind, _t in rows):
        _recompute_analysis_names(conn)
    conn.execute("DELETE FROM deferred_upkeep")
    return True


def put_back_abandoned(store: Store, *, mine_too: bool = False) -> bool:
    """Put back what a process that is gone set aside (see the module's docstring); with
    `mine_too`, also what this process set aside and did not put back (a load that failed and
    could not put it back then)."""
    conn = store.conn
    owners = conn.execute("SELECT DISTINCT pid, host FROM deferred_upkeep").fetchall()
    if not owners or any(_alive(pid, host, mine_too=mine_too) for pid, host in owners):
        return False
    with store.transaction():
        return put_back(conn)


def set_aside_now(conn: sqlite3.Connection) -> list[str]:
    """The names set aside in this project, for checks and messages."""
    return [name for (name,) in conn.execute("SELECT name FROM deferred_upkeep ORDER BY name")]


def _alive(pid: int, host: str, *, mine_too: bool = False) -> bool:
    """Whether the process that set things aside may still be loading (on another machine, or
    where its state cannot be asked, only this process counts)."""
    if host != socket.gethostname():
        return True
    if pid == os.getpid():
        return not mine_too
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _recompute_analysis_names(conn: sqlite3.Connection) -> None:
    """`analysis_names` whole: what its triggers compute for one annotation (migration 0015's
    `refresh`), for all at once. The newest link of each claim and kind is found in one pass
    over `links_for_analysis` (the row with the largest created, then id: `max()` over the two
    joined by a character below any in a time) instead of a lookup per claim; the rest is the
    triggers' own expressions (`_flag`)."""
    module = importlib.import_module("annotator.core.store.migrations.0015_analysis_names")
    flag = module._flag
    newest = "temp.upkeep_newest_links"
    conn.execute(f"DROP TABLE IF EXISTS {newest}")
    conn.execute(
        f"CREATE TABLE {newest} (source_id TEXT, kind TEXT, target_id TEXT, name TEXT, "
        "latest TEXT, PRIMARY KEY (source_id, kind)) WITHOUT ROWID"
    )
    conn.execute(
        f"INSERT INTO {newest} SELECT source_id, kind, target_id, name, "
        "max(created || char(1) || id) FROM links GROUP BY source_id, kind"
    )
    spans = "(SELECT id FROM labels WHERE role IN ('speaker', 'target'))"
    conn.execute("DELETE FROM analysis_names")
    conn.execute(
        "INSERT INTO analysis_names "
        "(id, label_id, sentiment, analyst_id, document_id, speaker, target, spaced) "
        "SELECT c.id, c.label_id, c.sentiment, c.analyst_id, c.document_id, "
        "coalesce(ls.name, sp.speaker_name, sp.quote), "
        "coalesce(lt.name, tg.speaker_name, tg.quote), "
        f"{flag('ls', 'sp')} + 2 * {flag('lt', 'tg')} "
        f"FROM (SELECT DISTINCT source_id FROM {newest}) m "
        "CROSS JOIN annotations c ON c.id = m.source_id "
        f"LEFT JOIN {newest} ls ON ls.source_id = m.source_id AND ls.kind = 'said_by' "
        "LEFT JOIN annotations sp ON sp.id = ls.target_id "
        f"AND sp.document_id = c.document_id AND sp.label_id IN {spans} "
        f"LEFT JOIN {newest} lt ON lt.source_id = m.source_id AND lt.kind = 'about' "
        "LEFT JOIN annotations tg ON tg.id = lt.target_id "
        f"AND tg.document_id = c.document_id AND tg.label_id IN {spans}"
    )
    conn.execute(f"DROP TABLE {newest}")


@functools.cache
def _reference() -> dict[str, str]:
    """Name → SQL of every index and trigger of the two tables in Annotator's own schema."""
    from annotator.core.store import migrations

    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("BEGIN")
        migrations.apply(conn)
        conn.execute("COMMIT")
        marks = ", ".join("?" * len(TABLES))
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            f"AND type IN ('index', 'trigger') AND tbl_name IN ({marks})",
            TABLES,
        ).fetchall()
    finally:
        conn.close()
    return {str(name): str(sql) for name, sql in rows}
