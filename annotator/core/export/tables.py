"""Spreadsheet exports: every annotation, or the claims table analysts pivot.

RFC 4180 CSV (CRLF rows; fields holding commas, quotes or line breaks are quoted, quotes
doubled), UTF-8 with a byte-order mark by default so that Excel shows accents and non-Latin
scripts. Unless `raw`, a cell starting with = + - @ tab or carriage return gets a leading `'`
(OWASP's CSV-injection advice), so a quote like "=HYPERLINK(...)" is shown, never evaluated.

Speed: one streaming query gives every row in export order
(annotator.core.store.export_table), neutralised in SQL with builtins; Python adds the
document's cells (neutralised once per document) and finishes only the rows that need it: a
speaker or target named by a span's quote (put on one line), a comment thread, a reviewer, a
page. benchmarks/export_csv.py measures it against a bare SELECT written by `csv`.

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
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from annotator.core.export.atomic import atomic_text_file
from annotator.core.export.scope import (
    EVERYTHING,
    DocumentRow,
    ExportFilter,
    ExportResult,
    Progress,
    ProgressCounter,
    Scope,
    one_line,
    read_snapshot,
)
from annotator.core.store import Store
from annotator.core.store.export_table import FIELDS, table_rows

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
    "talking_point",
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
    "talking_point",
)
#: What the source says about itself: the same on every row of a document.
SOURCE_COLUMNS = ("outlet", "author", "url", "language")
#: First characters that make Excel, LibreOffice or Sheets read a cell as a formula.
# OWASP's list, plus the full-width forms some spreadsheets also read as operators.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Spreadsheets skip these before a formula (" =1+1" is still a formula).
_LEADING = " \u00a0"
#: The document's own cells, in the order both tables give them.
DOCUMENT_COLUMNS = (
    "document_id",
    "document_title",
    "source",
    "published",
    *SOURCE_COLUMNS,
)


def neutralise(value: str | None) -> str | None:
    """The cell as a spreadsheet shows it literally: a leading `'` before a formula start."""
    if value and (
        value.startswith(FORMULA_STARTS) or value.lstrip(_LEADING).startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value


def _split(columns: tuple[str, ...]) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """Where the document's cells start, which they are, and the other cells in order (the
    store gives these; the document's are the same on all its rows, so added here)."""
    at = [i for i, column in enumerate(columns) if column in DOCUMENT_COLUMNS]
    if at != list(range(at[0], at[0] + len(at))):
        raise ValueError("a table's document columns must be side by side")
    others = tuple(column for column in columns if column not in DOCUMENT_COLUMNS)
    return at[0], tuple(columns[i] for i in at), others


def _document_cells(document: DocumentRow, names: tuple[str, ...], raw: bool) -> tuple[object, ...]:
    values = {
        "document_id": document.id,
        "document_title": document.title,
        "source": document.source,
        "published": document.published,
        "outlet": document.outlet,
        "author": document.author,
        "url": document.url,
        "language": document.language,
    }
    return tuple(values[name] if raw else neutralise(values[name]) for name in names)


class _Rows:
    """The table's rows from the store's stream: the document's cells put in, the rows that
    need Python finished; counting rows and documents, reporting progress per document."""

    def __init__(
        self, scope: Scope, columns: tuple[str, ...], raw: bool, progress: Progress | None
    ) -> None:
        self.scope, self.raw, self.progress = scope, raw, progress
        self.at, self.document_columns, self.cells = _split(columns)
        self.count = self.documents = 0

    def _cell(self, value: str | None) -> str | None:
        return value if self.raw else neutralise(value)

    def _name(self, quote: str) -> str | None:
        """A span named by its quote: on one line, as the window shows it."""
        return self._cell(" ".join(quote.split()))

    def _thread(self, stored: str) -> str | None:
        """The annotation's comments, "author, time: body" a line, each body on one line."""
        thread = json.loads(stored)
        return self._cell("\n".join(f"{a}, {t}: {one_line(body)}" for a, t, body in thread))

    def __iter__(self) -> Iterator[tuple[object, ...]]:
        scope, cells, k = self.scope, self.cells, len(FIELDS)
        cut = k + self.at
        slot = {name: i for i, name in enumerate(cells)}
        speaker, target, page = slot.get("speaker"), slot.get("target"), slot.get("page")
        comments, reviewer = slot.get("comments"), slot.get("reviewed_by")
        reviewed_at = slot.get("reviewed_at")
        by_id = {document.id: document for document in scope.documents}
        counter = ProgressCounter(scope.documents, self.progress)
        codes = None if self.raw else [ord(c) for c in FORMULA_STARTS]
        ids = None if scope.resolved.all_documents else json.dumps(list(by_id))
        where = scope.resolved.where
        current: object = None
        document_cells: tuple[object, ...] = ()
        pages: tuple[int, ...] = ()
        for row in table_rows(scope.conn, cells, where, formula_codes=codes, document_ids=ids):
            if row[0] != current:
                current = row[0]
                counter.before(str(current))
                document = by_id[str(current)]
                document_cells = _document_cells(document, self.document_columns, self.raw)
                pages = document.page_starts if page is not None else ()
                self.documents += 1
            self.count += 1
            # The common row: nothing to finish (tested field by field: the cheapest way).
            if (
                not pages
                and row[2] is None
                and row[3] is None
                and row[4] is None
                and row[5] is None
            ):
                yield row[k:cut] + document_cells + row[cut:]
                continue
            out = list(row[k:])
            if row[2] is not None and speaker is not None:
                out[speaker] = self._name(str(row[2]))
            if row[3] is not None and target is not None:
                out[target] = self._name(str(row[3]))
            if row[4] is not None and comments is not None:
                out[comments] = self._thread(str(row[4]))
            if row[5] is not None and reviewer is not None and reviewed_at is not None:
                name, decided = json.loads(str(row[5]))
                out[reviewer], out[reviewed_at] = self._cell(name), decided
            if pages and page is not None:
                # The page holding the first character, as `records.page_at` counts it.
                out[page] = max(1, bisect_right(pages, int(str(row[1]))))
            yield (*out[: self.at], *document_cells, *out[self.at :])
        counter.finish()


def write_table(
    scope: Scope,
    out: TextIO,
    columns: tuple[str, ...],
    *,
    raw: bool = False,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Write the header and one row per annotation in scope; (rows, documents with rows)."""
    writer = csv.writer(out)  # the excel dialect is RFC 4180: CRLF, minimal quoting
    writer.writerow(columns)
    rows = _Rows(scope, columns, raw, progress)
    writer.writerows(rows)
    return rows.count, rows.documents


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
        # The mark written by hand: the "utf-8-sig" codec encodes in Python, row by row,
        # where "utf-8" takes the text layer's C path.
        with atomic_text_file(Path(path), encoding="utf-8") as out:
            if bom:
                out.write("\ufeff")
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
