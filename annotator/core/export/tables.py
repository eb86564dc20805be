"""Spreadsheet exports: every annotation, or the claims table analysts pivot.

RFC 4180 CSV (CRLF rows; fields holding commas, quotes or line breaks are quoted, quotes
doubled), UTF-8 with a byte-order mark by default so that Excel shows accents and non-Latin
scripts. Unless `raw`, a cell starting with = + - @ tab or carriage return gets a leading `'`
(OWASP's CSV-injection advice), so a quote like "=HYPERLINK(...)" is shown, never evaluated.

Speed: rows go from the SQLite cursor to `csv.writer` untouched. Names of linked spans come from
a per-document table of span names joined in SQL, and the neutralising is an SQL CASE, so Python
does no per-cell work (benchmarks/export_csv.py: about 1.2x a bare SELECT written by `csv`).
Comment threads and reviewers likewise come from per-document tables (one grouped query each),
and only when the project has any comments or review decisions at all.

Beside the document columns, what the source says about itself: `outlet`, `author`, `url`
(the canonical address) and `language` (BCP 47), empty when unknown. `page` is the page (from 1)
holding the annotation's first character in a paged source (a PDF), empty otherwise. The last
columns: `comments` is the annotation's thread, one line per comment ("author, time: body",
the body on one line); `reviewed_by`/`reviewed_at` name the reviewer and time of the latest
review decision that left a reviewed-layer annotation (empty for every other annotation).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TextIO

from annotator.core.export.atomic import atomic_text_file
from annotator.core.export.scope import (
    EVERYTHING,
    ONE_LINE,
    REVIEWERS_SQL,
    DocumentRow,
    ExportFilter,
    ExportResult,
    Progress,
    Scope,
    one_line,
    read_snapshot,
)
from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.store import Store

ANNOTATION_COLUMNS = (
    "annotation_id",
    "document_id",
    "document_title",
    "source",
    "outlet",
    "author",
    "url",
    "language",
    "analyst",
    "label",
    "start",
    "end",
    "page",
    "quote",
    "sentiment",
    "speaker",
    "target",
    "note",
    "created",
    "modified",
    "comments",
    "reviewed_by",
    "reviewed_at",
)
CLAIM_COLUMNS = (
    "claim_id",
    "document_id",
    "document_title",
    "published",
    "outlet",
    "author",
    "url",
    "language",
    "analyst",
    "label",
    "speaker",
    "target",
    "sentiment",
    "quote",
    "note",
    "start",
    "end",
    "page",
    "created",
    "modified",
    "reviewed_by",
    "reviewed_at",
)
#: What the source says about itself: the same on every row of a document.
SOURCE_COLUMNS = ("outlet", "author", "url", "language")
#: First characters that make Excel, LibreOffice or Sheets read a cell as a formula.
# OWASP's list, plus the full-width forms some spreadsheets also read as operators.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FORMULA_CODES = ", ".join(str(ord(c)) for c in FORMULA_STARTS)
#: Spreadsheets skip these before a formula (" =1+1" is still a formula).
_LEADING = " \u00a0"
_BATCH = 2000


def neutralise(value: str | None) -> str | None:
    """The cell as a spreadsheet shows it literally: a leading `'` before a formula start."""
    if value and (
        value.startswith(FORMULA_STARTS) or value.lstrip(_LEADING).startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value


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


#: SQL function: a quote on one line and neutralised, in one call.
_ONE_LINE_CELL = "annotator_one_line_cell"


def _one_line_cell(text: str | None) -> str | None:
    return neutralise(one_line(text))


def _cell(expression: str, raw: bool) -> str:
    """The expression as a cell: with a leading ' before a formula start, unless `raw`."""
    if raw:
        return expression
    return (
        f"CASE WHEN unicode({expression}) IN ({_FORMULA_CODES}) "
        f"OR unicode(ltrim({expression}, ' ' || char(160))) IN ({_FORMULA_CODES}) "
        f"THEN '''' || {expression} ELSE {expression} END"
    )


