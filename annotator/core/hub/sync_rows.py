"""Rows as the project and the hub hold them, and the way from one to the other.

Every synced table has a `Table`: its columns on the hub (the *content* both sides compare),
how a project row becomes hub content (`to_hub`) and back (`to_local`). Ids are the same on
both sides except for analysts, labels, documents and talking points, which two projects may
know under different ids (the same name, label name, text or talking point name): `Ids`
translates those. A finished mark has no id of its own: on both sides it is known as
"DOCUMENT/ANALYST" (the key columns joined, each translated).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from annotator.core.records import REVIEWED_LAYER_ID

Row = dict[str, Any]

#: Kinds of ids translated between project and hub.
ANALYST, LABEL, DOCUMENT, TALKING_POINT = "analyst", "label", "document", "talking_point"
_KINDS = (ANALYST, LABEL, DOCUMENT, TALKING_POINT)


class Ids:
    """Project id ↔ hub id for analysts, labels, documents and talking points (the same id
    unless recorded)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.to_hub_ids: dict[str, dict[str, str]] = {kind: {} for kind in _KINDS}
        self.to_local_ids: dict[str, dict[str, str]] = {kind: {} for kind in _KINDS}
        for kind, local, hub in conn.execute("SELECT kind, local_id, hub_id FROM hub_ids"):
            self.to_hub_ids[kind][local] = hub
            self.to_local_ids[kind][hub] = local

    def hub(self, kind: str, local_id: str | None) -> str | None:
        if local_id is None:
            return None
        return self.to_hub_ids[kind].get(local_id, local_id)

    def local(self, kind: str, hub_id: str | None) -> str | None:
        if hub_id is None:
            return None
        return self.to_local_ids[kind].get(hub_id, hub_id)

    def pair(self, kind: str, local_id: str, hub_id: str) -> None:
        """Record that the project's `local_id` is the hub's `hub_id` (in the caller's
        transaction)."""
        if local_id == hub_id:
            return
        self._conn.execute(
            "INSERT OR REPLACE INTO hub_ids (kind, local_id, hub_id) VALUES (?, ?, ?)",
            [kind, local_id, hub_id],
        )
        self.to_hub_ids[kind][local_id] = hub_id
        self.to_local_ids[kind][hub_id] = local_id


@dataclass(frozen=True)
class Table:
    name: str  # on the hub (and the project)
    entity: str  # in the project's history
    columns: tuple[str, ...]  # hub columns written by a push (the content compared)
    compared: tuple[str, ...]  # the columns that make two versions different
    layer: str | None  # the column naming whose row it is (for the own-layer rule)
    mapped: tuple[tuple[str, str], ...]  # (column, kind) of translated ids
    local_select: str  # SELECT of the project's rows, `{ids}` for the placeholders
    to_hub: Callable[[Row], Row]
    to_local: Callable[[Row], Row]
    #: The project's key columns; a row's id on either side is their values joined by "/".
    key: tuple[str, ...] = ("id",)

    def hub_content(self, local: Row, ids: Ids) -> Row:
        row = self.to_hub(local)
        for column, kind in self.mapped:
            row[column] = ids.hub(kind, row[column])
        if self.key != ("id",):
            row["id"] = self.compose(row)
        return row

    def local_content(self, hub: Row, ids: Ids) -> Row:
        row = self.to_local(hub)  # a new dict: the hub's row is left as it is
        for column, kind in self.mapped:
            if column in row:
                value = row[column]
                if value is not None:
                    row[column] = ids.to_local_ids[kind].get(value, value)
        if self.key != ("id",):
            row["id"] = self.compose(row)
        return row

    def compose(self, row: Row) -> str:
        """The row's id: its key columns' values joined by "/"."""
        return "/".join(str(row[c]) for c in self.key)

    def split(self, ident: str) -> list[str]:
        """The key columns' values of an id (`compose` the other way)."""
        return ident.split("/", len(self.key) - 1) if len(self.key) > 1 else [ident]

    def hub_id(self, ids: Ids, local_id: str) -> str:
        """The hub's id of the project's row `local_id`."""
        kinds = dict(self.mapped)
        parts = self.split(local_id)
        return "/".join(
            (ids.hub(kinds[c], part) or part) if c in kinds else part
            for c, part in zip(self.key, parts, strict=True)
        )

    @property
    def named(self) -> bool:
        """Whether rows are unique by name in the project (analysts, labels, talking points)."""
        return self.name in NAMED

    def same(self, a: Row, b: Row) -> bool:
        """Whether two versions (hub content, or project rows) hold the same."""
        for c in self.compared:
            if c == "deleted":
                if bool(a.get(c)) != bool(b.get(c)):
                    return False
            elif _norm(a.get(c)) != _norm(b.get(c)):
                return False
        return True


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return instant(value.isoformat())
    if isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and value[10:11] == "T":
        return instant(value)
    return value


