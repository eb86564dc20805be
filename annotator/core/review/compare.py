"""Which annotations of two layers correspond, and how they differ.

Pairing, in this order, each annotation in at most one pair:

1. the same span (start and end) with the same label;
2. the same span with another label (a *label* disagreement, whatever the roles);
3. overlapping spans whose labels have the same role (claim, speaker or target), largest overlap
   first (a *boundaries* disagreement, plus *label* if the labels differ).

What is left is marked by one layer only. A pair also differs in *sentiment*, and for claims in
*speaker* or *target*: who the claim is attributed to, compared by name (a linked span's
canonical name or quote, or the typed name; case and spacing ignored), so links to different
copies of the same speaker agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.attribution import DocumentAnnotations
from annotator.core.records import (
    REVIEWED_LAYER_ID,
    AnalystId,
    Annotation,
    AnnotationId,
    ReviewDecision,
)

#: Kinds of difference, in the order they are listed, with their names for people.
KIND_NAMES = {
    "only_first": "only in the first layer",
    "only_second": "only in the second layer",
    "label": "label",
    "boundaries": "boundaries",
    "sentiment": "sentiment",
    "speaker": "speaker",
    "target": "target",
}


@dataclass(frozen=True)
class Item:
    """A pair of corresponding annotations (or one alone) and what differs between them."""

    first: Annotation | None
    second: Annotation | None
    kinds: tuple[str, ...]  # empty: the two layers agree here

    @property
    def start(self) -> int:
        return min(a.start for a in self.sides())

    @property
    def end(self) -> int:
        return max(a.end for a in self.sides())

    @property
    def agreed(self) -> bool:
        return not self.kinds

    def sides(self) -> list[Annotation]:
        return [a for a in (self.first, self.second) if a is not None]

    def sources(self) -> tuple[tuple[AnnotationId, str], ...]:
        """What a decision on this item records: ids, with the version of analysts' spans.

        A reviewed-layer span is recorded without its version: editing it is the point of
        reviewing, and must not reopen the decision.
        """
        return tuple(
            sorted(
                (a.id, "" if a.analyst_id == REVIEWED_LAYER_ID else a.modified)
                for a in self.sides()
            )
        )


def compare_layers(state: DocumentAnnotations, first: AnalystId, second: AnalystId) -> list[Item]:
    """Every pair and lone annotation of the two layers, in reading order."""
    if first == second:
        raise ValueError("compare two different layers")
    ones = [a for a in state.all() if a.analyst_id == first]
    twos = [a for a in state.all() if a.analyst_id == second]
    pairs: list[tuple[Annotation, Annotation]] = []
    free_one = {a.id: a for a in ones}
    free_two = {a.id: a for a in twos}

    def take(candidates: list[tuple[int, Annotation, Annotation]]) -> None:
        for _score, a, b in sorted(candidates, key=lambda c: (-c[0], c[1].start, c[2].start)):
            if a.id in free_one and b.id in free_two:
                pairs.append((a, b))
                del free_one[a.id], free_two[b.id]

    by_span: dict[tuple[int, int], list[Annotation]] = {}
    for b in twos:
        by_span.setdefault((b.start, b.end), []).append(b)
    # 1 and 2: same span, the same label first.
    take(
        [
            (2 if a.label_id == b.label_id else 1, a, b)
            for a in ones
            for b in by_span.get((a.start, a.end), [])
        ],
    )
    # 3: overlapping spans of the same role, largest overlap first.
    overlaps = []
    rest_two = sorted(free_two.values(), key=lambda x: x.start)
    for a in list(free_one.values()):
        for b in rest_two:
            if b.start >= a.end:
                break
            if b.end > a.start and state.role_of(a) == state.role_of(b):
                overlaps.append((min(a.end, b.end) - max(a.start, b.start), a, b))
    take(overlaps)

    items = [Item(a, b, _differences(state, a, b)) for a, b in pairs]
    items += [Item(a, None, ("only_first",)) for a in free_one.values()]
    items += [Item(None, b, ("only_second",)) for b in free_two.values()]
    return sorted(items, key=lambda it: (it.start, it.end, it.kinds))


def _differences(state: DocumentAnnotations, a: Annotation, b: Annotation) -> tuple[str, ...]:
    kinds = []
    if a.label_id != b.label_id:
        kinds.append("label")
    if (a.start, a.end) != (b.start, b.end):
        kinds.append("boundaries")
    if a.sentiment != b.sentiment:
        kinds.append("sentiment")
    if state.role_of(a) == "claim" and state.role_of(b) == "claim":
        if _name(state.speaker_of(a.id)) != _name(state.speaker_of(b.id)):
            kinds.append("speaker")
        if _name(state.target_of(a.id)) != _name(state.target_of(b.id)):
            kinds.append("target")
    return tuple(kinds)


def _name(text: str) -> str:
    return " ".join(text.split()).casefold()


def item_status(item: Item, decisions: list[ReviewDecision]) -> ReviewDecision | None:
    """The latest decision taken on exactly this item (these annotations, these versions)."""
    wanted = item.sources()
    found = None
    for decision in decisions:
        if tuple(sorted(decision.sources)) == wanted and (
            found is None or decision.decided >= found.decided
        ):
            found = decision
    return found
