"""Talking points: named groups of claims that restate one another (migration 0013).

A claim belongs to at most one talking point. Talking points and memberships are written by
put/remove primitives, each recorded in the append-only history (entities "talking_point" and
"talking_point_claim"), so that the session's undo log replays them like annotations.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, NewType

from annotator.core.errors import ValidationError
from annotator.core.records import AnalystId, AnnotationId, DocumentId, new_id, now_iso
from annotator.core.store import history

if TYPE_CHECKING:
    from annotator.core.store.project import Store

TalkingPointId = NewType("TalkingPointId", str)

ENTITY = "talking_point"
MEMBER_ENTITY = "talking_point_claim"
NAME_LIMIT = 200


@dataclass(frozen=True)
class TalkingPoint:
    id: TalkingPointId
    name: str
    created_by: AnalystId | None
    created: str
    modified: str


@dataclass(frozen=True)
class Membership:
    """Claim `annotation_id` belongs to `talking_point_id` (added by `analyst_id`)."""

    annotation_id: AnnotationId
    talking_point_id: TalkingPointId
    analyst_id: AnalystId | None
    added: str


@dataclass(frozen=True)
class Instance:
    """One claim of a talking point, with where and when it appeared."""

    annotation_id: AnnotationId
    document_id: DocumentId
    document_title: str
    outlet: str
    published: str | None
    start: int
    end: int
    quote: str


def point_row(point: TalkingPoint) -> dict[str, Any]:
    return asdict(point)


def point_of(row: dict[str, Any]) -> TalkingPoint:
    return TalkingPoint(
        TalkingPointId(row["id"]),
        str(row["name"]),
        None if row.get("created_by") is None else AnalystId(row["created_by"]),
        str(row["created"]),
        str(row["modified"]),
    )


def membership_row(member: Membership) -> dict[str, Any]:
    return asdict(member)


def membership_of(row: dict[str, Any]) -> Membership:
    return Membership(
        AnnotationId(row["annotation_id"]),
        TalkingPointId(row["talking_point_id"]),
        None if row.get("analyst_id") is None else AnalystId(row["analyst_id"]),
        str(row["added"]),
    )


def clean_name(name: str) -> str:
    """The name as stored (spaces collapsed); refuses an empty or overlong one."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("A talking point needs a name.")
    if len(cleaned) > NAME_LIMIT:
        raise ValidationError(f"A talking point's name is at most {NAME_LIMIT} characters.")
    return cleaned


def new(name: str, *, created_by: AnalystId | None) -> TalkingPoint:
    """A talking point not yet stored."""
    when = now_iso()
    return TalkingPoint(TalkingPointId(new_id()), clean_name(name), created_by, when, when)


# -- reading --------------------------------------------------------------------------------

_POINT_COLUMNS = "id, name, created_by, created, modified"


def _point(row: tuple[Any, ...]) -> TalkingPoint:
    return TalkingPoint(TalkingPointId(row[0]), row[1], row[2], row[3], row[4])


def find(conn: sqlite3.Connection, point_id: str) -> TalkingPoint | None:
    row = conn.execute(
        f"SELECT {_POINT_COLUMNS} FROM talking_points WHERE id = ?", [point_id]
    ).fetchone()
    return None if row is None else _point(row)


def find_by_name(conn: sqlite3.Connection, name: str) -> TalkingPoint | None:
    row = conn.execute(
        f"SELECT {_POINT_COLUMNS} FROM talking_points WHERE name = ? COLLATE NOCASE",
        [" ".join(name.split())],
    ).fetchone()
    return None if row is None else _point(row)


def all_points(conn: sqlite3.Connection) -> list[TalkingPoint]:
    """Every talking point, by name."""
    sql = f"SELECT {_POINT_COLUMNS} FROM talking_points ORDER BY name COLLATE NOCASE, id"
    return [_point(row) for row in conn.execute(sql)]


def membership(conn: sqlite3.Connection, annotation_id: str) -> Membership | None:
    row = conn.execute(
        "SELECT annotation_id, talking_point_id, analyst_id, added FROM talking_point_claims "
        "WHERE annotation_id = ?",
        [annotation_id],
    ).fetchone()
    return None if row is None else Membership(*row)


def members(conn: sqlite3.Connection, point_id: str) -> list[Membership]:
    rows = conn.execute(
        "SELECT annotation_id, talking_point_id, analyst_id, added FROM talking_point_claims "
        "WHERE talking_point_id = ? ORDER BY added, annotation_id",
        [point_id],
    )
    return [Membership(*row) for row in rows]


def names_of(
    conn: sqlite3.Connection, annotation_ids: Iterable[str] | None = None
) -> dict[AnnotationId, str]:
    """The talking point's name per claim that has one (None: every claim), in one query."""
    sql = (
        "SELECT m.annotation_id, p.name FROM talking_point_claims m "
        "JOIN talking_points p ON p.id = m.talking_point_id"
    )
    params: list[str] = []
    if annotation_ids is not None:
        sql += " WHERE m.annotation_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(annotation_ids)))
    return {AnnotationId(a): name for a, name in conn.execute(sql, params)}


