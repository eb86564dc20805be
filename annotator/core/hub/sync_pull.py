"""Bringing everyone's changes from the hub into the project, in batches.

The hub's rows are read in one snapshot (REPEATABLE READ), table by table in the order rows
refer to each other (analysts, labels, documents, annotations, links, comments, decisions),
each table in the order of its rows' versions. Each batch is one project transaction that
also moves that table's cursor (`hub_pulled`), so a pull killed at any point resumes after
the last batch it committed, and a row arriving twice is written once (rows are keyed by id).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.hub import sync_state
from annotator.core.hub.sync_apply import Applier, Conflict
from annotator.core.hub.sync_push import hub_select
from annotator.core.hub.sync_rows import TABLES, Ids, Row, Table, writes_layer
from annotator.core.store import deferred_upkeep

if TYPE_CHECKING:
    import psycopg

    from annotator.core.store import Store

#: Rows per project transaction.
BATCH = 5000
#: A table loaded with its upkeep set aside takes this many batches per transaction (fewer
#: commits; a transaction still holds a few seconds' work, so a kill loses little).
LOAD_BATCHES = 4

#: SQLite's page cache while pulling (KiB, as `PRAGMA cache_size` takes it negated): a clone
#: inserts rows at random places of the tables' indexes, and with the default 2 MB cache most
#: of those pages are read and written again for every batch. Given back when the pull ends.
PULL_CACHE_KIB = 256 * 1024
#: Pages the write-ahead log may hold before SQLite copies them into the file, while pulling
#: (default 1,000; 32,768 pages of 4 KiB are 128 MiB): batches that touch the same index pages
#: again are copied into the file once, not each time.
PULL_CHECKPOINT_PAGES = 32 * 1024

#: Bytes of the project file read through a memory map while pulling (rebuilding indexes and
#: `analysis_names` after a clone reads the tables at random places: without the map, each
#: page is a system call).
PULL_MMAP_BYTES = 1 << 30

Progress = Callable[[str], bool]


@dataclass
class Pulled:
    received: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    tables: set[str] = field(default_factory=set)  # the tables that brought changes


def pull(
    reader: psycopg.Connection,
    writer: psycopg.Connection,
    store: Store,
    ids: Ids,
    *,
    me: str,
    reviewer: bool,
    tables: Sequence[Table] = TABLES,
    progress: Progress,
) -> Pulled:
    """Pull `tables` (reader: its own connection, for the snapshot; writer: for the hub's
    history of conflicts)."""
    from psycopg import IsolationLevel

    out = Pulled()
    reader.isolation_level = IsolationLevel.REPEATABLE_READ
    reader.read_only = True
    deferred_upkeep.put_back_abandoned(store, mine_too=True)
    with _pull_settings(store.conn), _upkeep_put_back(store), reader.transaction():
        for table in tables:
            applier = Applier(store.conn, table, ids)  # one per table: it knows a clone
            size = BATCH
            while True:
                after = sync_state.pulled(store.conn, table.name)
                select = (
                    hub_select(table, applier.load_columns())
                    if applier.summarised
                    else hub_select(table)
                )
                cursor = reader.execute(
                    select + " WHERE row_version > %s ORDER BY row_version LIMIT %s",
                    [after, size],
                )
                names = [d.name for d in cursor.description or ()]
                found = cursor.fetchall()
                if not found:
                    break
                last = len(found) < size
                if len(found) == BATCH and not applier.summarised:
                    applier.summarised = _set_aside(store, table)
                    if applier.summarised:
                        size = BATCH * LOAD_BATCHES
                if applier.summarised:
                    changed = _load(store, applier, names, found, me, reviewer)
                    out.received += changed
                else:
                    rows = [dict(zip(names, r, strict=True)) for r in found]
                    changed = _apply(writer, store, applier, rows, me, reviewer, out)
                if changed:
                    out.tables.add(table.name)
                if not progress(f"Received {out.received} changes"):
                    return out
                if last:
                    break
    return out


@contextlib.contextmanager
def _pull_settings(conn: sqlite3.Connection) -> Iterator[None]:
    """While pulling, as they were after: the project's page cache at least `PULL_CACHE_KIB`,
    reads through a memory map (`PULL_MMAP_BYTES`), a longer write-ahead log, and
    `synchronous = NORMAL`. NORMAL leaves a commit durable if
    the program is killed; a power cut may take back the last batches, and with them the
    cursor that says they were received (one transaction), so the next sync fetches them again."""
    before = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    if before > 0:  # in pages rather than KiB
        size = before * int(conn.execute("PRAGMA page_size").fetchone()[0]) // 1024
    else:
        size = -before
    if size < PULL_CACHE_KIB:
        conn.execute(f"PRAGMA cache_size = {-PULL_CACHE_KIB}")
    checkpoint = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    if 0 < checkpoint < PULL_CHECKPOINT_PAGES:
        conn.execute(f"PRAGMA wal_autocheckpoint = {PULL_CHECKPOINT_PAGES}")
    synchronous = int(conn.execute("PRAGMA synchronous").fetchone()[0])
    conn.execute("PRAGMA synchronous = NORMAL")
    mapped = int(conn.execute("PRAGMA mmap_size").fetchone()[0])
    conn.execute(f"PRAGMA mmap_size = {max(mapped, PULL_MMAP_BYTES)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA mmap_size = {mapped}")
        conn.execute(f"PRAGMA cache_size = {before}")
        conn.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")
        conn.execute(f"PRAGMA synchronous = {synchronous}")


def _set_aside(store: Store, table: Table) -> bool:
    """A table that is empty here and gets more than one batch is loaded with its indexes and
    triggers set aside (`deferred_upkeep`); they are put back when the pull ends."""
    if table.name not in deferred_upkeep.TABLES:
        return False
    with store.transaction():
        return deferred_upkeep.set_aside(store.conn, table.name)


@contextlib.contextmanager
def _upkeep_put_back(store: Store) -> Iterator[None]:
    """Whatever the pull set aside is put back when it ends, stopped or failed too."""
    try:
        yield
    finally:
        if deferred_upkeep.set_aside_now(store.conn):
            with store.transaction():
                deferred_upkeep.put_back(store.conn)


def _load(
    store: Store,
    applier: Applier,
    names: Sequence[str],
    found: Sequence[tuple[Any, ...]],
    me: str,
    reviewer: bool,
) -> int:
    """Write one batch into a table whose upkeep is set aside (`Applier.load`); returns how
    many rows it added."""
    conn = store.conn
    table = applier.table
    with store.transaction():
        state = sync_state.remembered(conn)
        assert state is not None
        before = sync_state.last_seq(conn)
        loaded = applier.load(names, found)
        owners = {owner for _ident, _version, owner in loaded}
        own = {
            o
            for o in owners
            if writes_layer(table, {table.layer or "": o}, me=me, reviewer=reviewer)
        }
        sync_state.set_seen(conn, table.name, ((i, v) for i, v, owner in loaded if owner in own))
        at = names.index("row_version")
        sync_state.set_pulled(conn, table.name, max(int(r[at]) for r in found))
        if before == state.pushed_through:
            sync_state.set_pushed_through(conn, sync_state.last_seq(conn))
    return len(loaded)


def _apply(
    writer: psycopg.Connection,
    store: Store,
    applier: Applier,
    rows: list[Row],
    me: str,
    reviewer: bool,
    out: Pulled,
) -> int:
    """Write one batch; returns how many rows of the project it changed."""
    conn = store.conn
    table = applier.table
    before_count = applier.changed
    with store.transaction():
        state = sync_state.remembered(conn)
        assert state is not None
        before = sync_state.last_seq(conn)
        pending = set(
            sync_state.changed_since(conn, state.pushed_through, (table.entity,))[table.entity]
        )
        conflicts = applier.apply(rows, pending=pending)
        sync_state.set_seen(
            conn,
            table.name,
            (
                (r["id"], int(r["row_version"]))
                for r in rows
                if writes_layer(table, r, me=me, reviewer=reviewer)
            ),
        )
        sync_state.set_pulled(conn, table.name, max(int(r["row_version"]) for r in rows))
        if before == state.pushed_through:
            # Nothing of our own waits to be sent: what this pull wrote is not ours to send.
            sync_state.set_pushed_through(conn, sync_state.last_seq(conn))
        if conflicts:
            _record_on_hub(writer, conflicts)
    out.conflicts += conflicts
    changed = applier.changed - before_count
    out.received += changed
    return changed


def _record_on_hub(writer: psycopg.Connection, conflicts: list[Conflict]) -> None:
    """The versions that lost, in the hub's history (before the project's commit: killed in
    between, the next sync records them again rather than never)."""
    from psycopg.types.json import Jsonb

    payloads: list[list[Any]] = [
        [
            sync_state.CONFLICT,
            Jsonb({"table": c.table, "id": c.id, "lost": c.lost, "kept_version": c.hub_version}),
        ]
        for c in conflicts
    ]
    with writer.transaction(), writer.cursor() as cur:
        cur.executemany(
            "INSERT INTO annotator_hub.history (kind, payload) VALUES (%s, %s)", payloads
        )