#: One document's comment threads: "author, time: body" a line, in the order written. As a
#: window function, group_concat joins the rows in the window's ORDER BY (the plain aggregate
#: promises no order in this SQLite); every row of an annotation's window holds its whole
#: thread, and GROUP BY keeps one (and lets SQLite index the table for the row query's join).
_THREADS = (
    ", threads AS MATERIALIZED (SELECT id, max(thread) AS thread FROM (SELECT c.annotation_id "
    f"AS id, group_concat(ca.name || ', ' || c.created || ': ' || {ONE_LINE}(c.body), char(10)) "
    "OVER (PARTITION BY c.annotation_id ORDER BY c.created, c.rowid ROWS BETWEEN UNBOUNDED "
    "PRECEDING AND UNBOUNDED FOLLOWING) AS thread FROM comments c JOIN annotations x "
    "ON x.id = c.annotation_id JOIN analysts ca ON ca.id = c.author_id "
    "WHERE x.document_id = :document_id) GROUP BY id) "
)
_REVIEWS = f", reviews AS MATERIALIZED ({REVIEWERS_SQL}) "
#: Where each page of the document starts (none for unpaged sources), read once per document.
_PAGES = ", pages AS MATERIALIZED (SELECT value AS start FROM json_each(:page_starts)) "
#: The page holding the annotation's first character, as `records.page_at` counts it.
_PAGE = "CASE WHEN :paged THEN max(1, (SELECT count(*) FROM pages p WHERE p.start <= a.start)) END"


def _select(
    columns: tuple[str, ...], scope: Scope, raw: bool, *, threads: bool, reviews: bool
) -> str:
    """One document's rows. Speaker: a claim's said_by link's typed name or speaker span's
    canonical name, a speaker span's own; target: a claim's about link's name or target span's
    quote. Canonical name: the speaker_name, or the quote on one line as the window shows it.

    `threads`/`reviews`: whether the project has comments / review decisions at all; without,
    their columns are empty and cost nothing."""
    one_line_sql = ONE_LINE if raw else _ONE_LINE_CELL
    threads = threads and "comments" in columns
    # Names of the document's speaker and target spans, computed once each (a span is named
    # by many claims) in a small table that the row query joins: cheaper than looking the
    # spans up in `annotations` row by row. Not filtered: a claim's speaker may be filtered out.
    names = (
        f"WITH names AS MATERIALIZED (SELECT n.id, coalesce({_cell('n.speaker_name', raw)}, "
        f"{one_line_sql}(n.quote)) AS name FROM annotations n JOIN labels nl "
        "ON nl.id = n.label_id WHERE n.document_id = :document_id "
        "AND nl.role IN ('speaker', 'target')) "
    )
    names += (_THREADS if threads else "") + (_REVIEWS if reviews else "")
    names += _PAGES if "page" in columns else ""
    expressions = {
        # Ids are UUIDs and times ISO 8601 (made here, or checked by the importer): they never
        # start with a formula character, so they skip the test.
        "annotation_id": "a.id",
        "claim_id": "a.id",
        # A document's fields are the same on all its rows: bound (and neutralised in Python)
        # once per document instead of joined row by row.
        "document_id": ":document_cell",
        "document_title": ":document_title",
        "source": ":source",
        "published": ":published",
        **{name: f":{name}" for name in SOURCE_COLUMNS},
        "analyst": _cell("an.name", raw),
        "label": _cell("l.name", raw),
        "start": "a.start",
        "end": 'a."end"',
        "page": _PAGE,
        "quote": _cell("a.quote", raw),
        "sentiment": _cell("a.sentiment", raw),
        "speaker": f"coalesce({_cell('ls.name', raw)}, sp.name, me.name)",
        "target": f"coalesce({_cell('lt.name', raw)}, tg.name)",
        "note": _cell("a.note", raw),
        "created": "a.created",
        "modified": "a.modified",
        "comments": _cell("th.thread", raw) if threads else "NULL",
        "reviewed_by": _cell("rv.reviewer", raw) if reviews else "NULL",
        "reviewed_at": "rv.decided" if reviews else "NULL",  # a time: never a formula
    }
    joins = "LEFT JOIN threads th ON th.id = a.id " if threads else ""
    if reviews:
        joins += f"LEFT JOIN reviews rv ON a.analyst_id = '{REVIEWED_LAYER_ID}' AND rv.id = a.id "
    return (
        f"{names}SELECT {', '.join(expressions[c] for c in columns)} "
        "FROM annotations a JOIN analysts an ON an.id = a.analyst_id "
        "JOIN labels l ON l.id = a.label_id "
        f"{_link_join('ls', 'said_by')}LEFT JOIN names sp ON sp.id = ls.target_id "
        f"{_link_join('lt', 'about')}LEFT JOIN names tg ON tg.id = lt.target_id "
        "LEFT JOIN names me ON l.role = 'speaker' AND me.id = a.id "
        f"{joins}"
        f'WHERE a.document_id = :document_id{scope.condition} ORDER BY a.start, a."end", a.id'
    )


