"""Many annotations and links written at once: prepared statements in batches, history included.

`Annotations.put` and `put_link` write one row with its history entry, going through
sqlite-utils' table introspection each time: right for an analyst's action, slow for the
200,000 annotations of a file. `AnnotationWriter` and `LinkWriter` keep checked rows and write
them `BATCH_ROWS` at a time with one `executemany` per statement (INSERT for new rows, UPDATE
for newer versions, INSERT into history), inside the caller's transaction. The rows and history
entries are those `put` and `put_link` write; the search index's triggers see the same changes.
Rows kept are not in the database yet: `flush` before reading them back.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from annotator.core.records import AnalystId, Annotation, AnnotationId, Link, now_iso

if TYPE_CHECKING:
    from annotator.core.store.project import Store

#: Rows kept before they are written: large enough to amortise each statement, small enough
#: that memory does not grow with the file.
BATCH_ROWS = 2000

_HISTORY = (
    "INSERT INTO history (at, analyst_id, action, entity, entity_id, document_id, before, "
    "after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _statements(table: str, record: type) -> tuple[tuple[str, ...], str, str]:
    """(field names, INSERT of a whole row, UPDATE of a whole row by id)."""
    fields = tuple(field.name for field in dataclasses.fields(record))
    quoted = [f'"{name}"' for name in fields]  # "end" is an SQL keyword
    insert = f"INSERT INTO {table} ({', '.join(quoted)}) VALUES ({', '.join('?' * len(fields))})"
    update = f"UPDATE {table} SET {', '.join(q + ' = ?' for q in quoted[1:])} WHERE id = ?"
    return fields, insert, update


_ANNOTATION_FIELDS, _INSERT_ANNOTATION, _UPDATE_ANNOTATION = _statements("annotations", Annotation)
_LINK_FIELDS, _INSERT_LINK, _ = _statements("links", Link)


#: What `history.record` writes (json.dumps with ensure_ascii=False), without making an
#: encoder for every row.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _row(record: object, fields: tuple[str, ...]) -> dict[str, Any]:
    # Not dataclasses.asdict: it deep-copies every value, and these are all plain scalars.
    return {name: getattr(record, name) for name in fields}


class _Batches:
    """Rows for a few statements, written together when there are enough of them."""

    def __init__(self, store: Store, statements: tuple[str, ...]) -> None:
        self._conn = store.conn
        self._size = BATCH_ROWS
        self._rows: dict[str, list[tuple[Any, ...]]] = {sql: [] for sql in statements}

    def add(self, sql: str, row: tuple[Any, ...]) -> None:
        self._rows[sql].append(row)

    @property
    def full(self) -> bool:
        return max(len(rows) for rows in self._rows.values()) >= self._size

    def write(self) -> None:
        for sql, rows in self._rows.items():  # in the order the statements were given
            if rows:
                self._conn.executemany(sql, rows)
                rows.clear()


class AnnotationWriter:
    """Stores annotations already checked against their text (`annotations.checked`)."""

    def __init__(self, store: Store, *, analyst_id: AnalystId | None) -> None:
        self._analyst_id = analyst_id
        self._batches = _Batches(store, (_INSERT_ANNOTATION, _UPDATE_ANNOTATION, _HISTORY))

    def put(self, annotation: Annotation, *, before: Annotation | None) -> None:
        """Add (`before` None) or replace an annotation; `before` is the stored version."""
        row = _row(annotation, _ANNOTATION_FIELDS)
        values = tuple(row.values())
        if before is None:
            self._batches.add(_INSERT_ANNOTATION, values)
        else:
            self._batches.add(_UPDATE_ANNOTATION, (*values[1:], annotation.id))
        history = (
            now_iso(),
            self._analyst_id,
            "create" if before is None else "update",
            "annotation",
            annotation.id,
            annotation.document_id,
            None if before is None else _ENCODER.encode(_row(before, _ANNOTATION_FIELDS)),
            _ENCODER.encode(row),
        )
        self._batches.add(_HISTORY, history)
        if self._batches.full:
            self.flush()

    def flush(self) -> None:
        """Write the rows kept so far."""
        self._batches.write()


class LinkWriter:
    """Stores new links already checked (`Annotations.new_link`)."""

    def __init__(self, store: Store, *, analyst_id: AnalystId | None) -> None:
        self._analyst_id = analyst_id
        self._batches = _Batches(store, (_INSERT_LINK, _HISTORY))
        self._kinds: set[tuple[AnnotationId, str]] = set()

    def put(self, link: Link) -> None:
        """Add a link (its id is new to the project)."""
        row = _row(link, _LINK_FIELDS)
        self._batches.add(_INSERT_LINK, tuple(row.values()))
        history = (
            now_iso(),
            self._analyst_id,
            "create",
            "link",
            link.id,
            None,
            None,
            _ENCODER.encode(row),
        )
        self._batches.add(_HISTORY, history)
        self._kinds.add((link.source_id, link.kind))
        if self._batches.full:
            self.flush()

    def holds(self, source_id: AnnotationId, kind: str) -> bool:
        """Whether a link of this kind from this claim is kept, not written yet."""
        return (source_id, kind) in self._kinds

    def flush(self) -> None:
        """Write the rows kept so far."""
        self._batches.write()
        self._kinds.clear()