def points_in_document(
    conn: sqlite3.Connection, document_id: str
) -> dict[AnnotationId, tuple[TalkingPointId, str]]:
    """Each claim of the document that is in a talking point: (its id, its name)."""
    rows = conn.execute(
        "SELECT m.annotation_id, p.id, p.name FROM annotations a "
        "JOIN talking_point_claims m ON m.annotation_id = a.id "
        "JOIN talking_points p ON p.id = m.talking_point_id WHERE a.document_id = ?",
        [document_id],
    )
    return {AnnotationId(a): (TalkingPointId(p), name) for a, p, name in rows}


def instances(conn: sqlite3.Connection, point_id: str) -> list[Instance]:
    """The talking point's claims, earliest publication first (undated ones last)."""
    rows = conn.execute(
        'SELECT a.id, a.document_id, d.title, d.outlet, d.published, a.start, a."end", a.quote '
        "FROM talking_point_claims m JOIN annotations a ON a.id = m.annotation_id "
        "JOIN documents d ON d.id = a.document_id WHERE m.talking_point_id = ? "
        "ORDER BY d.published IS NULL, d.published, d.imported_at, a.start",
        [point_id],
    )
    return [
        Instance(AnnotationId(r[0]), DocumentId(r[1]), r[2], r[3] or "", r[4], r[5], r[6], r[7])
        for r in rows
    ]


# -- writing (inside the caller's transaction; each with its history entry) -----------------


def put(store: Store, point: TalkingPoint, *, analyst_id: AnalystId | None) -> None:
    """Insert or replace a talking point; refuses a name another one has."""
    name = clean_name(point.name)
    other = find_by_name(store.conn, name)
    if other is not None and other.id != point.id:
        raise ValidationError(f"There is already a talking point named “{other.name}”.")
    before = find(store.conn, point.id)
    with store.transaction() as db:
        db.execute(
            "INSERT INTO talking_points (id, name, created_by, created, modified) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
            "created_by = excluded.created_by, created = excluded.created, "
            "modified = excluded.modified",
            [point.id, name, point.created_by, point.created, point.modified],
        )
        history.record(
            db,
            analyst_id=analyst_id,
            action="create" if before is None else "update",
            entity=ENTITY,
            entity_id=point.id,
            before=None if before is None else point_row(before),
            after=point_row(point),
        )


def remove(store: Store, point_id: str, *, analyst_id: AnalystId | None) -> TalkingPoint:
    """Delete a talking point that has no claims left (they are removed first, each recorded)."""
    before = find(store.conn, point_id)
    if before is None:
        raise ValidationError("That talking point was deleted already.")
    if members(store.conn, point_id):
        raise ValidationError(f"“{before.name}” still has claims; take them out first.")
    with store.transaction() as db:
        db.execute("DELETE FROM talking_points WHERE id = ?", [point_id])
        history.record(
            db,
            analyst_id=analyst_id,
            action="delete",
            entity=ENTITY,
            entity_id=point_id,
            before=point_row(before),
        )
    return before


def put_member(store: Store, member: Membership, *, analyst_id: AnalystId | None) -> None:
    """Put a claim into a talking point (replacing the one it was in)."""
    if find(store.conn, member.talking_point_id) is None:
        raise ValidationError("That talking point was deleted.")
    before = membership(store.conn, member.annotation_id)
    with store.transaction() as db:
        row = db.execute(
            "SELECT document_id FROM annotations WHERE id = ?", [member.annotation_id]
        ).fetchone()
        if row is None:
            raise ValidationError("That claim was deleted.")
        db.execute(
            "INSERT INTO talking_point_claims (annotation_id, talking_point_id, analyst_id, added)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (annotation_id) DO UPDATE SET "
            "talking_point_id = excluded.talking_point_id, analyst_id = excluded.analyst_id, "
            "added = excluded.added",
            [member.annotation_id, member.talking_point_id, member.analyst_id, member.added],
        )
        history.record(
            db,
            analyst_id=analyst_id,
            action="create" if before is None else "update",
            entity=MEMBER_ENTITY,
            entity_id=member.annotation_id,
            document_id=row[0],
            before=None if before is None else membership_row(before),
            after=membership_row(member),
        )


def remove_member(
    store: Store, annotation_id: str, *, analyst_id: AnalystId | None
) -> Membership | None:
    """Take a claim out of its talking point; the membership there was, or None."""
    before = membership(store.conn, annotation_id)
    if before is None:
        return None
    with store.transaction() as db:
        row = db.execute(
            "SELECT document_id FROM annotations WHERE id = ?", [annotation_id]
        ).fetchone()
        db.execute("DELETE FROM talking_point_claims WHERE annotation_id = ?", [annotation_id])
        history.record(
            db,
            analyst_id=analyst_id,
            action="delete",
            entity=MEMBER_ENTITY,
            entity_id=annotation_id,
            document_id=None if row is None else row[0],
            before=membership_row(before),
        )
    return before
