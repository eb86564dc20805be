"""Full-text search over the corpus: ranked documents with a plain-text snippet each.

Snippets are plain text with highlight ranges (code points into the snippet), never markup;
`start`/`end` give the first highlighted hit as code points into the document, for the window to
scroll to. They come from FTS5's `snippet()`: the markers it inserts (and the separators
between characters of scripts without spaces) are characters no imported text contains, and are
taken out again; the plain fragment is then found in the document (`instr`) for its offset.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.errors import ValidationError
from annotator.core.records import DocumentId
from annotator.core.search.fts import Compiler, Plan, Tables, run, term_match
from annotator.core.search.index import sync_index
from annotator.core.search.query import Node, Term, check_fields, parse, terms
from annotator.core.search.sources import SOURCE_FIELDS, register, source_condition
from annotator.core.store.search_results import document_rows, locate, opening
from annotator.core.store.search_tables import SEPARATOR

if TYPE_CHECKING:
    from annotator.core.store import Store

#: Fields a corpus search understands, with what they do (shown in messages).
DOCUMENT_FIELDS = {"title": "words in the title", **SOURCE_FIELDS}

Range = tuple[int, int]

# Unicode noncharacters, "for internal use": FTS5 puts them around hits and at cut ends.
_OPEN, _CLOSE, _CUT = "\ufdd0", "\ufdd1", "\ufdd2"
ELLIPSIS = "…"
#: Tokens FTS5 puts in a fragment; Chinese characters are one token each, so for them the
#: fragment is short, and a fragment longer than SNIPPET_CHARS (code points) is cut around its
#: first hit.
SNIPPET_TOKENS = 40
SNIPPET_CHARS = 200
_CONTEXT_BEFORE = 50

_TABLES = Tables(rowid="d.rowid", index="search_documents")


@dataclass(frozen=True)
class DocumentHit:
    """One document found. Offsets are code points: `highlights` into `snippet`,
    `title_highlights` into `title`, `start`/`end` (the first highlighted hit) into the text;
    `start` is None when only the title matched."""

    document_id: DocumentId
    title: str
    published: str | None
    snippet: str
    highlights: tuple[Range, ...]
    start: int | None
    end: int | None
    title_highlights: tuple[Range, ...] = ()


def _term_plan(term: Term) -> Plan:
    if term.field in SOURCE_FIELDS:
        return source_condition(term)  # not indexed text: a condition on the documents row
    return term_match(term, ("title",) if term.field == "title" else None)


def parse_document_query(query: str) -> Node:
    """The corpus query as a tree; fields other than title:, outlet:, author: and lang: are
    refused with a message."""
    node = parse(query)
    check_fields(
        node, DOCUMENT_FIELDS, hint=" Fields such as label: or speaker: search annotations."
    )
    return node


def search_documents(store: Store, query: str, limit: int = 50) -> list[DocumentHit]:
    """The documents matching `query`, best first (bm25, title words weigh more), with snippets.

    Raises `ValidationError` with a plain message for a query that cannot be read.
    """
    if limit < 1:
        raise ValidationError("The number of results must be at least 1.")
    node = parse_document_query(query)
    sync_index(store)
    register(store.conn)
    rowids = _ranked(store.conn, node, limit)
    return _hits(store.conn, rowids, node)


def document_query_sql(node: Node, limit: int) -> tuple[str, tuple[object, ...]]:
    """The statement that finds the documents' rowids, best first (for EXPLAIN and tests)."""
    match, rest = Compiler(_TABLES, _term_plan).ranked(node)
    if match is None:
        assert rest is not None
        # Nothing every hit must contain (e.g. NOT oil, or label-free OR of NOTs): no rank.
        return (
            f"SELECT d.rowid FROM documents d WHERE {rest.sql} "
            "ORDER BY d.published IS NULL, d.published DESC, d.title LIMIT ?",
            (*rest.params, limit),
        )
    where = f" AND ({rest.sql})" if rest else ""
    return (
        "SELECT d.rowid FROM search_documents JOIN documents d ON d.rowid = search_documents.rowid "
        f"WHERE search_documents MATCH ?{where} ORDER BY search_documents.rank LIMIT ?",
        (match.expr, *(rest.params if rest else ()), limit),
    )


def _ranked(conn: sqlite3.Connection, node: Node, limit: int) -> list[int]:
    sql, params = document_query_sql(node, limit)
    return [row[0] for row in run(conn, sql, params)]


# -- snippets -----------------------------------------------------------------------------------


@dataclass
class _Snippet:
    text: str
    highlights: list[Range]
    offset: int | None  # document offset of text[0], if known


