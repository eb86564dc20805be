"""The project's codebook as stored: labels table plus sentiment values in meta.

Labels are referenced by id from annotations, so a rename or a move keeps the id and every
annotation follows; a label or sentiment value that annotations use is never removed.

The codebook is read often (every annotation checked against it) and changes rarely, so it is
kept in memory, with the version of the project it was read from: `PRAGMA data_version`, which
moves when another connection commits (the command line, a second window, a sync), and a mark
this connection's own temporary triggers set to a new random value whenever it writes a label or
the sentiments. The mark lives in the connection's TEMP schema, inside its transactions: a
rolled-back change (a transaction or a savepoint) takes the mark back with it, so the codebook
it showed is read again. Where the triggers cannot be made, nothing is kept.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from typing import TYPE_CHECKING

from annotator.core.codebook import (
    Codebook,
    Label,
    LabelDraft,
    label_in_use,
    load_default_codebook,
    role_in_use,
    sentiment_in_use,
    validate_labels,
)
from annotator.core.errors import ValidationError
from annotator.core.records import AnalystId, LabelId, new_id
from annotator.core.store import history, safeguard

if TYPE_CHECKING:
    from annotator.core.store.database import Database
    from annotator.core.store.project import Store


#: What the cache is keyed on: (data_version, this connection's mark of its own changes).
_Version = tuple[int, int]

#: The mark, and the triggers that move it on every write to labels or to the sentiments.
_MARK_SQL = [
    "CREATE TEMP TABLE IF NOT EXISTS codebook_mark (n INTEGER NOT NULL)",
    "INSERT INTO temp.codebook_mark (n) SELECT 0 WHERE NOT EXISTS "
    "(SELECT 1 FROM temp.codebook_mark)",
    *(
        f"CREATE TEMP TRIGGER IF NOT EXISTS codebook_mark_labels_{event.lower()} "
        f"AFTER {event} ON main.labels BEGIN UPDATE codebook_mark SET n = random(); END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    *(
        f"CREATE TEMP TRIGGER IF NOT EXISTS codebook_mark_meta_{event.lower()} "
        f"AFTER {event} ON main.meta WHEN {row}.key = 'sentiments' "
        "BEGIN UPDATE codebook_mark SET n = random(); END"
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    ),
]
_TRIGGERS = sum(1 for sql in _MARK_SQL if "TRIGGER" in sql)
#: The version, and how many of the triggers are there (dropping `labels` drops them too).
_VERSION_SQL = (
    "SELECT n, (SELECT data_version FROM pragma_data_version), (SELECT count(*) FROM "
    "sqlite_temp_master WHERE type = 'trigger' AND name GLOB 'codebook_mark_*') "
    "FROM temp.codebook_mark"
)


class CodebookRepo:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._cached: tuple[_Version, Codebook] | None = None
        self._marked: bool | None = None  # None: the triggers not tried yet

    def ensure_default(self) -> None:
        """Seed a new project with the shipped codebook (resources/codebook.json)."""
        if self._store.conn.execute("SELECT count(*) FROM labels").fetchone()[0]:
            return
        labels, sentiments = load_default_codebook()
        with self._store.transaction() as db:
            for position, label in enumerate(labels):
                row = {"id": new_id(), "position": position, **label}
                db.table("labels").insert(row)
                history.record(
                    db,
                    analyst_id=None,
                    action="create",
                    entity="label",
                    entity_id=str(row["id"]),
                    after=row,
                )
            self._store.set_meta("sentiments", json.dumps(sentiments, ensure_ascii=False))
        self._cached = None

    def get(self) -> Codebook:
        """The codebook as the project holds it now (kept in memory until it changes here or
        elsewhere, or a change to it is rolled back)."""
        version = self._version()
        if version is None:
            return self._read()
        if self._cached is None or self._cached[0] != version:
            self._cached = (version, self._read())
        return self._cached[1]

    def _version(self) -> _Version | None:
        """The version the codebook would be read from; None if it cannot be known."""
        conn = self._store.conn
        if not self._marked:
            # Made outside any transaction, so that no rollback takes the triggers away.
            if self._marked is False or conn.in_transaction:
                return None
            try:
                for sql in _MARK_SQL:
                    conn.execute(sql)
            except sqlite3.Error:  # a read-only connection (query_only), say: keep nothing
                self._marked = False
                return None
            self._marked = True
        try:
            row = conn.execute(_VERSION_SQL).fetchone()
        except sqlite3.Error:  # the TEMP schema is gone (the connection was reset)
            row = None
        if row is None or row[2] != _TRIGGERS:  # made again when next outside a transaction
            self._marked, self._cached = None, None  # what was kept may be stale
            return None
        return int(row[0]), int(row[1])

    def label_usage(self) -> dict[LabelId, int]:
        """How many annotations use each label (labels no annotation uses are absent)."""
        rows = self._store.conn.execute(
            "SELECT label_id, count(*) FROM annotations GROUP BY label_id"
        ).fetchall()
        return {LabelId(r[0]): r[1] for r in rows}

    def sentiment_usage(self) -> dict[str, int]:
        """How many annotations carry each sentiment value (unused values are absent)."""
        rows = self._store.conn.execute(
            "SELECT sentiment, count(*) FROM annotations WHERE sentiment IS NOT NULL "
            "GROUP BY sentiment"
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def save(
        self, labels: list[LabelDraft], sentiments: list[str], *, analyst_id: AnalystId | None
    ) -> Codebook:
        """Replace the codebook by `labels` (in this order) and `sentiments`, in one transaction.

        Raises ValidationError, leaving the project unchanged, if the result is invalid, if a
        removed label or sentiment value is still used by annotations, or if a used label's
        role would change (its links and speaker names depend on the role).
        """
        drafts = [_normalised(draft) for draft in labels]
        sentiments = [value.strip() for value in sentiments]
        validate_labels([dataclasses.asdict(d) for d in drafts], sentiments)
        kept_ids = {d.id for d in drafts if d.id is not None}
        if any(label.id not in kept_ids for label in self.get().labels):
            safeguard.back_up(self._store.path, "before-codebook-change")
        try:
            with self._store.transaction() as db:
                # Read inside the transaction: its write lock keeps another window out.
                old = self._read()
                self._check(old, drafts, sentiments)
                kept = {d.id for d in drafts if d.id is not None}
                for label in old.labels:
                    if label.id not in kept:
                        db.execute("DELETE FROM labels WHERE id = ?", [label.id])
                        self._record(db, analyst_id, "delete", label, None)
                # names are UNIQUE: park renamed labels under their (unique) ids first, so that
                # names can swap or pass from a removed label to a new one.
                for draft in drafts:
                    if draft.id is not None and draft.name != old.by_id(draft.id).name:
                        db.execute("UPDATE labels SET name = ? WHERE id = ?", [draft.id, draft.id])
                for position, draft in enumerate(drafts):
                    self._write(db, analyst_id, old, draft, position)
                if list(old.sentiments) != sentiments:
                    self._store.set_meta("sentiments", json.dumps(sentiments, ensure_ascii=False))
                    history.record(
                        db,
                        analyst_id=analyst_id,
                        action="update",
                        entity="codebook",
                        entity_id="sentiments",
                        before={"sentiments": list(old.sentiments)},
                        after={"sentiments": sentiments},
                    )
        finally:
            self._cached = None
        return self.get()

    # -- internals --------------------------------------------------------------------------

    def _read(self) -> Codebook:
        rows = self._store.conn.execute(
            "SELECT id, name, role, shortcut, color, description, position "
            "FROM labels ORDER BY position"
        ).fetchall()
        labels = tuple(Label(LabelId(r[0]), r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows)
        sentiments = tuple(json.loads(self._store.meta("sentiments") or "[]"))
        return Codebook(labels, sentiments)

    def _check(self, old: Codebook, drafts: list[LabelDraft], sentiments: list[str]) -> None:
        """Refuse unknown ids and removals or role changes that annotations depend on."""
        known = {label.id for label in old.labels}
        ids = [d.id for d in drafts if d.id is not None]
        if len(set(ids)) != len(ids) or not set(ids) <= known:
            raise ValidationError(
                "The codebook changed while it was being edited; reopen the editor and try again."
            )
        usage = self.label_usage()
        for label in old.labels:
            if label.id not in ids and usage.get(label.id):
                raise ValidationError(label_in_use(label.name, usage[label.id]))
        for draft in drafts:
            if draft.id is not None and usage.get(draft.id):
                before = old.by_id(draft.id)
                if draft.role != before.role:
                    raise ValidationError(role_in_use(before.name, usage[draft.id]))
        used = self.sentiment_usage()
        for value in old.sentiments:
            if value not in sentiments and used.get(value):
                raise ValidationError(sentiment_in_use(value, used[value]))

    def _write(
        self,
        db: Database,
        analyst_id: AnalystId | None,
        old: Codebook,
        draft: LabelDraft,
        position: int,
    ) -> None:
        """Insert a new label or update a kept one (recorded only if something changed)."""
        label = Label(
            draft.id or LabelId(new_id()),
            draft.name,
            draft.role,
            draft.shortcut,
            draft.color,
            draft.description,
            position,
        )
        if draft.id is None:
            db.table("labels").insert(dataclasses.asdict(label))
            self._record(db, analyst_id, "create", None, label)
            return
        before = old.by_id(draft.id)
        db.table("labels").update(label.id, dataclasses.asdict(label))
        if label != before:
            self._record(db, analyst_id, "update", before, label)

    @staticmethod
    def _record(
        db: Database,
        analyst_id: AnalystId | None,
        action: str,
        before: Label | None,
        after: Label | None,
    ) -> None:
        label = after or before
        assert label is not None
        history.record(
            db,
            analyst_id=analyst_id,
            action=action,
            entity="label",
            entity_id=label.id,
            before=None if before is None else dataclasses.asdict(before),
            after=None if after is None else dataclasses.asdict(after),
        )


def _normalised(draft: LabelDraft) -> LabelDraft:
    """Collapse whitespace in names, trim the rest, lower-case colours; "" role means none."""
    return dataclasses.replace(
        draft,
        name=" ".join(draft.name.split()),
        role=draft.role or None,
        shortcut=draft.shortcut.strip(),
        color=draft.color.strip().lower(),
        description=draft.description.strip(),
    )
