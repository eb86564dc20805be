"""The project's codebook as stored: labels table plus sentiment values in meta."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from annotator.core.codebook import Codebook, Label, load_default_codebook
from annotator.core.records import LabelId, new_id
from annotator.core.store import history

if TYPE_CHECKING:
    from annotator.core.store.project import Store


class CodebookRepo:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._cached: Codebook | None = None

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
        """The codebook, cached until it changes."""
        if self._cached is None:
            rows = self._store.conn.execute(
                "SELECT id, name, role, shortcut, color, description, position "
                "FROM labels ORDER BY position"
            ).fetchall()
            labels = tuple(Label(LabelId(r[0]), r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows)
            sentiments = tuple(json.loads(self._store.meta("sentiments") or "[]"))
            self._cached = Codebook(labels, sentiments)
        return self._cached