def _has_rows(scope: Scope, table: str) -> bool:
    return scope.conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0] == 1


def _constants(document: DocumentRow, raw: bool) -> dict[str, str | int | None]:
    cells = {
        "document_cell": document.id,
        "document_title": document.title,
        "source": document.source,
        "published": document.published,
        "outlet": document.outlet,
        "author": document.author,
        "url": document.url,
        "language": document.language,
    }
    if not raw:
        cells = {name: neutralise(value) for name, value in cells.items()}
    return {
        **cells,
        "document_id": document.id,  # the bare id selects the rows
        "page_starts": json.dumps(list(document.page_starts)),
        "paged": 1 if document.page_starts else 0,
    }


def write_table(
    scope: Scope,
    out: TextIO,
    columns: tuple[str, ...],
    *,
    raw: bool = False,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Write the header and one row per annotation in scope; (rows, documents with rows)."""
    scope.conn.create_function(_ONE_LINE_CELL, 1, _one_line_cell, deterministic=True)
    writer = csv.writer(out)  # the excel dialect is RFC 4180: CRLF, minimal quoting
    writer.writerow(columns)
    threads, reviews = _has_rows(scope, "comments"), _has_rows(scope, "review_decisions")
    sql = _select(columns, scope, raw, threads=threads, reviews=reviews)
    count = documents = 0
    for document in scope.walk(progress):
        cursor = scope.conn.execute(sql, {**scope.params, **_constants(document, raw)})
        before = count
        while rows := cursor.fetchmany(_BATCH):
            writer.writerows(rows)
            count += len(rows)
        documents += count > before
    return count, documents


def _export(
    store: Store,
    path: Path | str,
    fmt: str,
    columns: tuple[str, ...],
    roles: tuple[str, ...],
    flt: ExportFilter,
    bom: bool,
    raw: bool,
    progress: Progress | None,
) -> ExportResult:
    with read_snapshot(store.conn):
        scope = Scope(store, flt, roles=roles)  # refuses unknown names before any file exists
        with atomic_text_file(Path(path), encoding="utf-8-sig" if bom else "utf-8") as out:
            count, documents = write_table(scope, out, columns, raw=raw, progress=progress)
    return ExportResult(Path(path), fmt, count, documents)


def export_annotations_csv(
    store: Store,
    path: Path | str,
    *,
    filter: ExportFilter = EVERYTHING,
    bom: bool = True,
    raw: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """One row per annotation (ANNOTATION_COLUMNS), written atomically to `path`."""
    return _export(store, path, "csv", ANNOTATION_COLUMNS, (), filter, bom, raw, progress)


def export_claims_csv(
    store: Store,
    path: Path | str,
    *,
    filter: ExportFilter = EVERYTHING,
    bom: bool = True,
    raw: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """One row per claim (CLAIM_COLUMNS) with its speaker, target and sentiment."""
    roles = ("claim",)
    return _export(store, path, "claims", CLAIM_COLUMNS, roles, filter, bom, raw, progress)
