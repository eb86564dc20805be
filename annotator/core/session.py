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
from annotator.core.ops import Op, removal_ops
from annotator.core.records import (
    Analyst,
    AnalystId,
    Annotation,
    AnnotationId,
    Comment,
    CommentId,
    DecisionId,
    DocumentId,
    LabelId,
    Link,
    LinkId,
    ReviewDecision,
    now_iso,
)
from annotator.core.review import Item, review_ops
from annotator.core.store import Store
from annotator.core.store.annotations import row_of
from annotator.core.store.comments import comment_row
from annotator.core.store.reviews import decision_of, decision_row

#: Undo steps kept per analyst; older ones are dropped.
UNDO_LIMIT = 1000


@dataclass(frozen=True)
class Change:
    """What one step changed, so each view refreshes only that."""

    description: str
    document_id: DocumentId
    touched: frozenset[AnnotationId]  # created or modified: re-read these
    removed: frozenset[AnnotationId]
    links: bool
    threads: frozenset[AnnotationId] = frozenset()  # annotations whose comments changed
    decisions: bool = False  # review decisions changed


class Session:
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
            [{"op": "put", "annotation": row_of(annotation)}],
            [{"op": "remove", "id": annotation.id}],
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
            [{"op": "remove_link", "id": link.id} for link in stale]
            + [{"op": "put", "annotation": row_of(after)}],
            [{"op": "put", "annotation": row_of(before)}]
            + [{"op": "put_link", "link": row_of(link)} for link in stale],
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
            [{"op": "put_comment", "comment": comment_row(comment)}],
            [{"op": "remove_comment", "id": comment.id}],
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
            [{"op": "remove_comment", "id": comment_id}],
            [{"op": "put_comment", "comment": comment_row(comment)}],
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
        forward: list[Op] = [{"op": "remove_link", "id": link.id} for link in old]
        inverse: list[Op] = [{"op": "put_link", "link": row_of(link)} for link in old]
        if target_id is not None or (name and name.strip()):
            link = self.store.annotations.new_link(
                source_id=source_id,
                kind=kind,
                analyst_id=self.analyst.id,
                target_id=target_id,
                name=name if target_id is None else None,
            )
            forward.append({"op": "put_link", "link": row_of(link)})
            inverse.insert(0, {"op": "remove_link", "id": link.id})
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

    # -- undo / redo ------------------------------------------------------------------------

    def undo_description(self) -> str | None:
        row = self._top(undone=0)
        return None if row is None else str(row[1])

    def redo_description(self) -> str | None:
        row = self._top(undone=1)
        return None if row is None else str(row[1])

    def undo(self) -> Change | None:
        """Revert the analyst's latest step (saved at once); None when there is nothing."""
        return self._replay(undone=0)

    def redo(self) -> Change | None:
        return self._replay(undone=1)

    # -- internals --------------------------------------------------------------------------

    def _top(self, *, undone: int) -> tuple[Any, ...] | None:
        # Undo takes the newest done step; redo the oldest undone one.
        order = "DESC" if undone == 0 else "ASC"
        row: tuple[Any, ...] | None = self.store.conn.execute(
            "SELECT seq, description, forward, inverse, document_id FROM undo_log "
            f"WHERE analyst_id = ? AND undone = ? ORDER BY seq {order} LIMIT 1",
            [self.analyst.id, undone],
        ).fetchone()
        return row

    def _replay(self, *, undone: int) -> Change | None:
        row = self._top(undone=undone)
        if row is None:
            return None
        seq, description, forward, inverse, document_id = row
        done, ops = (forward, inverse) if undone == 0 else (inverse, forward)
        try:
            with self.store.transaction():
                # Replaying is only safe on exactly the state this step left behind: anyone's
                # later edit of the same rows must not be overwritten or brought back.
                self._check_state(json.loads(done))
                change = self._apply(description, DocumentId(document_id), json.loads(ops))
                self.store.conn.execute(
                    "UPDATE undo_log SET undone = ? WHERE seq = ?", [1 - undone, seq]
                )
        except ValidationError as exc:
            # The annotation was changed elsewhere (another window, a merge): this step can no
            # longer be replayed. Drop it rather than block every step behind it.
            with self.store.transaction():
                self.store.conn.execute("DELETE FROM undo_log WHERE seq = ?", [seq])
            verb = "undo" if undone == 0 else "redo"
            raise ValidationError(f"Cannot {verb} “{description}”: {exc}") from exc
        return change

    def _do(
        self, description: str, document_id: DocumentId, forward: list[Op], inverse: list[Op]
    ) -> Change:
        with self.store.transaction():
            change = self._apply(description, document_id, forward)
            conn = self.store.conn
            conn.execute(
                "DELETE FROM undo_log WHERE analyst_id = ? AND undone = 1", [self.analyst.id]
            )
            conn.execute(
                "INSERT INTO undo_log (analyst_id, at, description, document_id, forward, "
                "inverse) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    self.analyst.id,
                    now_iso(),
                    description,
                    document_id,
                    json.dumps(forward, ensure_ascii=False),
                    json.dumps(inverse, ensure_ascii=False),
                ],
            )
            conn.execute(
                "DELETE FROM undo_log WHERE analyst_id = ? AND seq <= "
                "(SELECT seq FROM undo_log WHERE analyst_id = ? ORDER BY seq DESC "
                "LIMIT 1 OFFSET ?)",
                [self.analyst.id, self.analyst.id, UNDO_LIMIT],
            )
        return change

    def _check_state(self, ops: list[Op]) -> None:
        """Refuse unless the project holds what `ops` produced (rows equal, removed ones gone)."""
        annotations = self.store.annotations
        for op in ops:
            kind = op["op"]
            if kind == "put":
                current = annotations.find(AnnotationId(op["annotation"]["id"]))
                if current is None:
                    raise ValidationError("the annotation was deleted since")
                if row_of(current) != op["annotation"]:
                    raise ValidationError("the annotation was changed since")
            elif kind == "remove" and annotations.find(AnnotationId(op["id"])) is not None:
                raise ValidationError("the annotation was restored since")
            elif kind == "put_link":
                link = annotations.find_link(LinkId(op["link"]["id"]))
                if link is None or row_of(link) != op["link"]:
                    raise ValidationError("a link was changed since")
            elif kind == "remove_link" and annotations.find_link(LinkId(op["id"])) is not None:
                raise ValidationError("a link was restored since")
            elif kind == "put_comment":
                comment = self.store.comments.find(CommentId(op["comment"]["id"]))
                if comment is None or comment_row(comment) != op["comment"]:
                    raise ValidationError("a comment was changed since")
            elif kind == "remove_comment" and self.store.comments.find(CommentId(op["id"])):
                raise ValidationError("a comment was restored since")
            elif kind == "put_decision":
                decision = self.store.reviews.find(DecisionId(op["decision"]["id"]))
                if decision is None or decision_row(decision) != op["decision"]:
                    raise ValidationError("a review decision was changed since")
            elif kind == "remove_decision" and self.store.reviews.find(DecisionId(op["id"])):
                raise ValidationError("a review decision was restored since")

    def _apply(self, description: str, document_id: DocumentId, ops: list[Op]) -> Change:
        annotations = self.store.annotations
        who = self.analyst.id
        touched: set[AnnotationId] = set()
        removed: set[AnnotationId] = set()
        threads: set[AnnotationId] = set()
        links = decisions = False
        for op in ops:
            kind = op["op"]
            if kind == "put":
                annotation = Annotation(**op["annotation"])
                annotations.put(annotation, analyst_id=who)
                touched.add(annotation.id)
                removed.discard(annotation.id)
            elif kind == "remove":
                gone = annotations.remove(AnnotationId(op["id"]), analyst_id=who)
                removed.add(gone.id)
                touched.discard(gone.id)
                links = True  # its links went with it
            elif kind == "put_link":
                annotations.put_link(Link(**op["link"]), analyst_id=who)
                links = True
            elif kind == "remove_link":
                annotations.remove_link(LinkId(op["id"]), analyst_id=who)
                links = True
            elif kind == "put_comment":
                comment = Comment(**op["comment"])
                self.store.comments.put(comment, analyst_id=who)
                threads.add(comment.annotation_id)
            elif kind == "remove_comment":
                threads.add(
                    self.store.comments.remove(CommentId(op["id"]), analyst_id=who).annotation_id
                )
            elif kind == "put_decision":
                self.store.reviews.put(decision_of(op["decision"]), analyst_id=who)
                decisions = True
            elif kind == "remove_decision":
                self.store.reviews.remove(DecisionId(op["id"]), analyst_id=who)
                decisions = True
            else:
                raise ValueError(f"unknown undo operation {kind!r}")
        return Change(
            description,
            document_id,
            frozenset(touched),
            frozenset(removed),
            links,
            frozenset(threads - removed),
            decisions,
        )


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
