"""Pivots, drill-downs, timelines and heatmaps: each one statement in the store.

Counts are the claims CSV's rows counted (same speaker, target and sentiment rules; see
annotator.core.store.analysis_rows). With `layer=None` every layer counts, the reviewed layer
among them: a claim an analyst made and the reviewer accepted then counts twice. Choose one
analyst, or the reviewed layer, to count each claim once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from annotator.core.analysis.filters import compile_filter
from annotator.core.analysis.results import (
    FIELDS,
    AnalysisFilter,
    Cancelled,
    Passage,
    Pivot,
    PivotRow,
    Timeline,
)
from annotator.core.errors import ValidationError
from annotator.core.store import analysis_rows as rows
from annotator.core.store.analysis_counts import count_rows
from annotator.core.store.analysis_rows import TIME_FIELDS, Interrupted

if TYPE_CHECKING:
    from annotator.core.store import Store

PERIODS = ("week", "month", "day", "year")
#: The series of a timeline without a split.
ALL = "all"
#: A split value that is missing (a claim without speaker, without sentiment).
NONE = "(none)"


def check_fields(by: Sequence[str]) -> tuple[str, ...]:
    """`by` as a tuple, refusing unknown or repeated fields with the ones that exist."""
    chosen = tuple(by)
    for name in chosen:
        if name not in FIELDS:
            raise ValidationError(f"No field “{name}” to count by. Fields: {', '.join(FIELDS)}.")
    if len(set(chosen)) != len(chosen):
        raise ValidationError("Each field can be counted by once: remove the repeated one.")
    return chosen


def pivot(
    store: Store,
    by: Sequence[str],
    filt: AnalysisFilter,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> Pivot:
    """Annotations counted by the fields of `by` (one GROUP BY in the store)."""
    fields = check_fields(by)
    where = compile_filter(store, filt)
    if cancelled is not None and cancelled():
        raise Cancelled()
    try:
        found = count_rows(store.conn, fields, where, cancelled=cancelled)
    except Interrupted as exc:
        raise Cancelled() from exc
    counts: Counter[tuple[str | None, ...]] = Counter()
    for row in found:
        keys = tuple(
            rows.period_of(_text(key), name) if name in TIME_FIELDS else _text(key)
            for name, key in zip(fields, row[:-1], strict=True)
        )
        counts[keys] += int(str(row[-1]))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], _order(item[0])))
    result = [PivotRow(keys, count) for keys, count in ordered]
    times = [i for i, name in enumerate(fields) if name in TIME_FIELDS]
    undated = sum(r.count for r in result if any(r.keys[i] is None for i in times))
    titles: dict[str, str] = {}
    if "document" in fields:
        at = fields.index("document")
        ids = [r.keys[at] for r in result if r.keys[at] is not None]
        titles = rows.document_titles(store.conn, [str(i) for i in ids])
    return Pivot(fields, result, sum(counts.values()), undated, titles)


def heatmap(
    store: Store,
    rows_field: str,
    cols_field: str,
    filt: AnalysisFilter,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> Pivot:
    """A two-field pivot (rows × columns), e.g. speaker × target."""
    return pivot(store, (rows_field, cols_field), filt, cancelled=cancelled)


def drill(
    store: Store,
    by: Sequence[str],
    keys: Sequence[str | None],
    filt: AnalysisFilter,
    *,
    limit: int = 1000,
) -> list[Passage]:
    """The annotations behind one pivot cell (`keys` as the pivot gave them), in document
    order (publication date, undated last), then reading order; at most `limit`."""
    fields = check_fields(by)
    if len(keys) != len(fields):
        raise ValidationError(f"A cell of a pivot by {len(fields)} fields needs as many keys.")
    for name, key in zip(fields, keys, strict=True):
        if name in TIME_FIELDS and key is not None:
            try:
                rows.period_range(key, name)
            except (ValueError, IndexError):
                raise ValidationError(f"“{key}” is not a {name} (e.g. {_EXAMPLE[name]}).") from None
    if limit < 1:
        raise ValidationError("The number of passages must be at least 1.")
    where = compile_filter(store, filt)
    found = rows.passage_rows(store.conn, fields, list(keys), where, limit=limit)
    return [Passage(*row) for row in found]  # type: ignore[arg-type]


_EXAMPLE = {"day": "2022-04-27", "week": "2022-W17", "month": "2022-04", "year": "2022"}


def timeline(
    store: Store,
    period: str,
    split_by: str | None,
    filt: AnalysisFilter,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> Timeline:
    """Counts per week or month of publication, one series per value of `split_by`."""
    if period not in PERIODS:
        raise ValidationError(f"A timeline counts by {', '.join(PERIODS)}, not “{period}”.")
    if split_by in TIME_FIELDS:
        raise ValidationError("Split a timeline by speaker, sentiment, outlet… not by a date.")
    by = (period,) if split_by is None else (period, split_by)
    counted = pivot(store, by, filt, cancelled=cancelled)
    periods = periods_between([r.keys[0] for r in counted.rows if r.keys[0]], period)
    at = {label: i for i, label in enumerate(periods)}
    series: dict[str, list[int]] = {}
    totals: Counter[str] = Counter()
    for row in counted.rows:
        if row.keys[0] is None:
            continue
        name = ALL if split_by is None else (row.keys[1] if row.keys[1] is not None else NONE)
        series.setdefault(name, [0] * len(periods))[at[row.keys[0]]] += row.count
        totals[name] += row.count
    ordered = {name: series[name] for name, _ in sorted(totals.items(), key=_largest)}
    return Timeline(period, periods, ordered, counted.undated)


def periods_between(labels: Sequence[str], period: str) -> list[str]:
    """Every period from the earliest of `labels` to the latest, in order."""
    if not labels:
        return []
    first = date.fromisoformat(rows.period_range(min(labels), period)[0])
    last = max(labels)
    out: list[str] = []
    day = first
    while True:
        label = rows.period_of(day.isoformat(), period)
        assert label is not None
        out.append(label)
        if label >= last:
            return out
        day = date.fromisoformat(rows.period_range(label, period)[1])


def _largest(item: tuple[str, int]) -> tuple[int, bool, str]:
    return -item[1], item[0] == NONE, item[0]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _order(keys: tuple[str | None, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((key is None, key or "") for key in keys)
