"""Hub rows into the project: inserted, updated or removed in batches, each change with its
history entry, inside the caller's transaction.

A row this project changed since its last push (`pending`) and the hub changed too is a
conflict: the hub's version is kept (it was sent first, and colleagues may have it already),
the project's version goes into its history as a ``sync-conflict`` entry and is returned, for
the hub's history and the list shown to the analyst.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.core.hub import sync_state
from annotator.core.hub.sync_names import NameGuard
from annotator.core.hub.sync_rows import (
    ANALYSTS,
    ANNOTATIONS,
    CLAIMS,
    DOCUMENTS,
    LABELS,
    TALKING_POINTS,
    Ids,
    Row,
    Table,
)
from annotator.core.records import anchor, now_iso

_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)

#: Project columns written when a row is new, and those an update may change.
_INSERTED: dict[str, tuple[str, ...]] = {
    "analysts": ("id", "name", "created"),
    "labels": ("id", "name", "role", "shortcut", "color", "description", "position"),
    "documents": (
        "id", "title", "text", "source", "published", "outlet", "author", "url", "language",
        "page_starts", "text_hash", "imported_at", "char_count", "import_report",
    ),
    "annotations": (
        "id", "document_id", "analyst_id", "label_id", "start", "end", "quote", "prefix",
        "suffix", "sentiment", "speaker_name", "note", "created", "modified",
    ),
    "links": ("id", "source_id", "kind", "target_id", "name", "analyst_id", "created"),
    "comments": ("id", "annotation_id", "author_id", "created", "body"),
    "review_decisions": (
        "id", "document_id", "reviewer_id", "decided", "decision", "first_layer",
        "second_layer", "sources", "results",
    ),
    "finished_documents": ("document_id", "analyst_id", "finished"),
    "talking_points": ("id", "name", "created_by", "created", "modified"),
    "talking_point_claims": ("annotation_id", "talking_point_id", "analyst_id", "added"),
}  # fmt: skip
_UPDATED: dict[str, tuple[str, ...]] = {
    "analysts": ("name",),
    "labels": ("name", "role", "shortcut", "color", "description", "position"),
    "documents": ("title", "source", "published", "outlet", "author", "url", "language"),
    "annotations": _INSERTED["annotations"][1:],
    "links": ("kind", "target_id", "name", "created"),
    "comments": ("created", "body"),
    "review_decisions": _INSERTED["review_decisions"][1:],
    "finished_documents": ("finished",),
    "talking_points": ("name", "created_by", "created", "modified"),
    "talking_point_claims": ("talking_point_id", "analyst_id", "added"),
}
#: Whose change a row is, in the project's history.
_BY = {
    "annotations": "analyst_id",
    "links": "analyst_id",
    "comments": "author_id",
    "review_decisions": "reviewer_id",
    "finished_documents": "analyst_id",
    "talking_points": "created_by",
    "talking_point_claims": "analyst_id",
}
#: The history action of a batch of rows received at once (`Applier.load`).
RECEIVED = "sync-received"
_HISTORY = (
    "INSERT INTO history (at, analyst_id, action, entity, entity_id, document_id, before, "
    "after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class Conflict:
    """An own change the hub had changed too: the hub's version was kept."""

    table: str
    id: str
    what: str  # a short description for the list (a quote, a title, a comment)
    lost: Row  # this project's version (project ids), kept in both histories
    hub_version: int
    hub_owner: str


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def local_rows(conn: sqlite3.Connection, table: Table, ids: Sequence[str]) -> dict[str, Row]:
    """The project's rows of `table` with these ids (project ids), as dicts (with "id")."""
    columns = _INSERTED[table.name]
    found: dict[str, Row] = {}
    key = _quoted(table.key)
    for chunk in sync_state.chunks(list(ids)):
        if len(table.key) == 1:
            where, params = f"{key} IN ({', '.join('?' * len(chunk))})", list(chunk)
        else:
            one = f"({', '.join('?' * len(table.key))})"
            where = f"({key}) IN (VALUES {', '.join([one] * len(chunk))})"
            params = [part for ident in chunk for part in table.split(ident)]
        cursor = conn.execute(f"SELECT {_quoted(columns)} FROM {table.name} WHERE {where}", params)
        for values in cursor:
            row = dict(zip(columns, values, strict=True))
            row["id"] = table.compose(row)
            found[row["id"]] = row
    return found


