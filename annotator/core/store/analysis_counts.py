"""The analysis view's counts: one statement per pivot, shaped so that 1,000,000 annotations
are counted in about the time of a plain GROUP BY over them.

Why the shape: few claims carry links (a speaker or target named), so looking a link up for
every claim costs far more than counting. The statement counts in three parts, added up:

- every annotation in scope, grouped by its own columns (label, layer, sentiment, document),
  with speaker and target as none: an index-only scan where the filter allows;
- every annotation that may have a speaker or target (claims with such a link; speaker spans,
  named by themselves), once with its real speaker and target (+1) and once as the first part
  counted it (-1): links are read for these only.

Document fields (outlet, title, dates) and names (labels, layers) are read per group after
counting, never per annotation. Keys are those of the claims CSV export; see analysis_rows.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence

from annotator.core.store.analysis_rows import (
    ONE_LINE,
    TIME_FIELDS,
    Where,
    run,
    span_name,
    where_sql,
)

_DOCUMENT_FIELDS = ("outlet", "document", *TIME_FIELDS)


_NAMED = ("speaker", "target")
#: Each annotation's own column a field is counted by before the names are read.
_OWN = {"sentiment": "a.sentiment", "label": "a.label_id", "analyst": "a.analyst_id"}
#: The final key of each field from the grouped row `g` and its joins.
_FINAL = {
    "speaker": "g.speaker",
    "target": "g.target",
    "sentiment": "g.sentiment",
    "label": "lb.name",
    "analyst": "an.name",
    "outlet": "nullif(d.outlet, '')",
    "document": "d.id",
    **{name: "substr(d.published, 1, 10)" for name in TIME_FIELDS},
}


def count_sql(by: Sequence[str], where: Where) -> tuple[str, list[object]]:
    """The statement counting annotations by `by` (time fields as days), its parameters."""
    condition, params, _needs = where_sql(where)
    columns: list[tuple[str, str, str]] = []  # (name, first part, second part)
    for name in by:
        if name in _NAMED:
            columns.append((name, "NULL", "NULL"))  # named by the linked and spans parts
        elif name in _OWN:
            columns.append((name, _OWN[name], _OWN[name]))
    if any(name in _DOCUMENT_FIELDS for name in by):
        columns.append(("doc", "a.document_id", "a.document_id"))
    group = ", ".join(str(i + 1) for i in range(len(columns)))
    group_by = f" GROUP BY {group}" if columns else ""
    # The first part groups by its own columns only: a constant column in the GROUP BY would
    # make SQLite sort every row instead of reading them in the index's order.
    own = [str(i + 1) for i, (_, a, _) in enumerate(columns) if a != "NULL"]
    first_group = f" GROUP BY {', '.join(own)}" if own else ""
    first = ", ".join([*(f"{a} AS {n}" for n, a, _ in columns), "count(*) AS n"])
    parts = [f"SELECT {first} FROM annotations a WHERE {condition}{first_group}"]
    all_params = list(params)
    named = [name for name in by if name in _NAMED]
    if named:
        parts.append(_linked_part(columns, condition))
        all_params += params
    if "speaker" in named and where.label_ids != ():
        speakers = "SELECT id FROM labels WHERE role = 'speaker'"
        if where.label_ids is not None:  # speaker spans only where their labels are counted
            speakers += f" AND id IN ({', '.join('?' * len(where.label_ids))})"
            all_params += where.label_ids
        spans = {"speaker": f"CASE WHEN w.w = 1 THEN {span_name('a')} END", "target": "NULL"}
        second = ", ".join([*(f"{spans.get(n, b)} AS {n}" for n, _, b in columns), "sum(w.w)"])
        parts.append(
            f"SELECT {second} FROM annotations a CROSS JOIN ({_BOTH}) w "
            f"WHERE a.label_id IN ({speakers}) AND {condition}{group_by}"
        )
        all_params += params
    joins = ""
    if "label" in by:
        joins += "JOIN labels lb ON lb.id = g.label "
    if "analyst" in by:
        joins += "JOIN analysts an ON an.id = g.analyst "
    if any(name in _DOCUMENT_FIELDS for name in by):
        joins += "JOIN documents d ON d.id = g.doc "
    keys = [_FINAL[name] for name in by]
    outer_group = f" GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))}" if keys else ""
    sql = (
        f"SELECT {', '.join([*keys, 'sum(g.n)'])} FROM ({' UNION ALL '.join(parts)}) g "
        f"{joins}{outer_group.strip() and outer_group} HAVING sum(g.n) <> 0"
    )
    return sql, all_params


_BOTH = "SELECT 1 AS w UNION ALL SELECT -1"
#: The columns of analysis_names (migration 0015) a condition may name to be read from it alone.
_NAMES_COLUMNS = {"id", "label_id", "sentiment", "analyst_id", "document_id"}
_COLUMN = re.compile(r'\ba\."?(\w+)')


def _linked_part(columns: list[tuple[str, str, str]], condition: str) -> str:
    """The linked claims, from analysis_names: +1 with their names, -1 as the first part
    counted them. Read from that table alone when the condition names only its columns."""
    if set(_COLUMN.findall(condition)) <= _NAMES_COLUMNS:
        source, names = "analysis_names a", "a"
    else:
        source, names = "analysis_names n CROSS JOIN annotations a ON a.id = n.id", "n"
    named = {
        name: f"CASE WHEN w.w = 1 THEN CASE WHEN {names}.spaced & {bit} "
        f"THEN {ONE_LINE}({names}.{name}) ELSE {names}.{name} END END"
        for name, bit in (("speaker", 1), ("target", 2))
    }
    second = ", ".join([*(f"{named.get(n, b)} AS {n}" for n, _, b in columns), "sum(w.w)"])
    group = ", ".join(str(i + 1) for i in range(len(columns)))
    return (
        f"SELECT {second} FROM {source} CROSS JOIN labels lb ON lb.id = a.label_id "
        f"CROSS JOIN ({_BOTH}) w WHERE lb.role = 'claim' AND {condition}"
        f"{f' GROUP BY {group}' if columns else ''}"
    )


def count_rows(
    conn: sqlite3.Connection,
    by: Sequence[str],
    where: Where,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> list[tuple[object, ...]]:
    """(key per field of `by`, count) for every group with annotations: one statement. Time
    fields come back as days (see analysis_rows.period_of)."""
    sql, params = count_sql(by, where)
    return run(conn, sql, params, cancelled)


def label_units(
    conn: sqlite3.Connection,
    where: Where,
    *,
    spans: bool,
    cancelled: Callable[[], bool] | None = None,
) -> list[tuple[object, ...]]:
    """The annotations `where` takes, for label co-occurrence: (document id, label id) once
    each, or with `spans` (document id, label id, start, end) for every annotation, ordered by
    document."""
    condition, params, _needs = where_sql(where)
    if not spans:
        sql = f"SELECT DISTINCT a.document_id, a.label_id FROM annotations a WHERE {condition}"
    else:
        sql = (
            'SELECT a.document_id, a.label_id, a.start, a."end" FROM annotations a '
            f"WHERE {condition} ORDER BY a.document_id"
        )
    return run(conn, sql, params, cancelled)


def document_text(conn: sqlite3.Connection, document_id: str) -> str:
    row = conn.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
    return "" if row is None else str(row[0])
