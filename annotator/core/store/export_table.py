"""The CSV tables' rows, streamed in one query per export (two: dated, then undated documents).

Why one query: a query per document costs its preparation, its joins' setup and a round of
fetches, which at thousands of documents outweighs the rows themselves. The documents' listing
index (published, title, id) gives the export order without sorting the annotations: SQLite
walks the documents in that order and each one's annotations through an index holding
document_id, sorting only the few that share a start. No Python functions are registered: what
SQL cannot do cheaply comes back raw for the caller to finish (a quote naming a span that is
not on one line yet, comment threads, reviewers; the page is the caller's too).

A row is FIELDS (document id, start, speaker quote, target quote, thread, review), then one
value per requested cell. The speaker/target quote is set when the name is a span's quote still
to be put on one line (the cell itself is then NULL). The thread is a JSON list of [author,
created, body] in thread order; the review a JSON [reviewer, decided].
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.store.export_rows import AnnotationWhere

#: Leading fields of every row, before the cells.
FIELDS = ("document_id", "start", "speaker_quote", "target_quote", "thread", "review")
#: Cells the caller fills in from these fields (NULL here).
FILLED_BY_CALLER = ("page", "comments", "reviewed_by", "reviewed_at")
#: Span roles whose annotations name a claim's speaker or target.
_NAMING = "(SELECT id FROM labels WHERE role IN ('speaker', 'target'))"


def _link_join(alias: str, kind: str) -> str:
    # The store keeps one link per claim and kind; should two ever exist (two windows racing),
    # the newer wins as in the window (annotator.core.attribution), and the claim stays one row.
    # NOT EXISTS runs only where a link was found, so the common case costs a plain join.
    return (
        f"LEFT JOIN links {alias} ON l.role = 'claim' AND {alias}.source_id = a.id "
        f"AND {alias}.kind = '{kind}' AND NOT EXISTS (SELECT 1 FROM links newer "
        f"WHERE newer.source_id = a.id AND newer.kind = '{kind}' "
        f"AND (newer.created, newer.id) > ({alias}.created, {alias}.id)) "
    )


def _span_join(alias: str, link: str) -> str:
    """The span a link names: a speaker or target span of the same document."""
    return (
        f"LEFT JOIN annotations {alias} ON {alias}.id = {link}.target_id "
        f"AND {alias}.document_id = a.document_id AND {alias}.label_id IN {_NAMING} "
    )


#: Characters spreadsheets skip before a formula (" =1+1" is still one).
_LEADING = (32, 160)


#: What `str.split` splits on besides the space: a quote holding none of these, no two spaces
#: in a row and no space at either end is already on one line (tests/core/test_export_csv.py
#: checks the list against Python's).
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACED = f"*[{SPACES}]*"


def _on_one_line(quote: str) -> str:
    return (
        f"({quote} NOT GLOB :spaced AND instr({quote}, '  ') = 0 AND unicode({quote}) <> 32 "
        f"AND substr({quote}, -1) <> ' ')"
    )


def _name(alias: str, cell: _Cells, *, span: str = "") -> str:
    """A span's name as a cell: its speaker_name, or its quote when that is on one line
    already (else NULL, and `_spaced_name` hands the quote to the caller)."""
    present = span or f"{alias}.id"
    quote = f"{alias}.quote"
    return (
        f"CASE WHEN {present} IS NOT NULL THEN coalesce({cell(f'{alias}.speaker_name')}, "
        f"CASE WHEN {_on_one_line(quote)} THEN {cell(quote)} END) END"
    )


def _spaced_name(alias: str) -> str:
    """The quote naming a span when it still has to be put on one line, else NULL."""
    quote = f"{alias}.quote"
    return f"CASE WHEN {alias}.speaker_name IS NULL AND NOT {_on_one_line(quote)} THEN {quote} END"


class _Cells:
    def __init__(self, formula_codes: Sequence[int] | None) -> None:
        self.codes = None if formula_codes is None else ", ".join(map(str, formula_codes))
        self.suspect = ", ".join(map(str, [*(formula_codes or ()), *_LEADING]))

    def __call__(self, expression: str) -> str:
        """The expression as a cell: with a leading ' before a formula start (unless raw).

        The first test settles nearly every cell with one look at its first character; only
        a cell starting with a space looks further (ltrim copies the whole text)."""
        if self.codes is None:
            return expression
        return (
            f"CASE WHEN unicode({expression}) NOT IN ({self.suspect}) THEN {expression} "
            f"WHEN unicode({expression}) IN ({self.codes}) "
            f"OR unicode(ltrim({expression}, ' ' || char(160))) IN ({self.codes}) "
            f"THEN '''' || {expression} ELSE {expression} END"
        )


_THREAD = (
    "(SELECT json_group_array(json_array(ca.name, c.created, c.body)) OVER (ORDER BY "
    "c.created, c.rowid ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) "
    "FROM comments c JOIN analysts ca ON ca.id = c.author_id WHERE c.annotation_id = a.id "
    "LIMIT 1)"
)
_REVIEW = (
    f"CASE WHEN a.analyst_id = '{REVIEWED_LAYER_ID}' THEN (SELECT json_array(rn.name, "
    "d.decided) FROM review_decisions d JOIN json_each(d.results) r "
    "JOIN analysts rn ON rn.id = d.reviewer_id WHERE d.document_id = a.document_id "
    "AND r.value = a.id ORDER BY d.decided DESC, d.id DESC LIMIT 1) END"
)


def table_sql(
    cells: Sequence[str],
    where: AnnotationWhere,
    *,
    formula_codes: Sequence[int] | None,
    documents: bool,
    threads: bool,
    reviews: bool,
    dated: bool,
) -> tuple[str, dict[str, object]]:
    """The query for the dated (or undated) documents' rows, and its parameters (`documents`:
    only those in the JSON list bound as :documents; `threads`/`reviews`: whether the project
    has comments / review decisions at all)."""
    cell = _Cells(formula_codes)
    expressions = {
        # Ids are UUIDs and times ISO 8601 (made here, or checked by the importer): they never
        # start with a formula character, so they skip the test.
        "annotation_id": "a.id",
        "claim_id": "a.id",
        "analyst": cell("an.name"),
        "label": cell("l.name"),
        "start": "a.start",
        "end": 'a."end"',
        "quote": cell("a.quote"),
        "sentiment": cell("a.sentiment"),
        "speaker": f"coalesce({cell('ls.name')}, {_name('sp', cell)}, "
        f"CASE WHEN l.role = 'speaker' THEN {_name('a', cell, span='a.id')} END)",
        "target": f"coalesce({cell('lt.name')}, {_name('tg', cell)})",
        "note": cell("a.note"),
        "created": "a.created",
        "modified": "a.modified",
        # The claim's talking point (migration 0013): at most one, by the primary key.
        "talking_point": cell(
            "(SELECT tp.name FROM talking_point_claims m JOIN talking_points tp "
            "ON tp.id = m.talking_point_id WHERE m.annotation_id = a.id)"
        ),
        **{name: "NULL" for name in FILLED_BY_CALLER},
    }
    fields = [
        "d.id",
        "a.start",
        "CASE WHEN ls.name IS NOT NULL THEN NULL "
        f"WHEN sp.id IS NOT NULL THEN {_spaced_name('sp')} "
        f"WHEN l.role = 'speaker' THEN {_spaced_name('a')} END",
        f"CASE WHEN lt.name IS NULL THEN {_spaced_name('tg')} END",
        _THREAD if threads else "NULL",
        _REVIEW if reviews else "NULL",
    ]
    condition, params = where.sql()
    params["spaced"] = _SPACED
    if documents:
        condition += " AND d.id IN (SELECT value FROM json_each(:documents))"
    condition += " AND d.published IS NOT NULL" if dated else " AND d.published IS NULL"
    order = "d.published, d.title, d.id" if dated else "d.title, d.id"
    sql = (
        f"SELECT {', '.join(fields + [expressions[c] for c in cells])} "
        "FROM documents d JOIN annotations a ON a.document_id = d.id "
        "JOIN analysts an ON an.id = a.analyst_id JOIN labels l ON l.id = a.label_id "
        f"{_link_join('ls', 'said_by')}{_span_join('sp', 'ls')}"
        f"{_link_join('lt', 'about')}{_span_join('tg', 'lt')}"
        f'WHERE 1{condition} ORDER BY {order}, a.start, a."end", a.id'
    )
    return sql, params


def has_rows(conn: sqlite3.Connection, table: str) -> bool:
    """True if `table` (one of the store's, named by the caller, never by a user) has rows."""
    return conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0] == 1


def table_rows(
    conn: sqlite3.Connection,
    cells: Sequence[str],
    where: AnnotationWhere,
    *,
    formula_codes: Sequence[int] | None,
    document_ids: str | None = None,
) -> Iterator[tuple[object, ...]]:
    """Every row in export order (FIELDS, then `cells`); `document_ids`: a JSON list of the
    documents to take, None for all; `formula_codes`: code points to neutralise, None for
    raw cells."""
    threads = "comments" in cells and has_rows(conn, "comments")
    reviews = "reviewed_by" in cells and has_rows(conn, "review_decisions")
    for dated in (True, False):
        sql, params = table_sql(
            cells,
            where,
            formula_codes=formula_codes,
            documents=document_ids is not None,
            threads=threads,
            reviews=reviews,
            dated=dated,
        )
        if document_ids is not None:
            params["documents"] = document_ids
        yield from conn.execute(sql, params)
