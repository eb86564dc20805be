"""Token-level labels: what each analyst said about each token of a document.

- A token is inside a span when they share at least one code point (spans are snapped to whole
  words when tagged, so in practice a span covers whole tokens).
- Per label, a token is a binary: inside a span of that label or not.
- Overall, a token's category is the set of labels of the spans it is inside (an analyst's
  spans may overlap: "Claim" and "Target" on one token make the category "Claim+Target");
  a token inside no span has the empty set, shown as "none".
- Missing data: an analyst who has no annotation at all in a document (of any label) and did
  not mark it finished did not code that document, so their values for its tokens are missing,
  not "none". A document they marked finished without annotating is coded: every token "none".
  Only documents coded by two or more of the compared analysts contribute.

Tokens whose values agree for every analyst form runs, and each run is counted once with its
length as weight: the work per document grows with its spans, not its tokens.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from annotator.core.agreement.tokens import Token

#: The label names of the spans a token is inside, for one analyst.
LabelSet = frozenset[str]
#: Per analyst (in the order given), a token's label set, or None where it was not coded.
Pattern = tuple[LabelSet | None, ...]
NONE_CATEGORY = "none"
_EMPTY: LabelSet = frozenset()


@dataclass(frozen=True)
class Span:
    """One annotation as agreement sees it: label name, code-point offsets, sentiment."""

    label: str
    start: int
    end: int
    sentiment: str | None = None


def category(labels: LabelSet) -> str:
    """A token's overall category as shown: label names sorted and joined by '+', or "none"."""
    return "+".join(sorted(labels)) if labels else NONE_CATEGORY


def token_range(starts: Sequence[int], ends: Sequence[int], span: Span) -> tuple[int, int]:
    """Indices [first, last) of the tokens sharing at least one code point with the span."""
    return bisect_right(ends, span.start), bisect_left(starts, span.end)


def token_runs(
    tokens: Sequence[Token], coders: Sequence[Sequence[Span] | None]
) -> Iterator[tuple[Pattern, int]]:
    """(pattern, number of tokens) for each run of tokens over which no analyst's label set
    changes. `coders` holds each analyst's spans in the document, or None if they did not
    code it (their values are missing)."""
    if not tokens:
        return
    starts = [t[0] for t in tokens]
    ends = [t[1] for t in tokens]
    # At each token index, the labels each analyst opens (+1) and closes (-1) there.
    events: dict[int, list[tuple[int, str, int]]] = {0: [], len(tokens): []}
    for index, spans in enumerate(coders):
        for span in spans or ():
            first, last = token_range(starts, ends, span)
            if first < last:
                events.setdefault(first, []).append((index, span.label, 1))
                events.setdefault(last, []).append((index, span.label, -1))
    active: list[Counter[str]] = [Counter() for _ in coders]
    boundaries = sorted(events)
    for here, following in zip(boundaries, boundaries[1:], strict=False):
        for index, label, step in events[here]:
            active[index][label] += step
        yield (
            tuple(
                None if spans is None else _label_set(active[i]) for i, spans in enumerate(coders)
            ),
            following - here,
        )


def _label_set(counts: Counter[str]) -> LabelSet:
    labels = frozenset(label for label, n in counts.items() if n > 0)
    return labels or _EMPTY
