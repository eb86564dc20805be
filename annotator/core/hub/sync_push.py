"""Sending this project's own changes to the hub, in batches.

What is sent: the rows the project's history changed since the last push (and those the hub
could not take before), of the analyst's own layer, comments and decisions (reviewers: also
the reviewed layer and the codebook), and documents the hub does not have. Each is compared
with the hub's row and the version of it this project last saw:

- the same content: nothing to send (a push killed after the hub's commit ends here);
- the hub has not changed it since: it is sent (``UPDATE … WHERE row_version = seen``);
- the hub changed it too: a conflict. The hub's version is kept and written here; ours goes
  into both histories (hub: ``history`` kind ``sync-conflict``; here: a ``sync-conflict``
  entry) and onto the list shown to the analyst.

A change to a colleague's row is not sent (theirs to send), except in the tables analysts
share (talking points, claim attachments): there a change the hub does not allow this analyst
(renaming a colleague's talking point, moving a claim a colleague attached) loses to the hub's
version like a conflict, so that the analyst sees it. A held name (`sync_names`) is sent as
the hub's, never as the stand-in used here.

One hub transaction per batch, then one project transaction recording the versions written;
killed between the two, the next push finds the hub already holding our content.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.hub import sync_state
from annotator.core.hub.sync_apply import Applier, Conflict, local_rows
from annotator.core.hub.sync_names import held_names
from annotator.core.hub.sync_points import gone_here, pair_points
from annotator.core.hub.sync_rows import (
    ANNOTATIONS,
    CLAIMS,
    DOCUMENT,
    DOCUMENTS,
    LABELS,
    SHARED,
    TABLES,
    TALKING_POINTS,
    Ids,
    Row,
    Table,
    may_change,
)

if TYPE_CHECKING:
    import psycopg

    from annotator.core.store import Store

#: Rows per hub transaction.
BATCH = 2000

Progress = Callable[[str], bool]


@dataclass
class Pushed:
    sent: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    waiting: list[tuple[str, str, str]] = field(default_factory=list)  # (entity, id, why)


def hub_select(table: Table, columns: Sequence[str] | None = None) -> str:
    """SELECT of the hub's rows of `table`: every synced column, or `columns`."""
    chosen = columns or (*_hub_columns(table), "row_version", "owner")
    listed = ", ".join(f'"{c}"' for c in chosen)
    return f"SELECT {listed} FROM annotator_hub.{table.name}"


def _hub_columns(table: Table) -> tuple[str, ...]:
    if table is DOCUMENTS:
        return table.columns
    if table.name == "analysts":
        return ("id", "name", "role_name")
    return table.columns


def push(
    hub: psycopg.Connection,
    store: Store,
    ids: Ids,
    *,
    me: str,
    reviewer: bool,
    progress: Progress,
) -> Pushed:
    local = store.conn
    state = sync_state.remembered(local)
    assert state is not None
    upto = sync_state.last_seq(local)
    changed = sync_state.changed_since(local, state.pushed_through)
    out = Pushed()
    labels_on_hub = {r[0] for r in hub.execute("SELECT id FROM annotator_hub.labels")}
    for table in TABLES[1:]:
        todo = changed.get(table.entity, [])
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            _push_batch(hub, store, ids, table, batch, me, reviewer, labels_on_hub, out)
            if not progress(f"Sent {out.sent} changes"):
                return out
            if table is LABELS:
                labels_on_hub = {r[0] for r in hub.execute("SELECT id FROM annotator_hub.labels")}
    with store.transaction():
        sync_state.set_pushed_through(local, upto)
    return out


