"""`annotator sync`: this project and the team hub, both ways.

A sync (1) connects as the analyst's own login, (2) ties the login to the project's analyst
(once), (3) pulls the team's analysts and codebook, (4) pushes this project's own new changes
(`sync_push`), (5) pulls everyone else's (`sync_pull`), (6) gives rows whose hub name was
taken here that name if it is free now (`sync_names`). A first sync of an empty project is a
clone. The hub's address is remembered in the project without its password (libpq finds that
in PGPASSWORD or ~/.pgpass, or the caller's prompt asks).

Every step commits in batches that leave both sides consistent, so a sync stopped at any
moment (killed, cut off, cancelled) loses nothing and the next one completes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.core.hub import sync_state
from annotator.core.hub.connection import connect
from annotator.core.hub.errors import HubError, require_psycopg
from annotator.core.hub.roles import register_analyst, whoami
from annotator.core.hub.sync_apply import Conflict
from annotator.core.hub.sync_names import Held, release_held
from annotator.core.hub.sync_pull import pull
from annotator.core.hub.sync_push import push
from annotator.core.hub.sync_rows import ANALYST, ANALYSTS, LABELS, Ids
from annotator.core.hub.urls import same_hub, to_remember, without_password
from annotator.core.records import REVIEWED_LAYER_ID, now_iso

if TYPE_CHECKING:
    import psycopg

    from annotator.core.store import Store

#: `progress(text)` reports a step; its False answer stops the sync (what is done is kept).
Progress = Callable[[str], bool]


@dataclass
class SyncReport:
    url: str
    analyst: str
    sent: int = 0
    received: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    waiting: list[tuple[str, str, str]] = field(default_factory=list)
    #: Rows the hub names with a name this project gives another row (kept as they are here).
    held: list[Held] = field(default_factory=list)
    changed_tables: set[str] = field(default_factory=set)
    stopped: bool = False


@dataclass(frozen=True)
class SyncStatus:
    url: str | None
    synced_at: str | None
    to_send: int
    last_error: str | None


def status(store: Store) -> SyncStatus:
    """Where the project syncs, when it last did and how many own changes wait."""
    state = sync_state.remembered(store.conn)
    if state is None:
        return SyncStatus(None, None, 0, None)
    return SyncStatus(state.url, state.synced_at, sync_state.to_send(store.conn), state.last_error)


def hub_url(store: Store, url: str | None) -> str:
    """The address to sync with: `url`, or the one remembered; a project syncs with one hub."""
    state = sync_state.remembered(store.conn)
    if url is None:
        if state is None:
            raise HubError(
                "This project has not synced with a hub yet: give the hub's address once, "
                "e.g. `annotator sync postgresql://anna@hub.example.org/annotator`."
            )
        return state.url
    if state is not None and not same_hub(url, state.url):
        raise HubError(
            f"This project syncs with the hub at {state.url}, not {without_password(url)}. "
            "A project belongs to one hub (the same login, server, port and database; "
            "parameters such as sslmode may change): clone the other hub into a new project "
            "(`annotator sync URL --db NEW_PROJECT`)."
        )
    return url


def sync(
    store: Store,
    url: str | None,
    analyst: str | None,
    *,
    password_prompt: Callable[[], str] | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Sync the project with the hub (see the module's docstring)."""
    require_psycopg()
    address = hub_url(store, url)
    ask = _once(password_prompt)
    go_on = progress or (lambda _text: True)
    try:
        hub = connect(address, password_prompt=ask)
    except HubError as exc:
        if sync_state.remembered(store.conn) is not None:
            with store.transaction():
                sync_state.finished(store.conn, str(exc))
        raise
    with hub:
        me = whoami(hub)
        local_id, hub_me, name = _identity(store, hub, me.analyst_id, analyst)
        report = SyncReport(without_password(address), name)
        with store.transaction():
            sync_state.remember(store.conn, to_remember(address), local_id)
        try:
            with connect(address, password_prompt=ask) as reader:
                _run(store, hub, reader, hub_me, me.is_reviewer, go_on, report)
        except HubError as exc:
            with store.transaction():
                sync_state.finished(store.conn, str(exc))
            raise
        except _hub_failures() as exc:
            message = f"The sync with {report.url} stopped: {_first_line(exc)}. " + (
                "What was sent and received so far is kept; sync again to finish."
            )
            with store.transaction():
                sync_state.finished(store.conn, message)
            raise HubError(message) from None
    if not report.stopped:
        with store.transaction():
            sync_state.finished(store.conn)
    return report


