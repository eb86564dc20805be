"""Talking points and their claims on the way to the hub.

Two analysts who each create "Sanctions hurt Europe" mean one talking point: a talking point
the hub does not have under its id but has under the same name (ignoring case as the projects
do) is paired with the hub's, which this project then takes (its name as the hub spells it,
its creator), instead of being sent as a second one. An attachment whose claim or talking
point is not in this project is no attachment here (`gone_here`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.hub.sync_apply import Applier, local_rows
from annotator.core.hub.sync_names import fold
from annotator.core.hub.sync_rows import TALKING_POINT, TALKING_POINTS, Ids, Row

if TYPE_CHECKING:
    import psycopg

    from annotator.core.store import Store

_COLUMNS = ", ".join(f'"{c}"' for c in (*TALKING_POINTS.columns, "row_version", "owner"))


def pair_points(
    hub: psycopg.Connection,
    store: Store,
    ids: Ids,
    mine: dict[str, Row],
    theirs: dict[str, Row],
    hub_id: dict[str, str],
) -> dict[str, Row]:
    """Pair the project's talking points the hub lacks by id with the hub's live ones of the
    same name, taking the hub's version here; the project's rows, read again."""
    from psycopg.rows import dict_row

    missing = {
        fold(TALKING_POINTS.name, row["name"]): local_id
        for local_id, row in mine.items()
        if hub_id[local_id] not in theirs
    }
    if not missing:
        return mine
    with hub.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"SELECT {_COLUMNS} FROM annotator_hub.talking_points "
            "WHERE NOT deleted AND annotator_hub.name_key(name) = ANY(%s)",
            [list(missing)],
        )
        found = cur.fetchall()
    conn = store.conn
    paired: list[Row] = []
    with store.transaction():
        for row in found:
            local_id = missing[fold(TALKING_POINTS.name, row["name"])]
            known = ids.to_local_ids[TALKING_POINT].get(row["id"])
            here = conn.execute("SELECT 1 FROM talking_points WHERE id = ?", [row["id"]])
            if (known is not None and known != local_id) or here.fetchone() is not None:
                continue  # the hub's point is here already as another row
            ids.pair(TALKING_POINT, local_id, row["id"])
            hub_id[local_id] = row["id"]
            theirs[row["id"]] = row
            paired.append(row)
        if paired:
            Applier(conn, TALKING_POINTS, ids).apply(paired, pending=set())
    return local_rows(conn, TALKING_POINTS, list(mine)) if paired else mine


def gone_here(store: Store, ids: Ids, attachment: Row) -> bool:
    """Whether the hub's attachment (hub content) names a claim or a talking point this
    project does not have (removed here): it is no attachment here."""
    conn = store.conn
    point = ids.local(TALKING_POINT, attachment["talking_point_id"])
    claim = conn.execute("SELECT 1 FROM annotations WHERE id = ?", [attachment["annotation_id"]])
    if claim.fetchone() is None:
        return True
    return conn.execute("SELECT 1 FROM talking_points WHERE id = ?", [point]).fetchone() is None
