"""An analyst's operations on a project: one transaction each, described, undoable.

This is the only path for annotation changes from the GUI: action → Session operation → store
commit (with history and undo-log entries) → the returned `Change` tells views what to refresh.
The undo log lives in the project file, so undo and redo survive a restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from annotator.core.attribution import DocumentAnnotations
from annotator.core.errors import ValidationError
from annotator.core.grouping_steps import GroupingSteps
from annotator.core.ops import (
    Op,
    PutAnnotation,
    PutComment,
    PutFinished,
    PutLink,
    RemoveAnnotation,
    RemoveComment,
    RemoveFinished,
    RemoveLink,
    apply_all,
    from_json,
    removal_ops,
)
from annotator.core.records import (
    Analyst,
    AnalystId,
    Annotation,
    AnnotationId,
    Comment,
    CommentId,
    DocumentId,
    LabelId,
    Link,
    ReviewDecision,
    now_iso,
)
from annotator.core.review import Item, review_ops
from annotator.core.store import Store, finished, history

#: Undo steps kept per analyst; older ones are dropped.
UNDO_LIMIT = 1000


@dataclass(frozen=True)
class Change:
    """What one step changed, so each view refreshes only that."""

    description: str
    document_id: DocumentId
    touched: frozenset[AnnotationId]  # created or modified: re-read these
    removed: frozenset[AnnotationId]
    # Links as stored now, and as they were when removed: views take these in as they are,
    # never re-reading a document's links.
    links_added: tuple[Link, ...] = ()
    links_removed: tuple[Link, ...] = ()
    threads: frozenset[AnnotationId] = frozenset()  # annotations whose comments changed
    decisions: bool = False  # review decisions changed
    finished: bool = False  # a finished mark was set or taken away
    talking_points: bool = False  # talking points or their claims changed
    #: Annotations the step touched in other documents (left out of `touched` and of
    #: `links_added`): a step over several documents, e.g. tagging every occurrence.
    elsewhere: frozenset[AnnotationId] = frozenset()

    @property
    def links(self) -> bool:
        """Whether any link was added or removed."""
        return bool(self.links_added or self.links_removed)


class Session(GroupingSteps):
    def __init__(self, store: Store, analyst: Analyst) -> None:
        self.store = store
        self.analyst = analyst

    # -- operations -------------------------------------------------------------------------

    def create_annotation(
        self,
        *,
        document_id: DocumentId,
        label_id: LabelId,
        start: int,
        end: int,
        sentiment: str | None = None,
        speaker_name: str | None = None,
        note: str = "",
    ) -> tuple[Annotation, Change]:
        """Tag text[start:end] (code-point offsets) with a label."""
        annotation = self.store.annotations.new(
            document_id=document_id,
            analyst_id=self.analyst.id,
            label_id=label_id,
            start=start,
            end=end,
            sentiment=sentiment,
            speaker_name=speaker_name,
            note=note,
        )
        label = self.store.codebook.get().by_id(label_id).name
        change = self._do(
            f"Tag “{_short(annotation.quote)}” as {label}",
            document_id,
            [PutAnnotation(annotation)],
            [RemoveAnnotation(annotation.id)],
        )
        return annotation, change

    def update_annotation(self, annotation_id: AnnotationId, **changes: Any) -> Change:
        """Change label, boundaries, sentiment, speaker name or note.

        A label change that changes the role also drops what the new role cannot carry, in the
        same step: the canonical name of a former speaker span, and links that no longer fit.
        """
        codebook = self.store.codebook.get()
        current = self.store.annotations.get(annotation_id)
        new_label = changes.get("label_id", current.label_id)
        new_role = (
            codebook.by_id(new_label).role
            if new_label in {lb.id for lb in codebook.labels}
            else None
        )
        if new_role != "speaker" and "label_id" in changes and current.speaker_name:
            changes.setdefault("speaker_name", None)
        before, after = self.store.annotations.changed(annotation_id, **changes)
        stale = [
            link
            for link in self.store.annotations.links_touching(annotation_id)
            if not _link_fits(link, annotation_id, new_role)
        ]
        what = ", ".join(sorted(changes)).replace("_id", "").replace("_", " ")
        return self._do(
            f"Change {what} of “{_short(before.quote)}”",
            before.document_id,
            [*(RemoveLink(link.id) for link in stale), PutAnnotation(after)],
            [PutAnnotation(before), *(PutLink(link) for link in stale)],
        )

    def delete_annotation(self, annotation_id: AnnotationId) -> Change:
        """Delete an annotation and the links from and to it (all restored by undo)."""
        annotation = self.store.annotations.get(annotation_id)
        forward, inverse = removal_ops(self.store, annotation_id)
        return self._do(
            f"Delete “{_short(annotation.quote)}”", annotation.document_id, forward, inverse
        )

    def add_comment(self, annotation_id: AnnotationId, body: str) -> tuple[Comment, Change]:
        """Add the analyst's comment to the annotation's thread."""
        comment = self.store.comments.new(annotation_id, self.analyst.id, body)
        annotation = self.store.annotations.get(annotation_id)
        change = self._do(
            f"Comment on “{_short(annotation.quote)}”",
            annotation.document_id,
            [PutComment(comment)],
            [RemoveComment(comment.id)],
        )
        return comment, change

    def delete_comment(self, comment_id: CommentId) -> Change:
        """Delete one of the analyst's own comments (a colleague's stay theirs)."""
        comment = self.store.comments.get(comment_id)
        if comment.author_id != self.analyst.id:
            raise ValidationError("Only the author of a comment can delete it.")
        annotation = self.store.annotations.get(comment.annotation_id)
        return self._do(
            f"Delete comment on “{_short(annotation.quote)}”",
            annotation.document_id,
            [RemoveComment(comment_id)],
            [PutComment(comment)],
        )

    def set_link(
        self,
        *,
        source_id: AnnotationId,
        kind: str,
        target_id: AnnotationId | None = None,
        name: str | None = None,
    ) -> Change:
        """Attribute a claim (replacing its previous link of this kind); no target clears it."""
        old = [
            link
            for link in self.store.annotations.links_touching(source_id)
            if link.source_id == source_id and link.kind == kind
        ]
        forward: list[Op] = [RemoveLink(link.id) for link in old]
        inverse: list[Op] = [PutLink(link) for link in old]
        if target_id is not None or (name and name.strip()):
            link = self.store.annotations.new_link(
                source_id=source_id,
                kind=kind,
                analyst_id=self.analyst.id,
                target_id=target_id,
                name=name if target_id is None else None,
            )
            forward.append(PutLink(link))
            inverse.insert(0, RemoveLink(link.id))
        if not forward:
            raise ValidationError("Nothing to change.")
        verb = "Attribute" if kind == "said_by" else "Set target of"
        claim = self.store.annotations.get(source_id)
        return self._do(f"{verb} “{_short(claim.quote)}”", claim.document_id, forward, inverse)

    def review(
        self,
        state: DocumentAnnotations,
        decided: list[tuple[Item, str]],
        *,
        first_layer: AnalystId,
        second_layer: AnalystId,
        edit_side: str = "first",
    ) -> tuple[list[ReviewDecision], Change]:
        """Record review decisions (one undoable step): the reviewed layer gets the result."""
        step = review_ops(
            self.store,
            state,
            decided,
            first_layer=first_layer,
            second_layer=second_layer,
            reviewer=self.analyst.id,
            edit_side=edit_side,
        )
        item, decision = decided[0]
        what = f"{len(decided)} items" if len(decided) > 1 else f"“{_short(item.sides()[0].quote)}”"
        change = self._do(
            f"Review ({_DECISION_VERBS[decision]}) {what}",
            item.sides()[0].document_id,
            step.forward,
            step.inverse,
        )
        return step.decisions, change

    def mark_finished(self, document_id: DocumentId, *, done: bool = True) -> Change:
        """Mark the document finished by this analyst (done=False: not finished), as one
        undoable step; refused when it already is so."""
        current = finished.find(self.store.conn, document_id, self.analyst.id)
        title = _short(self.store.documents.summary(document_id).title)
        if done == (current is not None):
            state = "already marked done" if done else "not marked done"
            raise ValidationError(f"“{title}” is {state} by {self.analyst.name}.")
        if done:
            mark = finished.FinishedMark(document_id, self.analyst.id, now_iso())
            forward: list[Op] = [PutFinished(mark)]
            inverse: list[Op] = [RemoveFinished(document_id, self.analyst.id)]
        else:
            assert current is not None
            forward = [RemoveFinished(document_id, self.analyst.id)]
            inverse = [PutFinished(current)]
        verb = "Mark" if done else "Unmark"
        return self._do(f"{verb} “{title}” as done", document_id, forward, inverse)

    # -- undo / redo ------------------------------------------------------------------------

    def undo_description(self) -> str | None:
        step = history.next_step(self.store.conn, self.analyst.id, undone=False)
        return None if step is None else step.description

    def redo_description(self) -> str | None:
        step = history.next_step(self.store.conn, self.analyst.id, undone=True)
        return None if step is None else step.description

    def undo(self) -> Change | None:
        """Revert the analyst's latest step (saved at once); None when there is nothing."""
        return self._replay(undo=True)

    def redo(self) -> Change | None:
        return self._replay(undo=False)

    # -- internals --------------------------------------------------------------------------

    def _replay(self, *, undo: bool) -> Change | None:
        conn = self.store.conn
        step = history.next_step(conn, self.analyst.id, undone=not undo)
        if step is None:
            return None
        done, ops = (step.forward, step.inverse) if undo else (step.inverse, step.forward)
        try:
            with self.store.transaction():
                # Replaying is only safe on exactly the state this step left behind: anyone's
                # later edit of the same rows must not be overwritten or brought back.
                for op in map(from_json, done):
                    op.check(self.store)
                change = self._apply(
                    step.description, DocumentId(step.document_id), [from_json(o) for o in ops]
                )
                history.mark_step(conn, step.seq, undone=undo)
        except ValidationError as exc:
            # The annotation was changed elsewhere (another window, a merge): this step can no
            # longer be replayed. Drop it rather than block every step behind it.
            with self.store.transaction():
                history.drop_step(conn, step.seq)
            verb = "undo" if undo else "redo"
            raise ValidationError(f"Cannot {verb} “{step.description}”: {exc}") from exc
        return change

    def _do(
        self, description: str, document_id: DocumentId, forward: list[Op], inverse: list[Op]
    ) -> Change:
        with self.store.transaction():
            change = self._apply(description, document_id, forward)
            history.record_step(
                self.store.conn,
                self.analyst.id,
                description=description,
                document_id=document_id,
                forward=[op.to_json() for op in forward],
                inverse=[op.to_json() for op in inverse],
                keep=UNDO_LIMIT,
            )
        return change

    def _apply(self, description: str, document_id: DocumentId, ops: list[Op]) -> Change:
        effects = apply_all(self.store, self.analyst.id, ops)
        elsewhere = self._elsewhere(effects.touched, document_id)
        return Change(
            description,
            document_id,
            frozenset(effects.touched - elsewhere),
            frozenset(effects.removed),
            tuple(link for link in effects.links_put.values() if link.source_id not in elsewhere),
            tuple(effects.links_removed.values()),
            frozenset(effects.threads - effects.removed),
            effects.decisions,
            effects.finished,
            effects.talking_points,
            frozenset(elsewhere),
        )

    def _elsewhere(self, touched: set[AnnotationId], document_id: DocumentId) -> set[AnnotationId]:
        """Of a step's annotations, those of other documents (tagging every occurrence, a
        talking point's claims): the open document's views take in only their own."""
        if len(touched) < 2:
            return set()
        rows = self.store.conn.execute(
            "SELECT id FROM annotations WHERE id IN (SELECT value FROM json_each(?)) "
            "AND document_id != ?",
            [json.dumps(sorted(touched)), document_id],
        )
        return {AnnotationId(row[0]) for row in rows}


_DECISION_VERBS = {
    "first": "keep first",
    "second": "keep second",
    "both": "keep both",
    "reject": "reject",
    "edit": "keep to edit",
    "agreed": "accept agreed",
}


def _link_fits(link: Link, annotation_id: AnnotationId, role: str | None) -> bool:
    """Whether a link touching this annotation is still valid once it has `role`."""
    if link.source_id == annotation_id:
        return role == "claim"
    wanted = "speaker" if link.kind == "said_by" else "target"
    return role == wanted


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
