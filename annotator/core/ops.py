"""The operations a step of work is made of, as stored in the undo log.

A step is a list of forward operations and the list that reverts it. Each operation is a typed
object that knows the three things a step needs of it: how it is written in the undo log
(`to_json`, read back by `from_json`), how it is applied (`apply`, which notes what it changed
for the views), and how to tell that the project still holds what it produced (`check`: replay
is refused when someone else changed those rows since).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from annotator.core.errors import ValidationError
from annotator.core.records import (
    AnalystId,
    Annotation,
    AnnotationId,
    Comment,
    CommentId,
    DecisionId,
    DocumentId,
    Link,
    LinkId,
    ReviewDecision,
)
from annotator.core.store import Store, finished
from annotator.core.store import talking_points as tp
from annotator.core.store.annotations import row_of
from annotator.core.store.comments import comment_row
from annotator.core.store.reviews import decision_of, decision_row


@dataclass
class Effects:
    """What applying operations changed, for the views to refresh."""

    touched: set[AnnotationId] = field(default_factory=set)  # created or modified
    removed: set[AnnotationId] = field(default_factory=set)
    threads: set[AnnotationId] = field(default_factory=set)  # annotations whose comments changed
    # Links as put and as they were when removed: views update links without re-reading any.
    links_put: dict[LinkId, Link] = field(default_factory=dict)
    links_removed: dict[LinkId, Link] = field(default_factory=dict)
    decisions: bool = False
    finished: bool = False  # finished marks changed
    talking_points: bool = False  # talking points or their claims changed

    def put_link(self, link: Link) -> None:
        self.links_removed.pop(link.id, None)
        self.links_put[link.id] = link

    def removed_link(self, link: Link) -> None:
        # Put and removed in one step: it may have been there before, so it counts as removed.
        self.links_put.pop(link.id, None)
        self.links_removed[link.id] = link


class Op(ABC):
    #: The operation's name in the undo log.
    KIND: ClassVar[str]

    @classmethod
    @abstractmethod
    def from_json(cls, data: dict[str, Any]) -> Op:
        """The operation as written in the undo log (see `to_json`)."""

    @abstractmethod
    def to_json(self) -> dict[str, Any]: ...

    @abstractmethod
    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        """Make the change (with its history entry), inside the caller's transaction."""

    @abstractmethod
    def check(self, store: Store) -> None:
        """Raise ValidationError unless the project holds what this operation produced."""


