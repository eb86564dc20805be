"""Searching annotations: free words in quotes, notes and speaker names, plus fields.

    label:Claim  analyst:Ana  sentiment:negative  speaker:"Wei Fenghe"  target:Kazakhstan
    doc:Tokayev  quote:sovereignty  note:check  outlet:xinhua  author:"liu xin"  lang:zh

Free words and quote:/note: use the annotations' own search indexes. speaker: and target: find
claims whose "said_by"/"about" link points to a span whose quote or canonical name matches, or
carries a typed name that matches. label:, analyst: and sentiment: are looked up in the
codebook and the analysts (an unknown value is refused with the values that exist); doc:
matches words of a document's title or the start of its id; outlet:, author: and lang: what the
annotation's document says about its source (see `sources`). Results: the most recently added
first (rowid order, which every index can give without sorting all matches).
"""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING

from annotator.core.errors import ValidationError
from annotator.core.search.fts import Compiler, Plan, Sql, Tables, run, term_match
from annotator.core.search.index import sync_index
from annotator.core.search.query import Node, Term, check_fields, parse
from annotator.core.search.sources import SOURCE_FIELDS, register, source_condition
from annotator.core.search.typed_names import matching_names
from annotator.core.store.search_results import AnnotationHit, annotation_hits, named_links

if TYPE_CHECKING:
    from annotator.core.store import Store

ANNOTATION_FIELDS = {
    "label": "label:Claim",
    "analyst": "analyst:Ana, analyst:reviewed",
    "sentiment": "sentiment:negative, sentiment:none",
    "speaker": 'claims said by: speaker:"Wei Fenghe"',
    "target": "claims about: target:Kazakhstan",
    "doc": "document title words or id",
    "quote": "words in the quote",
    "note": "words in the note",
    **SOURCE_FIELDS,
}

_ANNOTATIONS = Tables("a.rowid", "search_annotations")
_SPANS = Tables("s.rowid", "search_annotations")
_LINKS = Tables("l.rowid", "search_links")
_TITLES = Tables("d.rowid", "search_documents")
_ID_PREFIX = re.compile(r"[0-9a-fA-F-]{8,36}")
#: Links and spans matching a speaker: or target: name beyond which the name counts as common.
COMMON_NAME = 2_000


def search_annotations(store: Store, query: str, limit: int = 200) -> list[AnnotationHit]:
    """Annotations matching `query` (see the module doc), the most recently added first.

    Raises `ValidationError` with a plain message for a query that cannot be read or names a
    label, analyst or sentiment the project does not have.
    """
    if limit < 1:
        raise ValidationError("The number of results must be at least 1.")
    node = parse(query)
    check_fields(node, ANNOTATION_FIELDS)
    sync_index(store)
    register(store.conn)
    sql, params = annotation_query_sql(store, node, limit)
    rowids = [row[0] for row in run(store.conn, sql, params)]
    return annotation_hits(store.conn, rowids)


def annotation_query_sql(store: Store, node: Node, limit: int) -> tuple[str, tuple[object, ...]]:
    """The statement that finds the annotations' rowids (for EXPLAIN and tests)."""
    fields = _Fields(store)
    plan = Compiler(_ANNOTATIONS, fields.plan).plan(node)
    condition = _ANNOTATIONS.condition(plan)
    return (
        f"SELECT a.rowid FROM annotations a WHERE {condition.sql} ORDER BY a.rowid DESC LIMIT ?",
        (*condition.params, limit),
    )


