"""Counts and passages for the analysis view: one GROUP BY (or one SELECT) per request.

Every key is what the claims CSV export writes for the same annotation
(annotator.core.store.export_table), so a pivot's counts are the table's rows counted:

- speaker: the claim's "said_by" link (the newest, should two exist): its typed name, else the
  linked speaker span's canonical name (its speaker_name, else its quote on one line); a
  speaker span's own name for a speaker span. target: the same through the "about" link.
- sentiment, label (its name), analyst (the layer's name; the reviewed layer under its name),
  outlet ("" as none), document (its id).
- day, week, month, year of the document's publication date. The GROUP BY takes the day (a
  prefix of the stored value); `period_of` puts days into weeks, months and years over the
  groups (never over annotations), and `period_range` turns a period back into a date range.

Conditions come from the caller as SQL on the aliases `a` (annotations), `lb` (labels),
`d` (documents), with positional parameters: the caller compiles them from a search query.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from annotator.core.store.export_table import SPACES

FIELDS = (
    "speaker",
    "target",
    "sentiment",
    "label",
    "analyst",
    "outlet",
    "document",
    "day",
    "week",
    "month",
    "year",
)
TIME_FIELDS = ("day", "week", "month", "year")
#: SQL function putting a quote on one line (called only for quotes that are not already).
ONE_LINE = "annotator_one_line"
_SPACED = f"*[{SPACES}]*"
#: How many SQLite steps pass between two looks at the cancel callback.
CHECK_EVERY = 20_000


class Interrupted(Exception):
    """The cancel callback asked to stop a running query."""


@dataclass(frozen=True)
class Where:
    """Which annotations: labels and layers by id (None: all), publication days (inclusive;
    undated documents are then left out), and a condition compiled from a search query."""

    label_ids: tuple[str, ...] | None = None
    layer_ids: tuple[str, ...] | None = None
    since: date | None = None
    until: date | None = None
    condition: str = ""
    params: tuple[object, ...] = field(default=())


def _one_line(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def span_name(alias: str) -> str:
    """A span's canonical name: speaker_name, else its quote on one line (in SQL where the
    quote is on one line already, which is nearly always)."""
    quote = f"{alias}.quote"
    plain = (
        f"({quote} NOT GLOB '{_SPACED}' AND instr({quote}, '  ') = 0 "
        f"AND unicode({quote}) <> 32 AND substr({quote}, -1) <> ' ')"
    )
    return (
        f"CASE WHEN {alias}.id IS NOT NULL THEN coalesce({alias}.speaker_name, "
        f"CASE WHEN {plain} THEN {quote} ELSE {ONE_LINE}({quote}) END) END"
    )


def _link_join(alias: str, kind: str) -> str:
    # As the claims export: claims only, the newest link of the kind (should two exist).
    return (
        f"LEFT JOIN links {alias} ON lb.role = 'claim' AND {alias}.source_id = a.id "
        f"AND {alias}.kind = '{kind}' AND NOT EXISTS (SELECT 1 FROM links newer "
        f"WHERE newer.source_id = a.id AND newer.kind = '{kind}' "
        f"AND (newer.created, newer.id) > ({alias}.created, {alias}.id)) "
    )


def _span_join(alias: str, link: str) -> str:
    return (
        f"LEFT JOIN annotations {alias} ON {alias}.id = {link}.target_id "
        f"AND {alias}.document_id = a.document_id AND {alias}.label_id IN "
        "(SELECT id FROM labels WHERE role IN ('speaker', 'target')) "
    )


KEYS = {
    "speaker": (
        f"coalesce(ls.name, {span_name('sp')}, "
        f"CASE WHEN lb.role = 'speaker' THEN {span_name('a')} END)"
    ),
    "target": f"coalesce(lt.name, {span_name('tg')})",
    "sentiment": "a.sentiment",
    "label": "lb.name",
    "analyst": "an.name",
    "outlet": "nullif(d.outlet, '')",
    "document": "d.id",
    **{name: "substr(d.published, 1, 10)" for name in TIME_FIELDS},
}
_NEEDS = {
    "speaker": ("speaker",),
    "target": ("target",),
    "analyst": ("analyst",),
    "outlet": ("documents",),
    "document": ("documents",),
    **{name: ("documents",) for name in TIME_FIELDS},
}


def link_joins(needs: set[str]) -> str:
    """The joins naming the speaker and/or target (as `needs` says) of annotation `a`."""
    joins = ""
    if "speaker" in needs:
        joins += _link_join("ls", "said_by") + _span_join("sp", "ls")
    if "target" in needs:
        joins += _link_join("lt", "about") + _span_join("tg", "lt")
    return joins


def _from(needs: set[str], driver: str = "") -> str:
    """The FROM clause; `driver`: a query of the few annotation ids to start from (CROSS JOIN
    keeps SQLite from scanning an index and testing each row against them instead)."""
    joins = "FROM annotations a JOIN labels lb ON lb.id = a.label_id "
    if driver:
        joins = (
            f"FROM ({driver}) m CROSS JOIN annotations a ON a.id = m.id "
            "CROSS JOIN labels lb ON lb.id = a.label_id "
        )
    if "documents" in needs:
        joins += "JOIN documents d ON d.id = a.document_id "
    if "analyst" in needs:
        joins += "JOIN analysts an ON an.id = a.analyst_id "
    return joins + link_joins(needs)


def where_sql(where: Where) -> tuple[str, list[object], set[str]]:
    terms: list[str] = []
    params: list[object] = []
    needs: set[str] = set()
    for column, ids in (("a.label_id", where.label_ids), ("a.analyst_id", where.layer_ids)):
        if ids is not None:
            terms.append(f"{column} IN ({', '.join('?' * len(ids))})" if ids else "0")
            params += ids
    dates: list[str] = []
    if where.since is not None:
        dates.append("published >= ?")
        params.append(where.since.isoformat())
    if where.until is not None:
        # Stored as YYYY-MM-DD, a time perhaps following: before the next day is all of it.
        dates.append("published < ?")
        params.append((where.until + timedelta(days=1)).isoformat())
    if dates:
        # A set of document ids built once, not a document read per annotation.
        terms.append(f"a.document_id IN (SELECT id FROM documents WHERE {' AND '.join(dates)})")
    if where.condition:
        terms.append(f"({where.condition})")
        params += where.params
    return " AND ".join(terms) or "1", params, needs


def period_of(day: str | None, period: str) -> str | None:
    """The day's period as a label: 2022-04-27 → 2022-04-27, 2022-W17, 2022-04, 2022."""
    if day is None:
        return None
    if period == "day":
        return day
    if period == "month":
        return day[:7]
    if period == "year":
        return day[:4]
    try:
        year, week, _ = date.fromisoformat(day).isocalendar()
    except ValueError:
        return None  # not a date: counted as undated
    return f"{year}-W{week:02d}"