def _push_batch(
    hub: psycopg.Connection,
    store: Store,
    ids: Ids,
    table: Table,
    batch: Sequence[str],
    me: str,
    reviewer: bool,
    labels_on_hub: set[str],
    out: Pushed,
) -> None:
    from psycopg.types.json import Jsonb

    local = store.conn
    mine = local_rows(local, table, batch)
    hub_id = {i: table.hub_id(ids, i) for i in batch}
    theirs = _hub_rows(hub, table, list(hub_id.values()))
    if table is DOCUMENTS:
        _pair_documents(hub, store, ids, mine, theirs, hub_id)
    if table is TALKING_POINTS:
        mine = pair_points(hub, store, ids, mine, theirs, hub_id)
    held = held_names(local, table.name) if table.named else {}
    seen = sync_state.seen(local, table.name, list(hub_id.values()))
    inserts: list[Row] = []
    updates: list[tuple[Row, int]] = []
    same: list[tuple[str, int]] = []
    lost: list[tuple[Row, Row]] = []  # (ours as hub content, the hub's row)
    waiting: list[tuple[str, str]] = []
    done: list[str] = []
    for local_id in batch:
        row = mine.get(local_id)
        hid = hub_id[local_id]
        current = theirs.get(hid)
        if row is None:  # removed here
            if current is None or current.get("deleted") or "deleted" not in table.columns:
                done.append(local_id)
                continue
            content = {**current, "deleted": True}
        else:
            if table is DOCUMENTS:
                row = {**row, "added_by": me}
            content = table.hub_content(row, ids)
            if local_id in held and row["name"] == held[local_id][1]:
                content["name"] = held[local_id][0]  # the stand-in stays here
        if not may_change(table, content, current, me=me, reviewer=reviewer):
            if current is not None and _overruled(store, ids, table, content, current):
                lost.append((content, current))
            else:
                done.append(local_id)  # a colleague's row: theirs to send
            continue
        if current is not None and table.same(content, current):
            same.append((hid, int(current["row_version"])))
            done.append(local_id)
        elif current is None:
            if row is None:
                done.append(local_id)
            elif table is ANNOTATIONS and content["label_id"] not in labels_on_hub:
                name = row.get("label_id")
                waiting.append((local_id, _no_label(local, name)))
            else:
                inserts.append(content)
        elif table is DOCUMENTS and current["added_by"] != me and not reviewer:
            done.append(local_id)  # the description is the adder's to change
        elif seen.get(hid) == current["row_version"] or (
            table is CLAIMS and current.get("deleted")  # a detached claim is anyone's
        ):
            updates.append((content, int(current["row_version"])))
        else:
            lost.append((content, current))
    written: dict[str, int] = {}
    refused: list[tuple[str, str]] = []
    try:
        with hub.transaction():
            written = _write(hub, table, inserts, updates)
            for content, current in lost:
                hub.execute(
                    "INSERT INTO annotator_hub.history (kind, payload) VALUES (%s, %s)",
                    [
                        sync_state.CONFLICT,
                        Jsonb(
                            {
                                "table": table.name,
                                "id": current["id"],
                                "lost": content,
                                "kept_version": current["row_version"],
                            }
                        ),
                    ],
                )
    except _refusals() as exc:
        written, refused = _one_by_one(hub, table, inserts, updates, exc)
    sent_as = {v: k for k, v in hub_id.items()}  # hub id → local id, as sent
    if table in (DOCUMENTS, TALKING_POINTS) and any(c["id"] not in written for c in inserts):
        # Sent by a colleague at the same moment (the same text, the same name): the same.
        if table is DOCUMENTS:
            _pair_documents(hub, store, ids, mine, theirs, hub_id)
        else:
            pair_points(hub, store, ids, mine, theirs, hub_id)
        paired: set[str] = set()
        for local_id in batch:
            if hub_id[local_id] in theirs and hub_id[local_id] not in written:
                done.append(local_id)
                paired.add(local_id)
        # The rest was not taken (e.g. a name the hub gives a point it has here as another).
        inserts = [c for c in inserts if c["id"] in written or sent_as[c["id"]] not in paired]
    local_of = {v: k for k, v in hub_id.items()}
    for content in inserts:
        if content["id"] not in written and content["id"] not in dict(refused):
            waiting.append((sent_as[content["id"]], _not_taken(table, content)))
    for content, _version in updates:
        if content["id"] not in written and content["id"] not in dict(refused):
            waiting.append((local_of[content["id"]], "changed on the hub meanwhile"))
    waiting += [(local_of[h], why) for h, why in refused]
    with store.transaction():
        sync_state.set_seen(local, table.name, [*same, *written.items()])
        if lost:
            applier = Applier(local, table, ids)
            out.conflicts += applier.apply(
                [current for _c, current in lost],
                pending={local_of[c["id"]] for c, _h in lost},
            )
            sync_state.set_seen(
                local, table.name, [(c["id"], int(c["row_version"])) for _x, c in lost]
            )
        sync_state.clear_waiting(
            local,
            table.entity,
            [*done, *(local_of[h] for h in written), *(local_of[c["id"]] for _x, c in lost)],
        )
        sync_state.set_waiting(local, table.entity, waiting)
    out.sent += len(written)
    out.waiting += [(table.entity, i, why) for i, why in waiting]


