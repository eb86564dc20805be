"""Comments and review decisions of an annotation file, applied once its annotations are in.

Each is first put to the guards (`guard`): one dated in the future, a change to the importing
analyst's own, one that would change its author or reviewer, or one of theirs deleted here is
listed there, not applied; control characters leave comments.

Comments merge by id. A new one is added with its author (an analyst made by name if need be),
time and text; one already here is replaced only by a later version: the file's `modified`
against our newest edit of it (the history's last "update", else when it was written). One
deleted here after the file's version is listed, not brought back. A comment whose annotation
was not imported, was deleted here, or is neither in the file nor in the project is listed as
an orphan: a comment never brings its annotation (back) into the project.

Review decisions merge by id the same way, by `decided`, on the document their file document
was placed on; their reviewer and layers are found (or made) by name, the reviewed layer by
its marker. The annotations a decision names (`sources`, `results`) are kept as ids, whether
or not they are here: the store reads them only to match a decision to what it decided
(`item_status`) and to name a reviewed annotation's reviewer (`reviewer_of`), and an id that
matches nothing does neither. A decision deleted here after it was made (the item was decided
again, or the decision undone) is listed, not brought back.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.core.errors import ValidationError
from annotator.core.interchange.fields import later
from annotator.core.interchange.guard import check_comment, check_decision
from annotator.core.interchange.model import ParsedComment, ParsedDecision
from annotator.core.interchange.placement import Placement
from annotator.core.interchange.report import OrphanComment, OrphanDecision, Refused
from annotator.core.interchange.run import ImportRun
from annotator.core.records import (
    AnnotationId,
    Comment,
    CommentId,
    DecisionId,
    ReviewDecision,
)
from annotator.core.store import matching


def apply_comments(run: ImportRun, comments: Sequence[ParsedComment]) -> None:
    """Add or update each comment of the file (in file order), or list it as an orphan."""
    run.writer.flush()
    in_file = {comment.id: comment for comment in comments}
    for parsed in comments:
        _comment(run, parsed, _thread_of(run, parsed.annotation_id, in_file))


def _thread_of(run: ImportRun, target: str, in_file: dict[str, ParsedComment]) -> str:
    """The annotation a comment belongs to: its target or, for a reply to a reply (W3C), the
    annotation of the comment it answers."""
    seen: set[str] = set()
    while target not in seen:  # a loop of replies ends where it started
        seen.add(target)
        if target in run.orphaned or run.is_here(target):
            return target
        answered = in_file.get(target) or run.store.comments.find(CommentId(target))
        if answered is None:
            return target
        target = answered.annotation_id
    return target


def _comment(run: ImportRun, parsed: ParsedComment, annotation_id: str) -> None:
    store, report = run.store, run.report
    allowed = check_comment(run.rules, parsed)
    if isinstance(allowed, Refused):
        return  # listed by the guard
    parsed = allowed
    annotation = store.annotations.find(AnnotationId(annotation_id))

    def orphan(reason: str) -> None:
        if annotation_id in run.orphaned:
            on = run.orphaned[annotation_id][0]
        else:
            on = annotation.quote if annotation else f"annotation {annotation_id}"
        author = parsed.author or "(no author)"
        report.orphan_comments.append(OrphanComment(on, author, parsed.body, reason, parsed.id))

    if annotation_id in run.orphaned:
        orphan(f"its annotation was not imported ({run.orphaned[annotation_id][1]})")
        return
    if annotation is None:
        deleted = run.deleted_at("annotation", annotation_id)
        if deleted is not None:
            orphan(f"its annotation was deleted in this project on {deleted}")
        else:
            orphan("its annotation is neither in the file nor in this project")
        return
    existing = store.comments.find(CommentId(parsed.id))
    if existing is None:
        deleted = run.deleted_at("comment", parsed.id)
        if deleted is not None and not later(parsed.modified, deleted):
            orphan(f"it was deleted in this project on {deleted}")
            return
    elif existing.annotation_id != annotation_id:
        orphan("a comment with its id is on another annotation in this project")
        return
    elif existing.body == parsed.body.strip() or not later(parsed.modified, _edited(run, existing)):
        report.comments_unchanged += 1  # the same, or ours is as recent or more
        return
    author = run.layer(parsed.author)
    if author is None:
        orphan(run.taken(parsed.author, role="author"))
        return
    comment = Comment(
        CommentId(parsed.id), AnnotationId(annotation_id), author, parsed.created, parsed.body
    )
    try:
        store.comments.put(comment, analyst_id=run.importer)
    except ValidationError as exc:
        orphan(str(exc))
        return
    if existing is None:
        report.comments_added += 1
    else:
        report.comments_updated += 1


def _edited(run: ImportRun, comment: Comment) -> str:
    """When our version of the comment was last changed: its newest edit, else its writing.
    (The same time an export writes as the comment's `modified`.)"""
    edited = matching.last_change(run.store, "comment", comment.id, "update")
    return comment.created if edited is None else edited


def apply_decision(run: ImportRun, parsed: ParsedDecision, placement: Placement) -> None:
    """Add or update one review decision of a placed document, or list it as an orphan."""
    store, report = run.store, run.report

    def orphan(reason: str) -> None:
        report.orphan_decisions.append(
            OrphanDecision(placement.title, parsed.decision, parsed.reviewer, reason, parsed.id)
        )

    if placement.document_id is None:
        orphan("no document in this project has its text or title")
        return
    if check_decision(run.rules, parsed, placement.title) is not None:
        return  # listed by the guard
    existing = store.reviews.find(DecisionId(parsed.id))
    if existing is None:
        deleted = run.deleted_at("review_decision", parsed.id)
        if deleted is not None and not later(parsed.decided, deleted):
            orphan(f"it was decided again or undone in this project on {deleted}")
            return
    elif existing.document_id != placement.document_id:
        orphan("a review decision with its id is on another document in this project")
        return
    reviewer = run.layer(parsed.reviewer)
    if reviewer is None:
        orphan(run.taken(parsed.reviewer, role="reviewer"))
        return
    first = run.layer(parsed.first_layer.analyst, reviewed=parsed.first_layer.reviewed)
    second = run.layer(parsed.second_layer.analyst, reviewed=parsed.second_layer.reviewed)
    if first is None or second is None:
        name = parsed.first_layer.analyst if first is None else parsed.second_layer.analyst
        orphan(run.taken(name, role="compared layer"))
        return
    record = ReviewDecision(
        id=DecisionId(parsed.id),
        document_id=placement.document_id,
        reviewer_id=reviewer,
        decided=parsed.decided,
        decision=parsed.decision,
        first_layer=first,
        second_layer=second,
        sources=tuple((AnnotationId(a), version) for a, version in parsed.sources),
        results=tuple(AnnotationId(a) for a in parsed.results),
    )
    if existing is not None and (existing == record or not later(record.decided, existing.decided)):
        report.decisions_unchanged += 1
        return
    store.reviews.put(record, analyst_id=run.importer)
    if existing is None:
        report.decisions_added += 1
    else:
        report.decisions_updated += 1
