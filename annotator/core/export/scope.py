"""What an export covers: the filter, resolved against a project into SQL and a document order.

Every format walks the same way: documents ordered by published date (undated last), title and
id; within each, annotations by start, end and id. One indexed query per document
(`annotations_by_document`) keeps memory flat however large the project, and the whole walk runs
in one read transaction, so an export is a consistent snapshot even while a window keeps editing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from annotator.core.errors import AnnotatorError, ValidationError
from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.store import Store

#: Called after each document with (documents done, documents in scope); False cancels.
Progress = Callable[[int, int], bool]

DATE_FIELDS = ("modified", "created")
#: SQL function registered on the connection: a speaker span's name on one line (as the GUI).
ONE_LINE = "annotator_one_line"
#: Shortest id prefix accepted in place of a full document id (`annotator list` shows 8).
_MIN_ID_PREFIX = 8


class ExportCancelled(AnnotatorError):
    """The progress callback asked to stop; the output file was left as it was."""


@dataclass(frozen=True)
class ExportFilter:
    """Which annotations to export; empty fields match everything.

    `analysts` and `layers` name layers of annotations, and together select their union:
    `analysts` by name (the reviewed layer's name included), `layers` the same or "reviewed"
    for the reviewed layer whatever its name. `documents` holds ids, unique id prefixes of 8+
    characters (as `annotator list` shows) or exact titles. `since`/`until` are inclusive UTC
    days applied to `date_field`.
    """

    analysts: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    date_field: str = "modified"
    layers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("analysts", "labels", "documents", "layers"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.date_field not in DATE_FIELDS:
            raise ValidationError(f"Filter dates apply to {' or '.join(DATE_FIELDS)}.")
        if self.since and self.until and self.since > self.until:
            raise ValidationError(f"The date range ends ({self.until}) before it starts.")

    @property
    def narrows_annotations(self) -> bool:
        """True if some annotations of a document in scope may be left out."""
        return bool(self.analysts or self.layers or self.labels or self.since or self.until)

    def describe(self) -> str:
        """The filter in words, e.g. for a collection label; "" when it matches everything."""
        parts = [
            f"{what}: {', '.join(values)}"
            for what, values in (
                ("by", self.analysts),
                ("layers", self.layers),
                ("labels", self.labels),
                ("documents", self.documents),
            )
            if values
        ]
        if self.since:
            parts.append(f"{self.date_field} since {self.since}")
        if self.until:
            parts.append(f"{self.date_field} until {self.until}")
        return "; ".join(parts)


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


def _page_starts(stored: str | None) -> tuple[int, ...]:
    """The stored page map (a JSON list of offsets) as a tuple; () if absent or unreadable."""
    try:
        starts = json.loads(stored or "[]")
        return tuple(int(s) for s in starts) if isinstance(starts, list) else ()
    except (ValueError, TypeError):
        return ()


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


#: The default filter: every annotation of every document.
EVERYTHING = ExportFilter()


def one_line(text: str | None) -> str | None:
    """A name on one line: each run of whitespace becomes one space, as the window shows it."""
    return None if text is None else " ".join(text.split())


class Scope:
    """An ExportFilter resolved against one project (unknown names are refused, not ignored)."""

    def __init__(self, store: Store, flt: ExportFilter, *, roles: tuple[str, ...] = ()) -> None:
        self.conn = store.conn
        self.filter = flt
        self.conn.create_function(ONE_LINE, 1, one_line, deterministic=True)
        terms: list[str] = []
        #: Named parameters, so that formats can add their own (`:document_id`) beside them.
        self.params: dict[str, Any] = {}
        #: Ids of the layers in scope; None when the filter takes every layer.
        self.layer_ids: frozenset[str] | None = None
        if flt.analysts or flt.layers:
            ids = self._layers(flt.analysts, flt.layers)
            self.layer_ids = frozenset(ids)
            terms.append(f"a.analyst_id IN ({self._bind('analyst', ids)})")
        if flt.labels or roles:
            codebook = store.codebook.get()
            labels = list(codebook.labels)
            if flt.labels:
                known = {label.name: label for label in labels}
                missing = [name for name in flt.labels if name not in known]
                if missing:
                    raise ValidationError(_unknown("label", missing, [la.name for la in labels]))
                labels = [known[name] for name in dict.fromkeys(flt.labels)]
            ids = [label.id for label in labels if not roles or label.role in roles]
            terms.append(f"a.label_id IN ({self._bind('label', ids)})" if ids else "0")
        if flt.since:
            terms.append(f"a.{flt.date_field} >= {self._bind('since', [flt.since.isoformat()])}")
        if flt.until:
            # Stored times are ISO UTC strings, so "before the next day" includes all of `until`.
            next_day = (flt.until + timedelta(days=1)).isoformat()
            terms.append(f"a.{flt.date_field} < {self._bind('until', [next_day])}")
        self.condition = "".join(f" AND {term}" for term in terms)
        self.documents = self._documents(flt.documents)

    def _bind(self, stem: str, values: list[str]) -> str:
        names = [f"{stem}{i}" for i in range(len(values))]
        self.params.update(zip(names, values, strict=True))
        return ", ".join(f":{name}" for name in names)

    def _layers(self, analysts: tuple[str, ...], layers: tuple[str, ...]) -> list[str]:
        """Ids of the layers named: analysts (and the reviewed layer) by name; in `layers`,
        "reviewed" also means the reviewed layer (a person called so is reached by --by)."""
        known = dict(self.conn.execute("SELECT name, id FROM analysts").fetchall())
        by_layer = {**known, REVIEWED_LAYER_ID: REVIEWED_LAYER_ID}
        people = sorted(name for name, id_ in known.items() if id_ != REVIEWED_LAYER_ID)
        reviewed = next((n for n, id_ in known.items() if id_ == REVIEWED_LAYER_ID), None)
        choices = [*people, f"the reviewed layer “{reviewed}”"] if reviewed else people
        ids: list[str] = []
        for what, names, table in (("analyst", analysts, known), ("layer", layers, by_layer)):
            missing = [name for name in names if name not in table]
            if missing:
                raise ValidationError(_unknown(what, missing, choices))
            ids += [table[name] for name in names]
        return list(dict.fromkeys(ids))

    def _documents(self, wanted: tuple[str, ...]) -> list[DocumentRow]:
        rows = [
            DocumentRow._make((*r[:10], _page_starts(r[10])))
            for r in self.conn.execute(
                "SELECT id, title, source, published, imported_at, text_hash, outlet, author, "
                "url, language, page_starts FROM documents "
                "ORDER BY published IS NULL, published, title, id"
            )
        ]
        if not wanted:
            return rows
        chosen: set[str] = set()
        for key in wanted:
            hits = {d.id for d in rows if d.id == key or d.title == key}
            if not hits and len(key) >= _MIN_ID_PREFIX:
                hits = {d.id for d in rows if d.id.startswith(key)}
                if len(hits) > 1:
                    raise ValidationError(f"“{key}” starts several document ids; give more of it.")
            if not hits:
                raise ValidationError(
                    f"No document has the id or title “{key}”. See `annotator list` for both."
                )
            chosen |= hits
        return [d for d in rows if d.id in chosen]

    def walk(self, progress: Progress | None = None) -> Iterator[DocumentRow]:
        """The documents in export order, reporting progress after each one."""
        total = len(self.documents)
        for done, document in enumerate(self.documents, start=1):
            yield document
            if progress is not None and not progress(done, total):
                raise ExportCancelled("Export cancelled.")

    @property
    def covers_reviewed_layer(self) -> bool:
        """True if the reviewed layer is in scope (so its review decisions go out with it)."""
        return self.layer_ids is None or REVIEWED_LAYER_ID in self.layer_ids

    def annotations(self, document_id: str) -> list[AnnotationRow]:
        """One document's annotations in scope, in reading order."""
        rows = self.conn.execute(
            'SELECT a.id, an.name, l.name, l.role, a.start, a."end", a.quote, a.prefix, '
            "a.suffix, a.sentiment, a.speaker_name, a.note, a.created, a.modified, a.analyst_id "
            "FROM annotations a JOIN analysts an ON an.id = a.analyst_id "
            "JOIN labels l ON l.id = a.label_id "
            f"WHERE a.document_id = :document_id{self.condition} "
            'ORDER BY a.start, a."end", a.id',
            {**self.params, "document_id": document_id},
        )
        return [AnnotationRow(*r) for r in rows]

    def links(self, document_id: str) -> dict[str, list[LinkRow]]:
        """Every link from an annotation of this document, by source annotation id."""
        rows = self.conn.execute(
            "SELECT k.source_id, k.id, k.kind, k.target_id, k.name, an.name, k.created, "
            f"coalesce(k.name, t.speaker_name, {ONE_LINE}(t.quote), ''), k.analyst_id "
            "FROM links k JOIN annotations s ON s.id = k.source_id "
            "JOIN analysts an ON an.id = k.analyst_id "
            "LEFT JOIN annotations t ON t.id = k.target_id "
            "WHERE s.document_id = ? ORDER BY k.source_id, k.kind, k.created, k.id",
            [document_id],
        )
        by_source: dict[str, list[LinkRow]] = {}
        for source_id, *fields in rows:
            by_source.setdefault(source_id, []).append(LinkRow(*fields))
        return by_source

    def comments(self, document_id: str) -> dict[str, list[CommentRow]]:
        """Every comment on an annotation of this document, by annotation, in thread order.

        One query per document; the edit time comes from the history's index by entity.
        """
        rows = self.conn.execute(
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

    def decisions(self, document_id: str) -> list[DecisionRow]:
        """The document's review decisions, oldest first (layers by name, as analysts go)."""
        rows = self.conn.execute(
            "SELECT d.id, r.name, d.decided, d.decision, coalesce(f.name, d.first_layer), "
            "d.first_layer, coalesce(s.name, d.second_layer), d.second_layer, d.sources, "
            "d.results FROM review_decisions d JOIN analysts r ON r.id = d.reviewer_id "
            "LEFT JOIN analysts f ON f.id = d.first_layer "
            "LEFT JOIN analysts s ON s.id = d.second_layer "
            "WHERE d.document_id = ? ORDER BY d.decided, d.id",
            [document_id],
        )
        return [DecisionRow(*r) for r in rows]

    def reviewers(self, document_id: str) -> dict[str, tuple[str, str]]:
        """(reviewer, time) of the latest decision that left each reviewed-layer annotation
        of this document, in one grouped query."""
        rows = self.conn.execute(REVIEWERS_SQL, {"document_id": document_id})
        return {r[0]: (r[1], r[2]) for r in rows}


#: The latest decision leaving each annotation of a document (SQLite takes the bare columns
#: of an aggregate query with max() from the row holding the maximum).
REVIEWERS_SQL = (
    "SELECT r.value AS id, an.name AS reviewer, max(d.decided) AS decided "
    "FROM review_decisions d JOIN json_each(d.results) r "
    "JOIN analysts an ON an.id = d.reviewer_id "
    "WHERE d.document_id = :document_id GROUP BY r.value"
)


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


def _unknown(what: str, missing: list[str], known: list[str]) -> str:
    names = ", ".join(f"“{m}”" for m in missing)
    choices = ", ".join(known) if known else "none yet"
    plural = "s" if len(missing) > 1 else ""
    return f"No {what}{plural} called {names} in this project (there are: {choices})."


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: `count` rows (annotations, or claims for the claims table)."""

    path: Path
    format: str
    count: int
    documents: int

    def summary(self) -> str:
        noun = "claim" if self.format == "claims" else "annotation"
        return f"Wrote {self.count} {noun}{'' if self.count == 1 else 's'} to {self.path}"