def instant(value: str) -> str:
    """A time as compared and stored here (UTC, milliseconds, 'Z')."""
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return value
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _same(row: Row) -> Row:
    return dict(row)


def _annotation_to_hub(row: Row) -> Row:
    return {**row, "target_name": None, "deleted": False}


def _annotation_to_local(row: Row) -> Row:
    return {k: row[k] for k in ANNOTATION_LOCAL}


def _document_to_hub(row: Row) -> Row:
    out = {k: row[k] for k in DOCUMENT_SHARED}
    out["text_sha256"] = row["text_hash"]
    out["added_at"] = row["imported_at"]
    out["added_by"] = row.get("added_by")
    return out


def _document_to_local(row: Row) -> Row:
    out = {k: row[k] for k in DOCUMENT_SHARED}
    out["text_hash"] = row["text_sha256"]
    added = row["added_at"]
    out["imported_at"] = instant(added.isoformat() if isinstance(added, datetime) else added)
    out["char_count"] = len(row["text"])
    out["import_report"] = json.dumps({"hub": "synced from the team hub"})
    return out


def _plain(keys: Sequence[str]) -> Callable[[Row], Row]:
    def convert(row: Row) -> Row:
        return {k: row[k] for k in keys}

    return convert


def _with_deleted(keys: Sequence[str]) -> Callable[[Row], Row]:
    def convert(row: Row) -> Row:
        return {**{k: row[k] for k in keys}, "deleted": False}

    return convert


ANNOTATION_LOCAL = (
    "id",
    "document_id",
    "analyst_id",
    "label_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "sentiment",
    "speaker_name",
    "note",
    "created",
    "modified",
)
DOCUMENT_SHARED = (
    "id",
    "title",
    "text",
    "source",
    "published",
    "outlet",
    "author",
    "url",
    "language",
    "page_starts",
)
LABEL_LOCAL = ("id", "name", "role", "shortcut", "color", "description", "position")
LINK_LOCAL = ("id", "source_id", "kind", "target_id", "name", "analyst_id", "created")
COMMENT_LOCAL = ("id", "annotation_id", "author_id", "created", "body")
FINISHED_LOCAL = ("document_id", "analyst_id", "finished")
POINT_LOCAL = ("id", "name", "created_by", "created", "modified")
CLAIM_LOCAL = ("annotation_id", "talking_point_id", "analyst_id", "added")
DECISION_LOCAL = (
    "id",
    "document_id",
    "reviewer_id",
    "decided",
    "decision",
    "first_layer",
    "second_layer",
    "sources",
    "results",
)


#: Tables whose rows are unique by name in the project (a rename may collide there).
NAMED = ("analysts", "labels", "talking_points")


def _select(table: str, columns: Iterable[str]) -> str:
    quoted = ", ".join(f'"{c}"' for c in columns)
    return f"SELECT {quoted} FROM {table} WHERE id IN ({{ids}})"


ANALYSTS = Table(
    "analysts",
    "analyst",
    ("id", "name"),
    ("name",),
    None,
    (("id", ANALYST),),
    _select("analysts", ("id", "name")),
    _same,
    _same,
)
LABELS = Table(
    "labels",
    "label",
    (*LABEL_LOCAL, "deleted"),
    (*LABEL_LOCAL[1:], "deleted"),
    None,
    (("id", LABEL),),
    _select("labels", LABEL_LOCAL),
    _with_deleted(LABEL_LOCAL),
    _plain(LABEL_LOCAL),
)
DOCUMENTS = Table(
    "documents",
    "document",
    (*DOCUMENT_SHARED, "text_sha256", "added_by", "added_at"),
    ("title", "source", "published", "outlet", "author", "url", "language"),
    None,
    (("id", DOCUMENT), ("added_by", ANALYST)),
    _select("documents", (*DOCUMENT_SHARED, "text_hash", "imported_at")),
    _document_to_hub,
    _document_to_local,
)
ANNOTATIONS = Table(
    "annotations",
    "annotation",
    (*ANNOTATION_LOCAL, "target_name", "deleted"),
    (*ANNOTATION_LOCAL[3:], "deleted"),
    "analyst_id",
    (("document_id", DOCUMENT), ("analyst_id", ANALYST), ("label_id", LABEL)),
    _select("annotations", ANNOTATION_LOCAL),
    _annotation_to_hub,
    _annotation_to_local,
)
LINKS = Table(
    "links",
    "link",
    (*LINK_LOCAL, "deleted"),
    ("kind", "target_id", "name", "deleted"),
    "analyst_id",
    (("analyst_id", ANALYST),),
    _select("links", LINK_LOCAL),
    _with_deleted(LINK_LOCAL),
    _plain(LINK_LOCAL),
)
COMMENTS = Table(
    "comments",
    "comment",
    (*COMMENT_LOCAL, "deleted"),
    ("body", "deleted"),
    "author_id",
    (("author_id", ANALYST),),
    _select("comments", COMMENT_LOCAL),
    _with_deleted(COMMENT_LOCAL),
    _plain(COMMENT_LOCAL),
)
DECISIONS = Table(
    "review_decisions",
    "review_decision",
    (*DECISION_LOCAL, "deleted"),
    ("decided", "decision", "first_layer", "second_layer", "sources", "results", "deleted"),
    "reviewer_id",
    (
        ("document_id", DOCUMENT),
        ("reviewer_id", ANALYST),
        ("first_layer", ANALYST),
        ("second_layer", ANALYST),
    ),
    _select("review_decisions", DECISION_LOCAL),
    _with_deleted(DECISION_LOCAL),
    _plain(DECISION_LOCAL),
)

