"""Full-text search over the corpus: ranked documents with a plain-text snippet each.

Snippets are plain text with highlight ranges (code points into the snippet), never markup;
`start`/`end` give the first highlighted hit as code points into the document, for the window to
scroll to. Words come from FTS5's `snippet()` (the markers it inserts are characters no imported
text contains, and are taken out again); runs of Chinese, Japanese, Korean or Thai are found
literally (`instr`) in the text, since the bigram index stores no text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.errors import ValidationError
from annotator.core.records import DocumentId
from annotator.core.search.fts import (
    BIGRAMS,
    WORDS,
    Compiler,
    Match,
    Plan,
    Tables,
    pieces,
    run,
    term_matches,
)
from annotator.core.search.index import sync_index
from annotator.core.search.query import Node, Term, check_fields, parse, terms

if TYPE_CHECKING:
    from annotator.core.store import Store

#: Fields a corpus search understands, with what they do (shown in messages).
DOCUMENT_FIELDS = {"title": "words in the title"}

Range = tuple[int, int]

# Unicode noncharacters, "for internal use": FTS5 puts them around hits and at cut ends.
_OPEN, _CLOSE, _CUT = "\ufdd0", "\ufdd1", "\ufdd2"
ELLIPSIS = "…"
SNIPPET_TOKENS = 24
#: Longest snippet (code points); a longer FTS5 fragment (a Chinese paragraph is one token to
#: the words index) is cut around its first hit.
SNIPPET_CHARS = 200
_CONTEXT_BEFORE = 50

_TABLES = Tables(rowid="d.rowid", words="search_documents", bigrams="search_documents_bigrams")


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


def _term_plans(term: Term) -> list[Plan]:
    return list(term_matches(term, ("title",) if term.field == "title" else None))


def parse_document_query(query: str) -> Node:
    """The corpus query as a tree; fields other than title: are refused with a message."""
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
    rowids = _ranked(store.conn, node, limit)
    return _hits(store.conn, rowids, node)


def document_query_sql(node: Node, limit: int) -> tuple[str, tuple[object, ...]]:
    """The statement that finds the documents' rowids, best first (for EXPLAIN and tests)."""
    compiler = Compiler(_TABLES, _term_plans)
    driver, rest = compiler.ranked(node)
    if driver is None:
        assert rest is not None
        # Nothing every hit must contain (e.g. words OR 中文): no rank; newest first.
        return (
            f"SELECT d.rowid FROM documents d WHERE {rest.sql} "
            "ORDER BY d.published IS NULL, d.published DESC, d.title LIMIT ?",
            (*rest.params, limit),
        )
    fts = _TABLES.table(driver.index)
    where = f" AND ({rest.sql})" if rest else ""
    return (
        f"SELECT d.rowid FROM {fts} JOIN documents d ON d.rowid = {fts}.rowid "
        f"WHERE {fts} MATCH ?{where} ORDER BY {fts}.rank LIMIT ?",
        (driver.expr, *(rest.params if rest else ()), limit),
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
    docs = {
        row[0]: row[1:]
        for row in conn.execute(
            f"SELECT rowid, id, title, published, length(text) FROM documents "
            f"WHERE rowid IN ({marks})",
            rowids,
        )
    }
    looked_for = [t for t in terms(node) if t.field in (None, "title")]
    words = [
        m.expr
        for t in looked_for
        for m in _term_plans(t)
        if isinstance(m, Match) and m.index == WORDS
    ]
    runs = sorted({text for t in looked_for for index, text in pieces(t.text) if index == BIGRAMS})
    fragments: dict[int, tuple[str, str]] = {}
    if words:
        match = " OR ".join(f"({e})" for e in words)
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
        doc_id, title, published, length = docs[rowid]
        snippet = None
        title_ranges: list[Range] = []
        if rowid in fragments:
            fragment, marked_title = fragments[rowid]
            snippet = _from_fragment(conn, rowid, fragment)
            _plain, title_ranges = _unmark(marked_title)
        if runs and (snippet is None or not snippet.highlights):
            snippet = _around_run(conn, rowid, runs, length) or snippet
        if snippet is None:
            snippet = _opening(conn, rowid, length)
        if runs:
            snippet.highlights = _merged(snippet.highlights + _occurrences(snippet.text, runs))
            title_ranges = _merged(title_ranges + _occurrences(title, runs))
        first = snippet.highlights[0] if snippet.highlights else None
        start = end = None
        if first is not None and snippet.offset is not None:
            start, end = snippet.offset + first[0], snippet.offset + first[1]
        hits.append(
            DocumentHit(
                DocumentId(doc_id),
                title,
                published,
                _one_line(snippet.text),
                tuple(snippet.highlights),
                start,
                end,
                tuple(title_ranges),
            )
        )
    return hits


def _unmark(marked: str) -> tuple[str, list[Range]]:
    """Text without FTS5's markers, and the ranges they enclosed."""
    out: list[str] = []
    ranges: list[Range] = []
    length = 0
    opened: int | None = None
    for ch in marked:
        if ch == _OPEN:
            opened = length
        elif ch == _CLOSE:
            if opened is not None and opened < length:
                ranges.append((opened, length))
            opened = None
        else:
            out.append(ch)
            length += 1
    return "".join(out), ranges


def _from_fragment(conn: sqlite3.Connection, rowid: int, fragment: str) -> _Snippet:
    cut_before, cut_after = fragment.startswith(_CUT), fragment.endswith(_CUT)
    core = fragment[1 if cut_before else 0 : len(fragment) - 1 if cut_after else len(fragment)]
    text, highlights = _unmark(core)
    offset = None
    if text:
        found = conn.execute(
            "SELECT instr(text, ?) FROM documents WHERE rowid = ?", [text, rowid]
        ).fetchone()
        offset = found[0] - 1 if found and found[0] else None
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


def _around_run(
    conn: sqlite3.Connection, rowid: int, runs: list[str], length: int
) -> _Snippet | None:
    """A window of the text around the first occurrence of any of `runs` (literal)."""
    found = [
        row[0] - 1
        for text in runs
        for row in conn.execute(
            "SELECT instr(text, ?) FROM documents WHERE rowid = ?", [text, rowid]
        )
        if row[0]
    ]
    if not found:
        return None
    begin = max(0, min(found) - _CONTEXT_BEFORE)
    end = min(length, begin + SNIPPET_CHARS)
    (text,) = conn.execute(
        "SELECT substr(text, ?, ?) FROM documents WHERE rowid = ?", [begin + 1, end - begin, rowid]
    ).fetchone()
    snippet = _Snippet(text, _occurrences(text, runs), begin)
    return _with_ellipses(snippet, begin > 0, end < length)


def _opening(conn: sqlite3.Connection, rowid: int, length: int) -> _Snippet:
    (text,) = conn.execute(
        "SELECT substr(text, 1, ?) FROM documents WHERE rowid = ?", [SNIPPET_CHARS, rowid]
    ).fetchone()
    return _with_ellipses(_Snippet(text, [], 0), False, length > SNIPPET_CHARS)


def _occurrences(text: str, needles: list[str]) -> list[Range]:
    ranges = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            ranges.append((at, at + len(needle)))
            at = text.find(needle, at + len(needle))
    return ranges


def _merged(ranges: list[Range]) -> list[Range]:
    out: list[Range] = []
    for start, end in sorted(ranges):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _one_line(text: str) -> str:
    # Same length: highlight ranges stay valid.
    return text.replace("\n", " ").replace("\r", " ").replace("\t", " ")