def _hits(conn: sqlite3.Connection, rowids: list[int], node: Node) -> list[DocumentHit]:
    if not rowids:
        return []
    marks = ",".join("?" * len(rowids))
    docs = document_rows(conn, rowids)
    looked_for = [
        term_match(t, ("title",) if t.field == "title" else None)
        for t in terms(node)
        if t.field in (None, "title")
    ]
    fragments: dict[int, tuple[str, str]] = {}
    if looked_for:
        match = " OR ".join(f"({p.expr})" for p in looked_for)
        for rowid, fragment, title in run(
            conn,
            "SELECT rowid, snippet(search_documents, 1, ?, ?, ?, ?), "
            "highlight(search_documents, 0, ?, ?) FROM search_documents "
            f"WHERE search_documents MATCH ? AND rowid IN ({marks})",
            [_OPEN, _CLOSE, _CUT, SNIPPET_TOKENS, _OPEN, _CLOSE, match, *rowids],
        ):
            fragments[rowid] = (fragment or "", title or "")
    hits = []
    for rowid in rowids:
        if rowid not in docs:
            continue
        doc = docs[rowid]
        if rowid in fragments:
            fragment, marked_title = fragments[rowid]
            snippet = _from_fragment(conn, rowid, fragment)
            title_ranges = _unmark(marked_title)[1]
        else:  # found by what it lacks (NOT …)
            snippet, title_ranges = _opening(conn, rowid, doc.length), []
        first = snippet.highlights[0] if snippet.highlights else None
        start = end = None
        if first is not None and snippet.offset is not None:
            start, end = snippet.offset + first[0], snippet.offset + first[1]
        hits.append(
            DocumentHit(
                doc.document_id,
                doc.title,
                doc.published,
                _one_line(snippet.text),
                tuple(snippet.highlights),
                start,
                end,
                tuple(title_ranges),
            )
        )
    return hits


def _unmark(marked: str) -> tuple[str, list[Range]]:
    """Text without FTS5's markers and the separators, and the ranges the markers enclosed
    (touching ones joined: a Chinese word is highlighted character by character)."""
    out: list[str] = []
    ranges: list[Range] = []
    length = 0
    opened: int | None = None
    for ch in marked:
        if ch == _OPEN:
            opened = length
        elif ch == _CLOSE:
            if opened is not None and opened < length:
                if ranges and ranges[-1][1] == opened:
                    ranges[-1] = (ranges[-1][0], length)
                else:
                    ranges.append((opened, length))
            opened = None
        elif ch != SEPARATOR:
            out.append(ch)
            length += 1
    return "".join(out), ranges


def _from_fragment(conn: sqlite3.Connection, rowid: int, fragment: str) -> _Snippet:
    cut_before, cut_after = fragment.startswith(_CUT), fragment.endswith(_CUT)
    core = fragment[1 if cut_before else 0 : len(fragment) - 1 if cut_after else len(fragment)]
    text, highlights = _unmark(core)
    text, offset = locate(conn, rowid, text)
    snippet = _Snippet(text, highlights, offset)
    if len(text) > SNIPPET_CHARS:
        anchor = highlights[0][0] if highlights else 0
        begin = max(0, anchor - _CONTEXT_BEFORE)
        snippet = _window(snippet, begin, begin + SNIPPET_CHARS)
        cut_before = cut_before or begin > 0
        cut_after = cut_after or begin + SNIPPET_CHARS < len(text)
    return _with_ellipses(snippet, cut_before, cut_after)


def _window(snippet: _Snippet, begin: int, end: int) -> _Snippet:
    ranges = [(max(s, begin) - begin, min(e, end) - begin) for s, e in snippet.highlights]
    offset = None if snippet.offset is None else snippet.offset + begin
    return _Snippet(snippet.text[begin:end], [r for r in ranges if r[0] < r[1]], offset)


def _with_ellipses(snippet: _Snippet, before: bool, after: bool) -> _Snippet:
    if before:
        snippet = _Snippet(
            ELLIPSIS + snippet.text,
            [(s + 1, e + 1) for s, e in snippet.highlights],
            None if snippet.offset is None else snippet.offset - 1,
        )
    if after:
        snippet.text += ELLIPSIS
    return snippet


def _opening(conn: sqlite3.Connection, rowid: int, length: int) -> _Snippet:
    text = opening(conn, rowid, SNIPPET_CHARS)
    return _with_ellipses(_Snippet(text, [], 0), False, length > SNIPPET_CHARS)


def _one_line(text: str) -> str:
    # Same length: highlight ranges stay valid.
    return text.replace("\n", " ").replace("\r", " ").replace("\t", " ")