def _key_match(table: Table) -> str:
    """The WHERE clause matching one row by its key (`Table.split` gives the values)."""
    return " AND ".join(f'"{c}" = ?' for c in table.key)


class Applier:
    """Writes hub rows of one table into the project (call `apply` per batch)."""

    def __init__(self, conn: sqlite3.Connection, table: Table, ids: Ids) -> None:
        self.conn = conn
        self.table = table
        self.ids = ids
        columns = _INSERTED[table.name]
        self._insert = (
            f"INSERT INTO {table.name} ({_quoted(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})"
        )
        updated = _UPDATED[table.name]
        self._update = (
            f"UPDATE {table.name} SET {', '.join(f'{q} = ?' for q in _quoted(updated).split(', '))}"
            f" WHERE {_key_match(table)}"
        )
        self._texts: dict[str, str] = {}
        #: Project ids paired with a hub row by name or text in this pull (`_pair_by_key`).
        self._paired: set[str] = set()
        #: Rows this applier changed in the project (its own pushed rows coming back are not).
        self.changed = 0
        #: The table's upkeep is set aside for this pull (a clone): batches go through `load`,
        #: with one history entry per batch rather than one per row (each row's first version
        #: is the row itself, and the hub's history has it).
        self.summarised = False
        self._was_empty: bool | None = None

    def apply(self, hub_rows: Sequence[Row], *, pending: set[str]) -> list[Conflict]:
        """Bring these hub rows (hub ids, newest version of each) into the project."""
        table = self.table
        if table in (ANALYSTS, LABELS, DOCUMENTS, TALKING_POINTS):
            self._pair_by_key(hub_rows)
        incoming = [table.local_content(r, self.ids) for r in hub_rows]
        here = {} if self._empty() else local_rows(self.conn, table, [r["id"] for r in incoming])
        names = NameGuard(self.conn, table.name) if table.named else None
        # An attachment whose claim or talking point is not here (removed) is no attachment.
        detached = self._detached(incoming) if table is CLAIMS else set()
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        deletes: list[str] = []
        history: list[tuple[Any, ...]] = []
        conflicts: list[Conflict] = []
        now = now_iso()
        for hub, row in zip(hub_rows, incoming, strict=True):
            mine = here.get(row["id"])
            deleted = bool(hub.get("deleted")) or row["id"] in detached
            if deleted and table in (LABELS,):
                continue  # a label the team removed stays here until removed here
            if mine is not None and not deleted and table.same(self._comparable(mine), row):
                continue
            if mine is None and deleted:
                continue
            if row["id"] in pending and not self._never_edited(row["id"]):
                lost = mine if mine is not None else {"id": row["id"], "deleted": True}
                conflicts.append(self._conflict(lost, hub))
                history.append(self._entry(now, sync_state.CONFLICT, row, lost, hub))
            if table is ANNOTATIONS and not deleted:
                row = self._anchored(row)
            full = self._complete(row, mine)
            if names is not None:
                if deleted:
                    names.forget(row["id"], None if mine is None else mine["name"])
                else:
                    current = None if mine is None else mine["name"]
                    full = {**full, "name": names.fit(row["id"], full["name"], current)}
            if deleted:
                deletes.append(row["id"])
                history.append(self._entry(now, "delete", row, mine, None))
            elif mine is None:
                inserts.append(tuple(full[c] for c in _INSERTED[table.name]))
                history.append(self._entry(now, "create", row, None, full))
            else:
                key = table.split(row["id"])
                updates.append((*(full[c] for c in _UPDATED[table.name]), *key))
                history.append(self._entry(now, "update", row, mine, full))
        self.changed += len(inserts) + len(updates) + len(deletes)
        # Updates before inserts: a rename may free the name a new row takes.
        if deletes:
            history += self._delete(deletes, now)
        if updates:
            self.conn.executemany(self._update, updates)
        if inserts:
            self.conn.executemany(self._insert, inserts)
        if history:
            self.conn.executemany(_HISTORY, history)
        return conflicts

    def load_columns(self) -> tuple[str, ...]:
        """The hub columns `load` reads fastest, in this order."""
        return (*_INSERTED[self.table.name], "deleted", "row_version")

    def load(
        self, names: Sequence[str], hub_rows: Sequence[tuple[Any, ...]]
    ) -> list[tuple[str, int, str]]:
        """Insert these hub rows (tuples of `names`), all new here, into a table whose upkeep is
        set aside (`summarised`: the table was empty and this pull is the only writer of hub
        rows into it); tombstones are skipped. The same rows `apply` would insert, without
        building a dict per row. Returns (id, hub version, layer) of each row added."""
        table = self.table
        at = {name: i for i, name in enumerate(names)}
        columns = _INSERTED[table.name]
        take = [at[c] for c in columns]
        width = len(columns)
        in_order = take == list(range(width))  # `load_columns`: a slice per row
        translated = [
            (columns.index(column), self.ids.to_local_ids[kind])
            for column, kind in table.mapped
            if column in columns
        ]
        deleted, version = at["deleted"], at["row_version"]
        layer = columns.index(table.layer) if table.layer else 0
        anchored = table is ANNOTATIONS
        if anchored:
            doc, start, end, quote, prefix, suffix = (
                columns.index(c)
                for c in ("document_id", "start", "end", "quote", "prefix", "suffix")
            )
        inserts: list[list[Any]] = []
        loaded: list[tuple[str, int, str]] = []
        for hub in hub_rows:
            if hub[deleted]:
                continue
            values = list(hub[:width]) if in_order else [hub[i] for i in take]
            for position, local in translated:
                value = values[position]
                if value is not None:
                    values[position] = local.get(value, value)
            if anchored and (values[quote] is None or values[prefix] is None):
                text = self._text(values[doc])
                values[quote], values[prefix], values[suffix] = anchor(
                    text, values[start], values[end]
                )
            inserts.append(values)
            loaded.append((values[0], int(hub[version]), values[layer]))
        if inserts:
            self.conn.executemany(self._insert, inserts)
            versions = [int(r[version]) for r in hub_rows]
            self.conn.execute(_HISTORY, self._received(now_iso(), versions, len(inserts)))
        self.changed += len(inserts)
        return loaded

    # -- details ----------------------------------------------------------------------------

    def _empty(self) -> bool:
        """Whether the project's table was empty when this applier first looked (a clone:
        no row to compare with), and stays so as far as rows from elsewhere go."""
        if self._was_empty is None:
            found = self.conn.execute(f"SELECT 1 FROM {self.table.name} LIMIT 1").fetchone()
            self._was_empty = found is None
        return self._was_empty

    def _comparable(self, mine: Row) -> Row:
        out = dict(mine)
        out.setdefault("deleted", False)
        return out

    def _complete(self, row: Row, mine: Row | None) -> Row:
        if self.table is ANALYSTS:
            return {**row, "created": mine["created"] if mine else now_iso()}
        return row

    def _anchored(self, row: Row) -> Row:
        if row.get("quote") is not None and row.get("prefix") is not None:
            return row
        text = self._text(row["document_id"])
        quote, prefix, suffix = anchor(text, row["start"], row["end"])
        return {**row, "quote": quote, "prefix": prefix, "suffix": suffix}

    def _text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            found = self.conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id])
            self._texts[doc_id] = (found.fetchone() or [""])[0]
        return self._texts[doc_id]

    def _detached(self, incoming: Sequence[Row]) -> set[str]:
        """Attachments (project content) whose claim or talking point is not in the project."""
        claims = {r["annotation_id"] for r in incoming}
        points = {r["talking_point_id"] for r in incoming}
        here = _existing(self.conn, "annotations", claims) | _existing(
            self.conn, "talking_points", points
        )
        return {
            r["id"]
            for r in incoming
            if r["annotation_id"] not in here or r["talking_point_id"] not in here
        }

    def _delete(self, ids: list[str], now: str) -> list[tuple[Any, ...]]:
        """Remove these rows; the history entries of what went with them (a talking point's
        attachments here)."""
        entries: list[tuple[Any, ...]] = []
        if self.table is TALKING_POINTS:
            # Its claims leave it first, each recorded (no cascade on this reference).
            claims = Applier(self.conn, CLAIMS, self.ids)
            for chunk in sync_state.chunks(ids):
                marks = ", ".join("?" * len(chunk))
                members = self.conn.execute(
                    "SELECT annotation_id FROM talking_point_claims "
                    f"WHERE talking_point_id IN ({marks})",
                    list(chunk),
                ).fetchall()
                gone = local_rows(self.conn, CLAIMS, [m[0] for m in members])
                self.conn.execute(
                    f"DELETE FROM talking_point_claims WHERE talking_point_id IN ({marks})",
                    list(chunk),
                )
                entries += [claims._entry(now, "delete", r, r, None) for r in gone.values()]
        if self.table is ANNOTATIONS:
            # Links go explicitly before their annotation, never by the cascade.
            for chunk in sync_state.chunks(ids):
                marks = ", ".join("?" * len(chunk))
                self.conn.execute(
                    f"DELETE FROM links WHERE source_id IN ({marks}) OR target_id IN ({marks})",
                    [*chunk, *chunk],
                )
        self.conn.executemany(
            f"DELETE FROM {self.table.name} WHERE {_key_match(self.table)}",
            [self.table.split(i) for i in ids],
        )
        return entries

    def _entry(
        self, now: str, action: str, row: Row, before: Row | None, after: Any
    ) -> tuple[Any, ...]:
        by = row.get(_BY.get(self.table.name, ""), None)
        if action == sync_state.CONFLICT:
            assert isinstance(after, dict)
            after = {"kept": "hub", "hub_version": after["row_version"], "by": after["owner"]}
        document = row.get("document_id") if self.table is not DOCUMENTS else row["id"]
        if self.table is CLAIMS:
            found = self.conn.execute(
                "SELECT document_id FROM annotations WHERE id = ?", [row["id"]]
            ).fetchone()
            document = None if found is None else found[0]
        if self.table is DOCUMENTS:
            before = _without_text(before)
            after = _without_text(after)
        return (
            now,
            by,
            action,
            self.table.entity,
            row["id"],
            document,
            None if before is None else _ENCODER.encode(before),
            None if after is None else _ENCODER.encode(after),
        )

    def _received(self, now: str, versions: Sequence[int], count: int) -> tuple[Any, ...]:
        """The history entry of a batch of new rows received together (see `summarised`)."""
        after = {
            "table": self.table.name, "rows": count,
            "hub_versions": [min(versions), max(versions)],
        }  # fmt: skip
        return (now, None, RECEIVED, "hub", self.table.name, None, None, _ENCODER.encode(after))

    def _conflict(self, lost: Row, hub: Row) -> Conflict:
        what = str(
            lost.get("quote") or lost.get("body") or lost.get("title") or lost.get("name")
            or lost["id"]
        )  # fmt: skip
        return Conflict(
            self.table.name,
            lost["id"],
            what[:80],
            _without_text(lost) or {},
            int(hub["row_version"]),
            str(hub.get("owner", "")),
        )

    def _never_edited(self, local_id: str) -> bool:
        """A row paired by its name in this batch that this project only ever created (a new
        project's shipped codebook meeting the team's on its first sync): the hub's version is
        simply taken, it is no edit of ours that lost."""
        if local_id not in self._paired:
            return False
        edited = self.conn.execute(
            "SELECT 1 FROM history WHERE entity = ? AND entity_id = ? AND action != 'create' "
            "LIMIT 1",
            [self.table.entity, local_id],
        ).fetchone()
        return edited is None

    def _pair_by_key(self, hub_rows: Sequence[Row]) -> None:
        """Hub analysts, labels, documents and talking points this project has under another id
        (the same name, label name, text or talking point name) are paired with it instead of
        added twice. A hub row known here under its own id is never paired with another."""
        key, local_key = {
            "analysts": ("name", "name"),
            "labels": ("name", "name"),
            "documents": ("text_sha256", "text_hash"),
            "talking_points": ("name", "name"),
        }[self.table.name]
        nocase = " COLLATE NOCASE" if self.table is TALKING_POINTS else ""
        kind = self.table.mapped[0][1]
        for hub in hub_rows:
            if hub["id"] in self.ids.to_local_ids[kind] or hub.get("deleted"):
                continue
            found = self.conn.execute(
                f"SELECT id FROM {self.table.name} WHERE {local_key} = ?{nocase}", [hub[key]]
            ).fetchone()
            if found is None or found[0] == hub["id"]:
                continue
            known = f"SELECT 1 FROM {self.table.name} WHERE id = ?"
            if self.conn.execute(known, [hub["id"]]).fetchone() is not None:
                continue  # the hub's row is here already: a rename onto another's name
            if found[0] in self.ids.to_hub_ids[kind]:
                continue  # already the hub's other row of that name
            self.ids.pair(kind, found[0], hub["id"])
            self._paired.add(found[0])


def _without_text(row: Row | None) -> Row | None:
    if row is None:
        return None
    return {k: v for k, v in row.items() if k != "text"}


def _existing(conn: sqlite3.Connection, table: str, ids: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in sync_state.chunks(sorted(ids)):
        marks = ", ".join("?" * len(chunk))
        found.update(
            r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN ({marks})", chunk)
        )
    return found
