"""Label × label co-occurrence: in how many documents (or sentences) annotations of two labels
occur together.

A cell (A, B) counts the documents, or the sentences, holding at least one annotation of A and
one of B among those the filter takes; the diagonal (A, A) counts those holding A at all. The
table is symmetric: both (A, B) and (B, A) are rows, so a heatmap reads it like any pivot. An
annotation is in every sentence it overlaps (sentences as "find this claim elsewhere" cuts
them: annotator.core.recurrences.terms.sentences; the space after a sentence is part of it).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from itertools import groupby
from typing import TYPE_CHECKING

from annotator.core.analysis.filters import compile_filter
from annotator.core.analysis.results import AnalysisFilter, Cancelled, Pivot, PivotRow
from annotator.core.errors import ValidationError
from annotator.core.store.analysis_counts import document_text, label_units
from annotator.core.store.analysis_rows import Interrupted

if TYPE_CHECKING:
    from annotator.core.store import Store

WITHIN = ("document", "sentence")
#: annotator.core.recurrences.terms' sentence end, each branch behind the one class of the
#: characters it starts with (a test checks the two cut alike).
_SENTENCE_END = re.compile(
    r"[.!?。！？\n](?:(?<=[.!?])[.!?]*[\"'”’»)\]]*\s+(?=[^\sa-z])"
    r"|(?<=[。！？])[。！？]*[」』”’）]*\s*|(?<=\n)\s*)"
)


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
        units = _sentence_units(store, found, cancelled)
    combinations = Counter(frozenset(labels) for labels in units)
    counts: Counter[tuple[str | None, ...]] = Counter()
    for labels, times in combinations.items():  # few distinct sets of labels: pairs per set
        named = sorted({names.get(str(label), str(label)) for label in labels})
        for first in named:
            for second in named:
                counts[(first, second)] += times
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [PivotRow(keys, count) for keys, count in ordered]
    return Pivot(("label", "label"), rows, len(units), 0)


def _by_unit(pairs: Iterable[tuple[Hashable, object]]) -> list[set[object]]:
    units: dict[Hashable, set[object]] = {}
    for unit, label in pairs:
        units.setdefault(unit, set()).add(label)
    return list(units.values())


def sentence_ends(text: str) -> list[int]:
    """Where each sentence of `text` ends (the space after it included): the cuts of
    annotator.core.recurrences.terms.sentences, found by a pattern that starts with one
    character class, which `re` scans for in C (4x faster on 62 M characters)."""
    return [match.end() for match in _SENTENCE_END.finditer(text)]


def _sentence_units(
    store: Store,
    found: list[tuple[object, ...]],
    cancelled: Callable[[], bool] | None,
) -> list[set[object]]:
    """The labels of every sentence holding annotations (each in every sentence it overlaps)."""
    units: list[set[object]] = []
    for doc, rows in groupby(found, key=lambda row: row[0]):
        if cancelled is not None and cancelled():
            raise Cancelled()
        ends = sentence_ends(document_text(store.conn, str(doc)))
        sentences: dict[int, set[object]] = {}
        for _doc, label, start, end in rows:
            first = bisect_right(ends, start)  # type: ignore[call-overload]
            last = bisect_right(ends, end - 1, first)  # type: ignore[operator]
            for number in range(first, last + 1):
                sentences.setdefault(number, set()).add(label)
        units.extend(sentences.values())
    return units