def _write(
    hub: psycopg.Connection, table: Table, inserts: list[Row], updates: list[tuple[Row, int]]
) -> dict[str, int]:
    """Insert and update, returning the new version of each row written."""
    written: dict[str, int] = {}
    columns = table.columns
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with hub.cursor() as cur:
        if inserts:
            cur.executemany(
                f"INSERT INTO annotator_hub.{table.name} ({quoted}) VALUES ({marks}) "
                # Documents, talking points: the same text or name sent by a colleague
                # meanwhile is no error either.
                f"ON CONFLICT {'' if table in (DOCUMENTS, TALKING_POINTS) else '(id) '}"
                "DO NOTHING "
                "RETURNING id, row_version",
                [[r[c] for c in columns] for r in inserts],
                returning=True,
            )
            _collect(cur, written)
        if updates:
            changed = [c for c in columns if c not in _FIXED.get(table.name, ("id",))]
            sets = ", ".join(f'"{c}" = %s' for c in changed)
            cur.executemany(
                f"UPDATE annotator_hub.{table.name} SET {sets} "
                "WHERE id = %s AND row_version = %s RETURNING id, row_version",
                [[*(r[c] for c in changed), r["id"], version] for r, version in updates],
                returning=True,
            )
            _collect(cur, written)
    return written


#: Columns a row keeps for good on the hub (its triggers refuse a change).
_FIXED = {
    "documents": ("id", "text", "text_sha256", "added_by", "added_at", "page_starts"),
    "annotations": ("id", "analyst_id", "document_id"),
    "links": ("id", "analyst_id", "source_id"),
    "comments": ("id", "author_id", "annotation_id"),
    "review_decisions": ("id", "reviewer_id", "document_id"),
    "finished_documents": ("id", "document_id", "analyst_id"),
    "talking_points": ("id", "created_by", "created"),
    "talking_point_claims": ("id", "annotation_id"),
}


def _collect(cur: Any, written: dict[str, int]) -> None:
    while True:
        for ident, version in cur.fetchall():
            written[ident] = int(version)
        if not cur.nextset():
            break


def _refusals() -> tuple[type[Exception], ...]:
    import psycopg

    return (psycopg.errors.IntegrityError, psycopg.errors.InsufficientPrivilege)


def _one_by_one(
    hub: psycopg.Connection,
    table: Table,
    inserts: list[Row],
    updates: list[tuple[Row, int]],
    first: Exception,
) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """The batch was refused as a whole: each row on its own, to send all the hub takes."""
    written: dict[str, int] = {}
    refused: list[tuple[str, str]] = []
    for one_insert, one_update in [*(([r], []) for r in inserts), *(([], [u]) for u in updates)]:
        row = one_insert[0] if one_insert else one_update[0][0]
        try:
            with hub.transaction():
                written.update(_write(hub, table, one_insert, one_update))
        except _refusals() as exc:
            refused.append((row["id"], _why(exc)))
    return written, refused


def _why(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "foreign key" in text:
        return "it refers to something the hub does not have yet"
    return f"the hub refused it: {text}"


def _not_taken(table: Table, content: Row) -> str:
    if table is TALKING_POINTS:
        return (
            f"the hub has another talking point named “{content['name']}”: rename this one "
            "here (or put its claims into that one), then sync again"
        )
    return "changed on the hub meanwhile"


def _overruled(store: Store, ids: Ids, table: Table, content: Row, current: Row) -> bool:
    """Whether a change the hub does not allow this analyst loses to the hub's version (kept
    here, listed): in the shared tables, when the hub's row differs and means something here."""
    if table not in SHARED or table.same(content, current):
        return False
    return not (table is CLAIMS and gone_here(store, ids, current))


def _hub_rows(hub: psycopg.Connection, table: Table, hub_ids: list[str]) -> dict[str, Row]:
    from psycopg.rows import dict_row

    with hub.cursor(row_factory=dict_row) as cur:
        cur.execute(hub_select(table) + " WHERE id = ANY(%s)", [hub_ids])
        return {r["id"]: r for r in cur.fetchall()}


def _pair_documents(
    hub: psycopg.Connection,
    store: Store,
    ids: Ids,
    mine: dict[str, Row],
    theirs: dict[str, Row],
    hub_id: dict[str, str],
) -> None:
    """Documents the hub holds under another id (the same text) are paired, not sent."""
    from psycopg.rows import dict_row

    missing = {row["text_hash"]: i for i, row in mine.items() if hub_id[i] not in theirs}
    if not missing:
        return
    with hub.cursor(row_factory=dict_row) as cur:
        cur.execute(hub_select(DOCUMENTS) + " WHERE text_sha256 = ANY(%s)", [list(missing)])
        found = cur.fetchall()
    with store.transaction():
        for row in found:
            local_id = missing[row["text_sha256"]]
            ids.pair(DOCUMENT, local_id, row["id"])
            hub_id[local_id] = row["id"]
            theirs[row["id"]] = row


def _no_label(local: sqlite3.Connection, label_id: str | None) -> str:
    found = local.execute("SELECT name FROM labels WHERE id = ?", [label_id]).fetchone()
    name = found[0] if found else label_id
    return (
        f"its label “{name}” is not in the team's codebook yet (a reviewer adds labels; "
        "this change is sent once it is there)"
    )
