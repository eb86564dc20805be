"""What exports and selections read: documents in export order, layers by name, and one
document's annotations, links, comments and review decisions with names instead of ids.

Export order: documents by published date (undated last), title and id; within each,
annotations by start, end and id. `read_snapshot` runs a whole export from one committed state.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

#: Where export order puts a document: its published date (undated last), title and id.
DOCUMENT_ORDER = "published IS NULL, published, title, id"


class DocumentRow(NamedTuple):
    """A document as exports describe it (its text is read separately, where needed).

    `outlet`, `author`, `url` (canonical) and `language` are "" when unknown; `page_starts`
    holds the code point where each page starts (empty for unpaged sources)."""

    id: str
    title: str
    source: str
    published: str | None
    imported_at: str
    text_sha256: str
    outlet: str = ""
    author: str = ""
    url: str = ""
    language: str = ""
    page_starts: tuple[int, ...] = ()


class AnnotationRow(NamedTuple):
    """An annotation with names instead of ids: what JSONL and W3C need (`analyst_id` only
    to tell the reviewed layer from a person: ids differ between projects)."""

    id: str
    analyst: str
    label: str
    label_role: str | None
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    sentiment: str | None
    speaker_name: str | None
    note: str
    created: str
    modified: str
    analyst_id: str


class LinkRow(NamedTuple):
    id: str
    kind: str
    target_id: str | None
    name: str | None
    analyst: str
    created: str
    linked_name: str  # the typed name, or the linked span's canonical name
    analyst_id: str


class CommentRow(NamedTuple):
    """A comment with its author's name. `modified`: when it was last edited here (the newest
    "update" in the project's history), else when it was written."""

    id: str
    annotation_id: str
    author: str
    created: str
    modified: str
    body: str


class DecisionRow(NamedTuple):
    """A review decision with names: the reviewer's, and each compared layer's (with its id,
    to tell the reviewed layer from a person)."""

    id: str
    reviewer: str
    decided: str
    decision: str
    first_layer: str
    first_layer_id: str
    second_layer: str
    second_layer_id: str
    sources: str  # JSON, as stored: [[annotation id, modified], ...]
    results: str  # JSON, as stored: [annotation id, ...]


@dataclass(frozen=True)
class AnnotationWhere:
    """Which annotations of a document: layers and labels by id (None: all), and an inclusive
    range of UTC days on `date_field` ("modified" or "created")."""

    layer_ids: tuple[str, ...] | None = None
    label_ids: tuple[str, ...] | None = None
    date_field: str = "modified"
    since: date | None = None
    until: date | None = None

    def sql(self, alias: str = "a") -> tuple[str, dict[str, Any]]:
        """(" AND ..." terms on `alias`, their named parameters); ("", {}) for everything."""
        terms: list[str] = []
        params: dict[str, Any] = {}

        def bind(stem: str, values: Sequence[str]) -> str:
            names = [f"w_{stem}{i}" for i in range(len(values))]
            params.update(zip(names, values, strict=True))
            return ", ".join(f":{name}" for name in names)

        if self.layer_ids is not None:
            terms.append(f"{alias}.analyst_id IN ({bind('layer', self.layer_ids)})")
        if self.label_ids is not None:
            ids = self.label_ids
            terms.append(f"{alias}.label_id IN ({bind('label', ids)})" if ids else "0")
        if self.date_field not in ("modified", "created"):
            raise ValueError(f"annotations are dated by modified or created, not {self.date_field}")
        if self.since:
            terms.append(f"{alias}.{self.date_field} >= {bind('since', [self.since.isoformat()])}")
        if self.until:
            # Stored times are ISO UTC strings, so "before the next day" includes all of `until`.
            next_day = (self.until + timedelta(days=1)).isoformat()
            terms.append(f"{alias}.{self.date_field} < {bind('until', [next_day])}")
        return "".join(f" AND {term}" for term in terms), params


def _page_starts(stored: str | None) -> tuple[int, ...]:
    """The stored page map (a JSON list of offsets) as a tuple; () if absent or unreadable."""
    try:
        starts = json.loads(stored or "[]")
        return tuple(int(s) for s in starts) if isinstance(starts, list) else ()
    except (ValueError, TypeError):
        return ()


def documents_in_order(conn: sqlite3.Connection) -> list[DocumentRow]:
    """Every document, in export order."""
    return [
        DocumentRow._make((*r[:10], _page_starts(r[10])))
        for r in conn.execute(
            "SELECT id, title, source, published, imported_at, text_hash, outlet, author, "
            f"url, language, page_starts FROM documents ORDER BY {DOCUMENT_ORDER}"
        )
    ]


def layer_ids_by_name(conn: sqlite3.Connection) -> dict[str, str]:
    """Every layer's id by its name: the analysts and the reviewed layer (once it is named)."""
    return dict(conn.execute("SELECT name, id FROM analysts").fetchall())