FINISHED = Table(
    "finished_documents",
    "finished",
    ("id", *FINISHED_LOCAL, "deleted"),
    ("finished", "deleted"),
    "analyst_id",
    (("document_id", DOCUMENT), ("analyst_id", ANALYST)),
    "",
    _with_deleted(FINISHED_LOCAL),
    _plain(FINISHED_LOCAL),
    key=("document_id", "analyst_id"),
)
TALKING_POINTS = Table(
    "talking_points",
    "talking_point",
    (*POINT_LOCAL, "deleted"),
    ("name", "deleted"),
    "created_by",
    (("id", TALKING_POINT), ("created_by", ANALYST)),
    "",
    _with_deleted(POINT_LOCAL),
    _plain(POINT_LOCAL),
)
CLAIMS = Table(
    "talking_point_claims",
    "talking_point_claim",
    ("id", *CLAIM_LOCAL, "deleted"),
    ("talking_point_id", "analyst_id", "deleted"),
    "analyst_id",
    (("talking_point_id", TALKING_POINT), ("analyst_id", ANALYST)),
    "",
    _with_deleted(CLAIM_LOCAL),
    _plain(CLAIM_LOCAL),
    key=("annotation_id",),
)

#: In the order rows must arrive (a row's references first).
TABLES: tuple[Table, ...] = (
    ANALYSTS,
    LABELS,
    DOCUMENTS,
    ANNOTATIONS,
    LINKS,
    COMMENTS,
    DECISIONS,
    FINISHED,
    TALKING_POINTS,
    CLAIMS,
)
BY_ENTITY = {t.entity: t for t in TABLES}
#: Tables where an analyst may change some rows they did not make (a talking point's creator
#: renames it, anyone moves a claim they attached): a change the hub does not let this
#: analyst make loses to the hub's version, listed as a conflict, rather than stay unsent.
SHARED = (TALKING_POINTS, CLAIMS)


def writes_layer(table: Table, row: Row, *, me: str, reviewer: bool) -> bool:
    """Whether the hub lets the analyst `me` (hub id) write this row (hub content): their own
    layer, comments, decisions, finished marks and claim attachments; reviewers also the
    reviewed layer, the codebook and any talking point or attachment (`may_change` says
    whether a particular hub row may be changed into this one)."""
    if table is LABELS:
        return reviewer
    if table is DOCUMENTS:
        return True
    if table is ANALYSTS:
        return False
    owner = row[table.layer] if table.layer else None
    if table is FINISHED:
        return owner == me
    if table in SHARED:
        return owner == me or reviewer
    if table is DECISIONS:
        return reviewer and owner == me
    if owner == REVIEWED_LAYER_ID and table is not COMMENTS:
        return reviewer
    return owner == me


def may_change(table: Table, content: Row, current: Row | None, *, me: str, reviewer: bool) -> bool:
    """Whether the hub lets `me` write `content` over the hub's row `current` (None: no row):
    `writes_layer`, and for talking points and attachments the hub's row's own rule (its
    creator or attacher, or a reviewer; a detached claim is anyone's to attach)."""
    if table not in SHARED:
        return writes_layer(table, content, me=me, reviewer=reviewer)
    layer = table.layer or ""
    if current is None or (table is CLAIMS and current.get("deleted")):
        return content.get(layer) == me
    return reviewer or (current.get(layer) == me and content.get(layer) == me)
