"""Label × label co-occurrence: in how many documents (or sentences) annotations of two labels
occur together.

A cell (A, B) counts the documents, or the sentences, holding at least one annotation of A and
one of B among those the filter takes; the diagonal (A, A) counts those holding A at all. The
table is symmetric: both (A, B) and (B, A) are rows, so a heatmap reads it like any pivot. An
annotation is in every sentence it overlaps (sentences as "find this claim elsewhere" cuts
them: annotator.core.recurrences.terms.sentences); one between two sentences is in the next.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from itertools import groupby
from typing import TYPE_CHECKING

from annotator.core.analysis.filters import compile_filter
from annotator.core.analysis.results import AnalysisFilter, Cancelled, Pivot, PivotRow
from annotator.core.errors import ValidationError
from annotator.core.recurrences.terms import sentences
from annotator.core.store.analysis_counts import document_text, label_units
from annotator.core.store.analysis_rows import Interrupted

if TYPE_CHECKING:
    from annotator.core.store import Store

WITHIN = ("document", "sentence")


def cooccurrence(
    store: Store,
    within: str,
    filt: AnalysisFilter,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> Pivot:
    """Documents (or sentences) counted by each pair of labels occurring in them together."""
    if within not in WITHIN:
        raise ValidationError(
            f"Labels occur together within a {' or a '.join(WITHIN)}, not “{within}”."
        )
    where = compile_filter(store, filt)
    names = {str(label.id): label.name for label in store.codebook.get().labels}
    try:
        found = label_units(store.conn, where, spans=within == "sentence", cancelled=cancelled)
    except Interrupted as exc:
        raise Cancelled() from exc
    if within == "document":
        units = _by_unit((str(doc), label) for doc, label in found)
    else:
        units = _by_unit(_sentence_units(store, found, cancelled))
    counts: Counter[tuple[str | None, ...]] = Counter()
    for labels in units:
        named = sorted({names.get(str(label), str(label)) for label in labels})
        for first in named:
            for second in named:
                counts[(first, second)] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [PivotRow(keys, count) for keys, count in ordered]
    return Pivot(("label", "label"), rows, len(units), 0)


def _by_unit(pairs: Iterable[tuple[Hashable, object]]) -> list[set[object]]:
    units: dict[Hashable, set[object]] = {}
    for unit, label in pairs:
        units.setdefault(unit, set()).add(label)
    return list(units.values())


def _sentence_units(
    store: Store,
    found: list[tuple[object, ...]],
    cancelled: Callable[[], bool] | None,
) -> Iterable[tuple[tuple[str, int], object]]:
    """((document, sentence number), label) for every sentence each annotation overlaps."""
    for doc, rows in groupby(found, key=lambda row: str(row[0])):
        if cancelled is not None and cancelled():
            raise Cancelled()
        cut = list(sentences(document_text(store.conn, doc))) or [(0, 0)]
        ends = [end for _start, end in cut]
        for _doc, label, start, end in rows:
            first = min(bisect_right(ends, int(str(start))), len(cut) - 1)
            last = first
            while last + 1 < len(cut) and cut[last + 1][0] < int(str(end)):
                last += 1
            for number in range(first, last + 1):
                yield (doc, number), label