def document_text(conn: sqlite3.Connection, document_id: str) -> str:
    return str(conn.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()[0])


def annotation_rows(
    conn: sqlite3.Connection, document_id: str, where: AnnotationWhere
) -> list[AnnotationRow]:
    """One document's annotations that `where` takes, in reading order."""
    condition, params = where.sql()
    rows = conn.execute(
        'SELECT a.id, an.name, l.name, l.role, a.start, a."end", a.quote, a.prefix, '
        "a.suffix, a.sentiment, a.speaker_name, a.note, a.created, a.modified, a.analyst_id "
        "FROM annotations a JOIN analysts an ON an.id = a.analyst_id "
        "JOIN labels l ON l.id = a.label_id "
        f"WHERE a.document_id = :document_id{condition} "
        'ORDER BY a.start, a."end", a.id',
        {**params, "document_id": document_id},
    )
    return [AnnotationRow(*r) for r in rows]


def link_rows(conn: sqlite3.Connection, document_id: str) -> dict[str, list[LinkRow]]:
    """Every link from an annotation of this document, by source annotation id. A linked
    span's name is its speaker_name, or its quote (put on one line by `linked_name` users)."""
    rows = conn.execute(
        "SELECT k.source_id, k.id, k.kind, k.target_id, k.name, an.name, k.created, "
        "coalesce(k.name, t.speaker_name, t.quote, ''), k.analyst_id, "
        "k.name IS NULL AND t.speaker_name IS NULL AND t.quote IS NOT NULL "
        "FROM links k JOIN annotations s ON s.id = k.source_id "
        "JOIN analysts an ON an.id = k.analyst_id "
        "LEFT JOIN annotations t ON t.id = k.target_id "
        "WHERE s.document_id = ? ORDER BY k.source_id, k.kind, k.created, k.id",
        [document_id],
    )
    by_source: dict[str, list[LinkRow]] = {}
    for source_id, *fields, from_quote in rows:
        if from_quote:  # a quote, as the window names the span: on one line
            fields[6] = " ".join(fields[6].split())
        by_source.setdefault(source_id, []).append(LinkRow(*fields))
    return by_source


def comment_rows(conn: sqlite3.Connection, document_id: str) -> dict[str, list[CommentRow]]:
    """Every comment on an annotation of this document, by annotation, in thread order; the
    edit time comes from the history's index by entity."""
    rows = conn.execute(
        "SELECT c.id, c.annotation_id, an.name, c.created, coalesce((SELECT max(h.at) "
        "FROM history h WHERE h.entity = 'comment' AND h.entity_id = c.id "
        "AND h.action = 'update'), c.created), c.body "
        "FROM comments c JOIN annotations a ON a.id = c.annotation_id "
        "JOIN analysts an ON an.id = c.author_id "
        "WHERE a.document_id = ? ORDER BY c.annotation_id, c.created, c.rowid",
        [document_id],
    )
    by_annotation: dict[str, list[CommentRow]] = {}
    for row in rows:
        comment = CommentRow(*row)
        by_annotation.setdefault(comment.annotation_id, []).append(comment)
    return by_annotation


def decision_rows(conn: sqlite3.Connection, document_id: str) -> list[DecisionRow]:
    """The document's review decisions, oldest first (layers by name, as analysts go)."""
    rows = conn.execute(
        "SELECT d.id, r.name, d.decided, d.decision, coalesce(f.name, d.first_layer), "
        "d.first_layer, coalesce(s.name, d.second_layer), d.second_layer, d.sources, "
        "d.results FROM review_decisions d JOIN analysts r ON r.id = d.reviewer_id "
        "LEFT JOIN analysts f ON f.id = d.first_layer "
        "LEFT JOIN analysts s ON s.id = d.second_layer "
        "WHERE d.document_id = ? ORDER BY d.decided, d.id",
        [document_id],
    )
    return [DecisionRow(*r) for r in rows]


def reviewer_rows(conn: sqlite3.Connection, document_id: str) -> dict[str, tuple[str, str]]:
    """(reviewer, time) of the latest decision that left each reviewed-layer annotation of
    this document, in one grouped query (SQLite takes the bare columns of an aggregate query
    with max() from the row holding the maximum)."""
    rows = conn.execute(
        "SELECT r.value, an.name, max(d.decided) FROM review_decisions d "
        "JOIN json_each(d.results) r JOIN analysts an ON an.id = d.reviewer_id "
        "WHERE d.document_id = ? GROUP BY r.value",
        [document_id],
    )
    return {r[0]: (r[1], r[2]) for r in rows}


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Read everything from one committed state (WAL keeps writers running meanwhile)."""
    if conn.in_transaction:  # the caller's transaction already is a snapshot
        yield
        return
    conn.execute("BEGIN")  # deferred: takes no write lock
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