def _run(
    store: Store,
    hub: psycopg.Connection,
    reader: psycopg.Connection,
    me: str,
    reviewer: bool,
    go_on: Progress,
    report: SyncReport,
) -> None:
    ids = Ids(store.conn)
    first = pull(
        reader, hub, store, ids, me=me, reviewer=reviewer, tables=(ANALYSTS, LABELS),
        progress=go_on,
    )  # fmt: skip
    if not go_on("Sending this project's changes"):
        report.stopped = True
        return
    pushed = push(hub, store, ids, me=me, reviewer=reviewer, progress=go_on)
    report.sent, report.waiting = pushed.sent, pushed.waiting
    if not go_on("Receiving the team's changes"):
        report.stopped = True
        return
    pulled = pull(reader, hub, store, ids, me=me, reviewer=reviewer, progress=go_on)
    report.received = first.received + pulled.received
    report.conflicts = pushed.conflicts + first.conflicts + pulled.conflicts
    report.changed_tables = first.tables | pulled.tables
    report.held = release_held(store)
    report.stopped = not go_on("Synced")


def _identity(
    store: Store, hub: psycopg.Connection, registered: str | None, analyst: str | None
) -> tuple[str, str, str]:
    """(project id, hub id, name) of the analyst this login writes as; the login is tied to
    the project's analyst on its first sync, and the analyst added to a project that lacks it
    (a clone)."""
    ids = Ids(store.conn)
    if registered is None:
        if not analyst:
            raise HubError(
                "Who is syncing? Give your name (--analyst NAME, or start the window once)."
            )
        local = store.ensure_analyst(analyst)
        hub_id = ids.hub(ANALYST, local.id) or local.id
        register_analyst(hub, hub_id, local.name)
        return local.id, hub_id, local.name
    row = hub.execute(
        "SELECT name FROM annotator_hub.analysts WHERE id = %s", [registered]
    ).fetchone()
    hub_name = str(row[0]) if row else registered
    if analyst and " ".join(analyst.split()) != hub_name:
        raise HubError(
            f"Your login writes as “{hub_name}” on this hub, not “{analyst}”: sync as "
            f'{hub_name} (--analyst "{hub_name}", or that name in the window).'
        )
    local_id = ids.local(ANALYST, registered) or registered
    conn = store.conn
    here = conn.execute("SELECT id FROM analysts WHERE id = ?", [local_id]).fetchone()
    if here is None:
        named = conn.execute("SELECT id FROM analysts WHERE name = ?", [hub_name]).fetchone()
        with store.transaction():
            if named is not None and named[0] != REVIEWED_LAYER_ID:
                ids.pair(ANALYST, named[0], registered)
                local_id = named[0]
            else:
                conn.execute(
                    "INSERT INTO analysts (id, name, created) VALUES (?, ?, ?)",
                    [registered, hub_name, now_iso()],
                )
                local_id = registered
    return local_id, registered, hub_name


def _once(prompt: Callable[[], str] | None) -> Callable[[], str] | None:
    """The prompt asked once per sync (the sync opens two connections)."""
    if prompt is None:
        return None
    given: list[str] = []

    def ask() -> str:
        if not given:
            given.append(prompt())
        return given[0]

    return ask


def _hub_failures() -> tuple[type[Exception], ...]:
    import psycopg

    return (psycopg.Error,)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
