"""A reviewer's decision as undoable operations: the reviewed layer gets what was accepted.

For each side of the item (the first layer's annotation, the second's): a kept side that belongs
to an analyst is copied into the reviewed layer (or an identical reviewed span is reused); a kept
side that already is in the reviewed layer stays; a side not kept that is in the reviewed layer
is removed. Claims copied keep their attribution: linked to the reviewed copy of their speaker
or target span when there is one, otherwise to that span's name. Deciding an item again
replaces the earlier decision and what it added.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from annotator.core.attribution import DocumentAnnotations
from annotator.core.errors import ValidationError
from annotator.core.ops import (
    Op,
    PutAnnotation,
    PutDecision,
    PutLink,
    PutMembership,
    RemoveAnnotation,
    RemoveDecision,
    RemoveLink,
    RemoveMembership,
    removal_ops,
)
from annotator.core.records import (
    DECISIONS,
    REVIEWED_LAYER_ID,
    AnalystId,
    Annotation,
    AnnotationId,
    DecisionId,
    Link,
    LinkId,
    ReviewDecision,
    new_id,
    now_iso,
)
from annotator.core.review.compare import Item
from annotator.core.store import Store, talking_points

REVIEWED = AnalystId(REVIEWED_LAYER_ID)


@dataclass
class ReviewStep:
    forward: list[Op]
    inverse: list[Op]
    decisions: list[ReviewDecision]


def review_ops(
    store: Store,
    state: DocumentAnnotations,
    decided: list[tuple[Item, str]],
    *,
    first_layer: AnalystId,
    second_layer: AnalystId,
    reviewer: AnalystId,
    edit_side: str = "first",
) -> ReviewStep:
    """Operations recording each (item, decision) in one step.

    `decision` is one of DECISIONS; for "edit", `edit_side` ("first" or "second") names the
    side kept for editing. `state` holds the document's annotations of every layer.
    """
    if not decided:
        raise ValidationError("Nothing to review.")
    document_id = decided[0][0].sides()[0].document_id
    earlier = store.reviews.for_document(document_id)
    forward: list[Op] = []
    inverse: list[Op] = []
    removed: set[AnnotationId] = set()
    # Reviewed spans by content: an identical one is reused instead of copied twice.
    reviewed: dict[_Key, AnnotationId] = {
        _content(a): a.id for a in state.all() if a.analyst_id == REVIEWED
    }
    records: list[ReviewDecision] = []

    def remove(annotation_id: AnnotationId) -> None:
        current = state.get(annotation_id)
        # Only the reviewed layer's own spans are ever taken out (a decision read from a file
        # may name anything in its results).
        if annotation_id in removed or current is None or current.analyst_id != REVIEWED:
            return
        removed.add(annotation_id)
        for key, rid in list(reviewed.items()):
            if rid == annotation_id:
                del reviewed[key]
        ops, undo = removal_ops(store, annotation_id)
        forward.extend(ops)
        inverse[:0] = undo

    for item, decision in decided:
        if decision not in DECISIONS:
            raise ValidationError(f"Unknown review decision {decision!r}.")
        for side in item.sides():
            stored = store.annotations.find(side.id)
            if stored is None or stored.modified != side.modified:
                raise ValidationError(
                    f"“{side.quote[:40]}” was changed or deleted since the list was made; "
                    "look at it again."
                )
        # The decision this one replaces: the latest on these annotations, whatever their
        # versions then (an edit reopens an item; deciding it again replaces what was left).
        previous = _latest_on(item, earlier)
        if previous is not None:
            still_used = {r for d in earlier if d.id != previous.id for r in d.results}
            sources = {a.id for a in item.sides()}
            for result in previous.results:
                if result not in still_used and result not in sources:
                    remove(result)
            forward.append(RemoveDecision(previous.id))
            inverse.insert(0, PutDecision(previous))
        keep = _kept(item, decision, edit_side)
        sides = [(n, a) for n, a in (("first", item.first), ("second", item.second)) if a]
        # Reviewed spans not kept go first, so that nothing kept is matched to them.
        for side_name, side in sides:
            if side.analyst_id == REVIEWED and side_name not in keep:
                remove(side.id)
        results: list[AnnotationId] = []
        for side_name, side in sides:
            if side_name not in keep:
                continue
            if side.analyst_id == REVIEWED:
                results.append(side.id)
                continue
            same = reviewed.get(_content(side))
            if same is not None:
                results.append(same)
                continue
            copy = dataclasses.replace(
                side,
                id=AnnotationId(new_id()),
                analyst_id=REVIEWED,
                created=now_iso(),
                modified=now_iso(),
            )
            reviewed[_content(copy)] = copy.id
            results.append(copy.id)
            forward.append(PutAnnotation(copy))
            inverse.insert(0, RemoveAnnotation(copy.id))
            for link in _links_of_copy(state, side, copy, reviewed):
                forward.append(PutLink(link))
                inverse.insert(0, RemoveLink(link.id))
            # A kept claim stays in its talking point in the reviewed layer.
            member = talking_points.membership(store.conn, side.id)
            if member is not None:
                joined = talking_points.Membership(
                    copy.id, member.talking_point_id, reviewer, now_iso()
                )
                forward.append(PutMembership(joined))
                inverse.insert(0, RemoveMembership(copy.id))
        record = ReviewDecision(
            id=DecisionId(new_id()),
            document_id=document_id,
            reviewer_id=reviewer,
            decided=now_iso(),
            decision=decision,
            first_layer=first_layer,
            second_layer=second_layer,
            sources=item.sources(),
            results=tuple(dict.fromkeys(results)),
        )
        records.append(record)
        forward.append(PutDecision(record))
        inverse.insert(0, RemoveDecision(record.id))
    return ReviewStep(forward, inverse, records)


_Key = tuple[int, int, str, str | None, str | None]


def _content(annotation: Annotation) -> _Key:
    a = annotation
    return (a.start, a.end, a.label_id, a.sentiment, a.speaker_name)


def _latest_on(item: Item, decisions: list[ReviewDecision]) -> ReviewDecision | None:
    ids = sorted(a.id for a in item.sides())
    found = [d for d in decisions if sorted(a for a, _m in d.sources) == ids]
    return max(found, key=lambda d: d.decided) if found else None


def _kept(item: Item, decision: str, edit_side: str) -> set[str]:
    """The sides ("first", "second") the decision keeps."""
    if decision == "edit":
        if edit_side not in ("first", "second"):
            raise ValidationError("Edit keeps the first or the second side.")
        return {edit_side}
    if decision == "agreed" and item.second is not None and item.second.analyst_id == REVIEWED:
        return {"second"}  # agreeing with the reviewed layer keeps its span as it is
    return {
        "first": {"first"},
        "second": {"second"},
        "both": {"first", "second"},
        "reject": set(),
        "agreed": {"first"},
    }[decision]


def _links_of_copy(
    state: DocumentAnnotations,
    original: Annotation,
    copy: Annotation,
    reviewed: dict[_Key, AnnotationId],
) -> list[Link]:
    """The copied claim's speaker and target: the reviewed span if any, else by name."""
    links = []
    for kind in ("said_by", "about"):
        link = state.link_of(original.id, kind)
        if link is None:
            continue
        target_id: AnnotationId | None = None
        name = link.name
        if link.target_id is not None:
            span = state.get(link.target_id)
            if span is None:
                continue
            target_id = next(
                (
                    rid
                    for (start, end, label_id, *_), rid in reviewed.items()
                    if (start, end, label_id) == (span.start, span.end, span.label_id)
                ),
                None,
            )
            name = None if target_id is not None else state.canonical_name(span)
        links.append(Link(LinkId(new_id()), copy.id, kind, target_id, name, REVIEWED, now_iso()))
    return links