def period_range(label: str, period: str) -> tuple[str, str]:
    """The days of a period as [first, after the last) in stored form, for a condition."""
    if period == "day":
        first = date.fromisoformat(label)
        return first.isoformat(), (first + timedelta(days=1)).isoformat()
    if period == "month":
        year, month = int(label[:4]), int(label[5:7])
        after = date(year + month // 12, month % 12 + 1, 1)
        return f"{label}-01", after.isoformat()
    if period == "year":
        return f"{label}-01-01", f"{int(label) + 1:04d}-01-01"
    year, week = int(label[:4]), int(label[6:])
    monday = date.fromisocalendar(year, week, 1)
    return monday.isoformat(), (monday + timedelta(days=7)).isoformat()


def register(conn: sqlite3.Connection) -> None:
    """Make the SQL function these statements call available on `conn`."""
    conn.create_function(ONE_LINE, 1, _one_line, deterministic=True)


def run(
    conn: sqlite3.Connection,
    sql: str,
    params: Sequence[object],
    cancelled: Callable[[], bool] | None,
) -> list[tuple[object, ...]]:
    register(conn)
    if cancelled is None:
        return conn.execute(sql, tuple(params)).fetchall()
    conn.set_progress_handler(lambda: 1 if cancelled() else 0, CHECK_EVERY)
    try:
        return conn.execute(sql, tuple(params)).fetchall()
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            raise Interrupted() from exc
        raise
    finally:
        conn.set_progress_handler(None, 0)


#: What a passage row holds, in order.
PASSAGE_COLUMNS = (
    "annotation_id",
    "document_id",
    "document_title",
    "published",
    "quote",
    "start",
    "end",
    "speaker",
    "target",
    "sentiment",
    "analyst",
)


def passage_rows(
    conn: sqlite3.Connection,
    by: Sequence[str],
    keys: Sequence[str | None],
    where: Where,
    *,
    limit: int,
) -> list[tuple[object, ...]]:
    """The annotations of one group (PASSAGE_COLUMNS), in document order (publication date,
    undated last, title), then reading order; at most `limit`."""
    condition, params, needs = where_sql(where)
    needs.update(("speaker", "target", "analyst", "documents"))
    terms = [condition]
    driver, driver_params = "", list[object]()
    for name, key in zip(by, keys, strict=True):
        if name in TIME_FIELDS:
            if key is None:
                terms.append("d.published IS NULL")
            else:
                first, after = period_range(key, name)
                terms.append("d.published >= ? AND d.published < ?")
                params += [first, after]
        elif key is None:
            terms.append(f"{KEYS[name]} IS NULL")
        else:
            if name in ("speaker", "target") and len(key) <= SHORT_QUOTE and not driver:
                driver, driver_params = _named(name, key, spans=_counts_spans(conn, where))
            terms.append(f"{KEYS[name]} = ?")  # the candidates found checked exactly
            params.append(key)
    sql = (
        f'SELECT a.id, d.id, d.title, d.published, a.quote, a.start, a."end", '
        f"{KEYS['speaker']}, {KEYS['target']}, a.sentiment, an.name "
        f"{_from(needs, driver)}WHERE {' AND '.join(terms)} "
        'ORDER BY d.published IS NULL, d.published, d.title, d.id, a.start, a."end", a.id '
        "LIMIT ?"
    )
    return run(conn, sql, [*driver_params, *params, limit], None)


#: The longest quote annotations_by_short_quote holds (migration 0012).
SHORT_QUOTE = 40
#: A quote to put on one line: the condition of annotations_by_spaced_quote, word for word.
SPACED_QUOTE = (
    f"(quote GLOB '*[{SPACES}]*' OR instr(quote, '  ') > 0 OR unicode(quote) = 32 "
    "OR substr(quote, -1) = ' ')"
)


def _counts_spans(conn: sqlite3.Connection, where: Where) -> bool:
    """True if speaker spans are among the annotations `where` takes."""
    if where.label_ids is None:
        return True
    found = conn.execute(
        "SELECT 1 FROM labels WHERE role = 'speaker' AND id IN (SELECT value FROM json_each(?))",
        [json.dumps(where.label_ids)],
    )
    return found.fetchone() is not None


def _named(field_name: str, name: str, *, spans: bool) -> tuple[str, list[object]]:
    """Annotations that may have `name` as their speaker (or target), found through indexes:
    claims whose link types the name or points to a span that may be so named (its
    speaker_name, a short quote, a quote to put on one line); for the speaker, those spans
    too (a speaker span is its own speaker). A superset: the caller checks the key."""
    kind = "said_by" if field_name == "speaker" else "about"
    named_spans = (
        "SELECT id FROM annotations WHERE speaker_name = ? "
        f"UNION ALL SELECT id FROM annotations WHERE speaker_name IS NULL "
        f"AND length(quote) <= {SHORT_QUOTE} AND quote = ? "
        f"UNION ALL SELECT id FROM annotations WHERE speaker_name IS NULL AND {SPACED_QUOTE}"
    )
    sql = (
        "SELECT source_id AS id FROM links WHERE name = ? AND kind = ? "
        f"UNION ALL SELECT source_id FROM links WHERE kind = ? AND target_id IN ({named_spans})"
    )
    params: list[object] = [name, kind, kind, name, name]
    if field_name == "speaker" and spans:
        sql += f" UNION ALL {named_spans}"
        params += [name, name]
    return f"SELECT DISTINCT id FROM ({sql})", params


def document_titles(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    """Each document's title by id."""
    found = conn.execute(
        "SELECT id, title FROM documents WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(list(ids))],
    )
    return {str(i): str(t) for i, t in found}