@dataclass(frozen=True)
class PutAnnotation(Op):
    KIND = "put"
    annotation: Annotation

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PutAnnotation:
        return cls(Annotation(**data["annotation"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "annotation": row_of(self.annotation)}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        store.annotations.put(self.annotation, analyst_id=analyst_id)
        effects.touched.add(self.annotation.id)
        effects.removed.discard(self.annotation.id)

    def check(self, store: Store) -> None:
        current = store.annotations.find(self.annotation.id)
        if current is None:
            raise ValidationError("the annotation was deleted since")
        if row_of(current) != row_of(self.annotation):
            raise ValidationError("the annotation was changed since")


@dataclass(frozen=True)
class RemoveAnnotation(Op):
    KIND = "remove"
    id: AnnotationId

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RemoveAnnotation:
        return cls(AnnotationId(data["id"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "id": self.id}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        gone = store.annotations.remove(self.id, analyst_id=analyst_id)
        # Its links were removed before it, each by its own operation (remove() refuses
        # otherwise), so they are in `effects` already.
        effects.removed.add(gone.id)
        effects.touched.discard(gone.id)

    def check(self, store: Store) -> None:
        if store.annotations.find(self.id) is not None:
            raise ValidationError("the annotation was restored since")


@dataclass(frozen=True)
class PutLink(Op):
    KIND = "put_link"
    link: Link

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PutLink:
        return cls(Link(**data["link"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "link": row_of(self.link)}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        store.annotations.put_link(self.link, analyst_id=analyst_id)
        effects.put_link(self.link)

    def check(self, store: Store) -> None:
        current = store.annotations.find_link(self.link.id)
        if current is None or row_of(current) != row_of(self.link):
            raise ValidationError("a link was changed since")


@dataclass(frozen=True)
class RemoveLink(Op):
    KIND = "remove_link"
    id: LinkId

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RemoveLink:
        return cls(LinkId(data["id"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "id": self.id}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        effects.removed_link(store.annotations.remove_link(self.id, analyst_id=analyst_id))

    def check(self, store: Store) -> None:
        if store.annotations.find_link(self.id) is not None:
            raise ValidationError("a link was restored since")


@dataclass(frozen=True)
class PutComment(Op):
    KIND = "put_comment"
    comment: Comment

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PutComment:
        return cls(Comment(**data["comment"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "comment": comment_row(self.comment)}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        store.comments.put(self.comment, analyst_id=analyst_id)
        effects.threads.add(self.comment.annotation_id)

    def check(self, store: Store) -> None:
        current = store.comments.find(self.comment.id)
        if current is None or comment_row(current) != comment_row(self.comment):
            raise ValidationError("a comment was changed since")


@dataclass(frozen=True)
class RemoveComment(Op):
    KIND = "remove_comment"
    id: CommentId

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RemoveComment:
        return cls(CommentId(data["id"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "id": self.id}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        effects.threads.add(store.comments.remove(self.id, analyst_id=analyst_id).annotation_id)

    def check(self, store: Store) -> None:
        if store.comments.find(self.id) is not None:
            raise ValidationError("a comment was restored since")


@dataclass(frozen=True)
class PutDecision(Op):
    KIND = "put_decision"
    decision: ReviewDecision

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PutDecision:
        return cls(decision_of(data["decision"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "decision": decision_row(self.decision)}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        store.reviews.put(self.decision, analyst_id=analyst_id)
        effects.decisions = True

    def check(self, store: Store) -> None:
        current = store.reviews.find(self.decision.id)
        if current is None or decision_row(current) != decision_row(self.decision):
            raise ValidationError("a review decision was changed since")


@dataclass(frozen=True)
class RemoveDecision(Op):
    KIND = "remove_decision"
    id: DecisionId

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RemoveDecision:
        return cls(DecisionId(data["id"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "id": self.id}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        store.reviews.remove(self.id, analyst_id=analyst_id)
        effects.decisions = True

    def check(self, store: Store) -> None:
        if store.reviews.find(self.id) is not None:
            raise ValidationError("a review decision was restored since")


@dataclass(frozen=True)
class PutFinished(Op):
    """Mark a document finished (read through) by an analyst."""

    KIND = "put_finished"
    mark: finished.FinishedMark

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PutFinished:
        return cls(finished.mark_of(data["mark"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "mark": finished.mark_row(self.mark)}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        finished.put(store, self.mark, analyst_id=analyst_id)
        effects.finished = True

    def check(self, store: Store) -> None:
        if finished.find(store.conn, self.mark.document_id, self.mark.analyst_id) != self.mark:
            raise ValidationError("the document's finished mark was changed since")


@dataclass(frozen=True)
class RemoveFinished(Op):
    KIND = "remove_finished"
    document_id: DocumentId
    analyst_id: AnalystId

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RemoveFinished:
        return cls(DocumentId(data["document_id"]), AnalystId(data["analyst_id"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "document_id": self.document_id, "analyst_id": self.analyst_id}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        finished.remove(store, self.document_id, self.analyst_id, analyst_id=analyst_id)
        effects.finished = True

    def check(self, store: Store) -> None:
        if finished.find(store.conn, self.document_id, self.analyst_id) is not None:
            raise ValidationError("the document was marked finished again since")


@dataclass(frozen=True)
class PutTalkingPoint(Op):
    KIND = "put_talking_point"
    point: tp.TalkingPoint

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PutTalkingPoint:
        return cls(tp.point_of(data["point"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "point": tp.point_row(self.point)}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        tp.put(store, self.point, analyst_id=analyst_id)
        effects.talking_points = True

    def check(self, store: Store) -> None:
        if tp.find(store.conn, self.point.id) != self.point:
            raise ValidationError("the talking point was changed since")


@dataclass(frozen=True)
class RemoveTalkingPoint(Op):
    KIND = "remove_talking_point"
    id: tp.TalkingPointId

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RemoveTalkingPoint:
        return cls(tp.TalkingPointId(data["id"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "id": self.id}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        tp.remove(store, self.id, analyst_id=analyst_id)
        effects.talking_points = True

    def check(self, store: Store) -> None:
        if tp.find(store.conn, self.id) is not None:
            raise ValidationError("the talking point was restored since")


@dataclass(frozen=True)
class PutMembership(Op):
    """Put a claim into a talking point."""

    KIND = "put_talking_point_claim"
    member: tp.Membership

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PutMembership:
        return cls(tp.membership_of(data["member"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "member": tp.membership_row(self.member)}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        tp.put_member(store, self.member, analyst_id=analyst_id)
        effects.talking_points = True
        effects.touched.add(self.member.annotation_id)

    def check(self, store: Store) -> None:
        if tp.membership(store.conn, self.member.annotation_id) != self.member:
            raise ValidationError("the claim's talking point was changed since")


@dataclass(frozen=True)
class RemoveMembership(Op):
    KIND = "remove_talking_point_claim"
    annotation_id: AnnotationId

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RemoveMembership:
        return cls(AnnotationId(data["annotation_id"]))

    def to_json(self) -> dict[str, Any]:
        return {"op": self.KIND, "annotation_id": self.annotation_id}

    def apply(self, store: Store, analyst_id: AnalystId, effects: Effects) -> None:
        tp.remove_member(store, self.annotation_id, analyst_id=analyst_id)
        effects.talking_points = True
        if store.annotations.find(self.annotation_id) is not None:
            effects.touched.add(self.annotation_id)

    def check(self, store: Store) -> None:
        if tp.membership(store.conn, self.annotation_id) is not None:
            raise ValidationError("the claim was put into a talking point again since")


_KINDS: dict[str, type[Op]] = {
    kind.KIND: kind
    for kind in (
        PutAnnotation,
        RemoveAnnotation,
        PutLink,
        RemoveLink,
        PutComment,
        RemoveComment,
        PutDecision,
        RemoveDecision,
        PutFinished,
        RemoveFinished,
        PutTalkingPoint,
        RemoveTalkingPoint,
        PutMembership,
        RemoveMembership,
    )
}


def from_json(data: dict[str, Any]) -> Op:
    """An operation as read back from the undo log."""
    kind = _KINDS.get(data.get("op", ""))
    if kind is None:
        raise ValueError(f"unknown undo operation {data.get('op')!r}")
    return kind.from_json(data)


def apply_all(store: Store, analyst_id: AnalystId, ops: Iterable[Op]) -> Effects:
    """Apply operations in order; what they changed, for the views."""
    effects = Effects()
    for op in ops:
        op.apply(store, analyst_id, effects)
    return effects


def removal_ops(store: Store, annotation_id: AnnotationId) -> tuple[list[Op], list[Op]]:
    """Delete an annotation with its links and comments, and the inverse that restores them.

    Links and comments go explicitly (each recorded in history), never by the cascade.
    """
    annotation = store.annotations.get(annotation_id)
    links = store.annotations.links_touching(annotation_id)
    comments = store.comments.thread(annotation_id)
    forward: list[Op] = [RemoveLink(link.id) for link in links]
    forward += [RemoveComment(c.id) for c in comments]
    member = tp.membership(store.conn, annotation_id)
    if member is not None:
        forward.append(RemoveMembership(annotation_id))
    forward.append(RemoveAnnotation(annotation_id))
    inverse: list[Op] = [PutAnnotation(annotation)]
    inverse += [PutLink(link) for link in links]
    inverse += [PutComment(c) for c in comments]
    if member is not None:
        inverse.append(PutMembership(member))
    return forward, inverse
