"""What records coming from elsewhere (an annotation file, a colleague's project) are matched
against: the local document with the same text, id, address or title, and when the project
last deleted or edited something (a deletion made after a file's version wins over it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.core.records import Annotation, DocumentId

if TYPE_CHECKING:
    from annotator.core.store.project import Store

#: Ids asked about in one query (well under SQLite's limit of bound parameters).
MAX_IDS = 500
_ANNOTATION_COLUMNS = ", ".join(f'"{field.name}"' for field in dataclasses.fields(Annotation))


def document_by_text(store: Store, text_sha256: str) -> tuple[DocumentId, str] | None:
    """(id, title) of the document with this text (its sha256), if any."""
    row = store.conn.execute(
        "SELECT id, title FROM documents WHERE text_hash = ?", [text_sha256]
    ).fetchone()
    return None if row is None else (DocumentId(row[0]), row[1])


def document_by_id(store: Store, document_id: str) -> tuple[DocumentId, str] | None:
    """(id, title) of the document with this id, if any."""
    row = store.conn.execute(
        "SELECT id, title FROM documents WHERE id = ?", [document_id]
    ).fetchone()
    return None if row is None else (DocumentId(row[0]), row[1])


def document_by_address(store: Store, *addresses: str) -> tuple[DocumentId, str] | None:
    """(id, title) of a document whose canonical address is one of `addresses`, the first
    address preferred."""
    if not addresses:
        return None
    marks = ", ".join("?" * len(addresses))
    row = store.conn.execute(
        f"SELECT id, title FROM documents WHERE url IN ({marks}) ORDER BY url = ? DESC",
        [*addresses, addresses[0]],
    ).fetchone()
    return None if row is None else (DocumentId(row[0]), row[1])


def documents_by_title(store: Store, title: str) -> list[tuple[DocumentId, str, str | None]]:
    """(id, title, published) of every document with exactly this title."""
    rows = store.conn.execute(
        "SELECT id, title, published FROM documents WHERE title = ?", [title]
    ).fetchall()
    return [(DocumentId(r[0]), r[1], r[2]) for r in rows]


def last_change(store: Store, entity: str, entity_id: str, action: str) -> str | None:
    """When history last recorded `action` ("delete", "update" …) on the entity, or None."""
    row = store.conn.execute(
        "SELECT max(at) FROM history WHERE entity = ? AND entity_id = ? AND action = ?",
        [entity, entity_id, action],
    ).fetchone()
    return None if row[0] is None else str(row[0])


def annotations_by_id(store: Store, ids: Sequence[str]) -> dict[str, Annotation]:
    """The annotations with these ids that the project has (at most 500 ids a call)."""
    rows = store.conn.execute(
        f"SELECT {_ANNOTATION_COLUMNS} FROM annotations WHERE id IN ({_marks(ids)})", list(ids)
    ).fetchall()
    return {row[0]: Annotation(*row) for row in rows}


def last_changes(store: Store, entity: str, ids: Sequence[str], action: str) -> dict[str, str]:
    """`last_change` of many entities at once (at most 500 ids a call): those never changed
    so are absent."""
    rows = store.conn.execute(
        "SELECT entity_id, max(at) FROM history WHERE entity = ? AND action = ? "
        f"AND entity_id IN ({_marks(ids)}) GROUP BY entity_id",
        [entity, action, *ids],
    ).fetchall()
    return {row[0]: str(row[1]) for row in rows}


def _marks(values: Sequence[object]) -> str:
    if len(values) > MAX_IDS:
        raise ValueError(f"at most {MAX_IDS} ids at a time")
    return ", ".join("?" * len(values))