class _Fields:
    """Turns each term into plans, looking field values up in the project once each."""

    def __init__(self, store: Store) -> None:
        self.conn = store.conn
        self.store = store

    def plan(self, term: Term) -> Plan:
        field = term.field
        if field is None:
            return term_match(term)
        if field in ("quote", "note"):
            return term_match(term, (field,))
        if field == "label":
            return self._label(term)
        if field == "analyst":
            return self._analyst(term)
        if field == "sentiment":
            return self._sentiment(term)
        if field in ("speaker", "target"):
            return self._linked(term, "said_by" if field == "speaker" else "about")
        if field in SOURCE_FIELDS:
            return self._source(term)
        assert field == "doc"
        return self._document(term)

    def _label(self, term: Term) -> Sql:
        labels = [(str(label.id), label.name) for label in self.store.codebook.get().labels]
        ids = _matching(term, labels)
        if not ids:
            names = ", ".join(name for _, name in labels)
            raise ValidationError(f"No label “{term.text}” in the codebook. Labels: {names}.")
        # "+": never through an index led by the label (the analysis view's): a label holds
        # a third of the project, so the newest rows are walked instead, stopping at the limit.
        return _in("+a.label_id", ids)

    def _analyst(self, term: Term) -> Sql:
        layers = [(str(layer.id), layer.name) for layer in self.store.layers()]
        ids = _matching(term, layers)
        if not ids:  # the reviewed layer answers to its id too, whatever its display name
            ids = [key for key, _ in layers if key.casefold() == term.text.casefold()]
        if not ids:
            names = ", ".join(name for _, name in layers)
            raise ValidationError(f"No analyst “{term.text}” in this project. Analysts: {names}.")
        return _in("a.analyst_id", ids)

    def _sentiment(self, term: Term) -> Sql:
        if term.text.casefold() in ("none", "no", "-") and not term.prefix:
            return Sql("a.sentiment IS NULL")
        sentiments = self.store.codebook.get().sentiments
        values = _matching(term, [(s, s) for s in sentiments])
        if not values:
            allowed = ", ".join([*sentiments, "none"])
            raise ValidationError(f"No sentiment “{term.text}”. Sentiments: {allowed}.")
        return _in("a.sentiment", values)

    def _linked(self, term: Term, kind: str) -> Sql:
        """Claims with a `kind` link to a matching span (quote or canonical name) or name.

        A name most claims share is better tested claim by claim, newest first, until enough
        are found; a rare one is better looked up and its few claims fetched: which of the two
        SQLite does follows from how the condition is written, chosen here from a capped count.
        Typed names are matched as a handful of different names (`typed_names`) where they
        can be; a span is tested by its rowid, read from the id index without its row.
        """
        _require_text(term)
        free = Term(term.text, phrase=term.phrase, prefix=term.prefix)
        typed_match = term_match(free)
        spans_match = term_match(free, ("quote", "speaker_name"))
        names = matching_names(self.conn, typed_match)
        typed: Sql | None
        if names is None:
            typed = _LINKS.condition(typed_match)
            typed_count = _capped_count(self.conn, "search_links", typed_match.expr)
        else:
            typed = _in("l.name", names) if names else None
            typed_count = named_links(self.conn, names, COMMON_NAME + 1)
        common = (
            typed_count + _capped_count(self.conn, "search_annotations", spans_match.expr)
            > COMMON_NAME
        )
        either = f"({typed.sql}) OR " if typed else ""
        typed_params = typed.params if typed else ()
        if common:
            # The span's rowid comes from the id index; its row is never read.
            return Sql(
                "EXISTS (SELECT 1 FROM links l WHERE l.source_id = a.id AND l.kind = ? "
                f"AND ({either}(SELECT s.rowid FROM annotations s WHERE s.id = l.target_id) "
                "IN (SELECT rowid FROM search_annotations WHERE search_annotations MATCH ?)))",
                (kind, *typed_params, spans_match.expr),
            )
        spans = _SPANS.condition(spans_match)
        return Sql(
            "a.id IN (SELECT l.source_id FROM links l WHERE l.kind = ? AND "
            f"({either}l.target_id IN (SELECT s.id FROM annotations s WHERE {spans.sql})))",
            (kind, *typed_params, *spans.params),
        )

    def _document(self, term: Term) -> Sql:
        _require_text(term)
        free = Term(term.text, phrase=term.phrase, prefix=term.prefix)
        titles = _TITLES.condition(term_match(free, ("title",)))
        if _ID_PREFIX.fullmatch(term.text):
            lowered = term.text.lower()
            titles = Sql(
                f"({titles.sql}) OR (d.id >= ? AND d.id < ?)",
                (*titles.params, lowered, lowered + "\uffff"),
            )
        return Sql(
            f"a.document_id IN (SELECT d.id FROM documents d WHERE {titles.sql})", titles.params
        )

    def _source(self, term: Term) -> Sql:
        """Annotations of the documents whose outlet, author or language matches."""
        documents = source_condition(term)
        return Sql(
            f"a.document_id IN (SELECT d.id FROM documents d WHERE {documents.sql})",
            documents.params,
        )


def _capped_count(conn: sqlite3.Connection, index: str, expr: str) -> int:
    """How many rows match, counting no further than just past COMMON_NAME."""
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {index} WHERE {index} MATCH ? LIMIT ?)"
    return int(run(conn, sql, (expr, COMMON_NAME + 1))[0][0])


def _require_text(term: Term) -> None:
    from annotator.core.search.query import has_letters

    if not has_letters(term.text):
        raise ValidationError(f"{term.field}: needs words to look for, e.g. {term.field}:Tokayev.")


def _matching(term: Term, choices: list[tuple[str, str]]) -> list[str]:
    """Keys of the names `term` means: the same name (any case); else, for a prefix term or a
    single word, names starting with it or having it as one of their words."""
    wanted = " ".join(term.text.split()).casefold()
    exact = [key for key, name in choices if name.casefold() == wanted]
    if exact and not term.prefix:
        return exact
    if term.prefix:
        return [key for key, name in choices if name.casefold().startswith(wanted)]
    return [key for key, name in choices if wanted in name.casefold().split()]


def _in(column: str, values: list[str]) -> Sql:
    return Sql(f"{column} IN ({', '.join('?' * len(values))})", tuple(values))
