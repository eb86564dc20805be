"""The session's steps over several annotations at once: claims grouped into talking points,
every occurrence of a name tagged, speaker spans given one canonical name.

A mixin of `Session` (annotator.core.session), kept apart so that each module stays small: every
method builds the forward and inverse operations and hands them to `Session._do` (one
transaction, one undo step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.errors import ValidationError
from annotator.core.ops import (
    Op,
    PutAnnotation,
    PutLink,
    PutMembership,
    PutTalkingPoint,
    RemoveAnnotation,
    RemoveLink,
    RemoveMembership,
    RemoveTalkingPoint,
)
from annotator.core.records import (
    LINK_KINDS,
    Analyst,
    Annotation,
    AnnotationId,
    DocumentId,
    LabelId,
    Link,
    LinkId,
    new_id,
    now_iso,
)
from annotator.core.store import Store
from annotator.core.store import talking_points as tp

if TYPE_CHECKING:
    from annotator.core.session import Change


class GroupingSteps:
    store: Store
    analyst: Analyst

    def _do(
        self, description: str, document_id: DocumentId, forward: list[Op], inverse: list[Op]
    ) -> Change:
        raise NotImplementedError  # Session's

    def group_claims(
        self,
        annotation_ids: list[AnnotationId],
        *,
        point_id: tp.TalkingPointId | None = None,
        name: str | None = None,
    ) -> tuple[tp.TalkingPoint, Change]:
        """Put claims into a talking point (an existing one, or a new one named `name`), as
        one undoable step; a claim in another talking point moves."""
        point = self._talking_point(point_id, name)
        forward: list[Op] = []
        inverse: list[Op] = []
        if tp.find(self.store.conn, point.id) is None:
            forward.append(PutTalkingPoint(point))
        for annotation_id in dict.fromkeys(annotation_ids):
            if self._role(annotation_id) != "claim":
                raise ValidationError("Only claims can be put into a talking point.")
            before = tp.membership(self.store.conn, annotation_id)
            if before is not None and before.talking_point_id == point.id:
                continue
            forward.append(
                PutMembership(tp.Membership(annotation_id, point.id, self.analyst.id, now_iso()))
            )
            inverse.insert(0, PutMembership(before) if before else RemoveMembership(annotation_id))
        if forward and isinstance(forward[0], PutTalkingPoint):
            inverse.append(RemoveTalkingPoint(point.id))
        if not forward:
            raise ValidationError(f"Already in “{point.name}”.")
        first = self.store.annotations.get(annotation_ids[0])
        what = (
            f"{len(annotation_ids)} claims"
            if len(annotation_ids) > 1
            else f"“{_short(first.quote)}”"
        )
        change = self._do(
            f"Put {what} into “{_short(point.name)}”", first.document_id, forward, inverse
        )
        return point, change

    def ungroup_claims(self, annotation_ids: list[AnnotationId]) -> Change:
        """Take claims out of their talking points (one undoable step)."""
        members = [m for a in annotation_ids if (m := tp.membership(self.store.conn, a))]
        if not members:
            raise ValidationError("None of these claims is in a talking point.")
        first = self.store.annotations.get(members[0].annotation_id)
        return self._do(
            f"Take “{_short(first.quote)}” out of its talking point"
            if len(members) == 1
            else f"Take {len(members)} claims out of their talking points",
            first.document_id,
            [RemoveMembership(m.annotation_id) for m in members],
            [PutMembership(m) for m in members],
        )

    def name_speakers(self, annotation_ids: list[AnnotationId], canonical: str) -> Change:
        """Give speaker spans one canonical name (accepting suggested aliases), one step."""
        name = " ".join(canonical.split())
        if not name:
            raise ValidationError("Type the canonical name.")
        forward: list[Op] = []
        inverse: list[Op] = []
        for annotation_id in dict.fromkeys(annotation_ids):
            if self.store.annotations.get(annotation_id).speaker_name == name:
                continue
            before, after = self.store.annotations.changed(annotation_id, speaker_name=name)
            forward.append(PutAnnotation(after))
            inverse.append(PutAnnotation(before))
        if not forward:
            raise ValidationError(f"Every one of these speakers is named “{name}” already.")
        first = self.store.annotations.get(annotation_ids[0])
        return self._do(
            f"Name {len(forward)} speakers “{_short(name)}”", first.document_id, forward, inverse
        )

    def tag_many(
        self,
        spans: list[tuple[DocumentId, int, int]],
        *,
        label_id: LabelId,
        speaker_name: str | None = None,
        point_id: tp.TalkingPointId | None = None,
        links: dict[str, AnnotationId | str] | None = None,
    ) -> tuple[list[Annotation], Change]:
        """Tag every span (document, start, end) with one label in one undoable step; claims
        may go into a talking point and get speaker/target links (`links`: kind → span id or
        typed name)."""
        if not spans:
            raise ValidationError("Nothing is ticked to tag.")
        made = [
            self.store.annotations.new(
                document_id=document_id,
                analyst_id=self.analyst.id,
                label_id=label_id,
                start=start,
                end=end,
                speaker_name=speaker_name,
            )
            for document_id, start, end in spans
        ]
        forward: list[Op] = [PutAnnotation(a) for a in made]
        inverse: list[Op] = [RemoveAnnotation(a.id) for a in made]
        role = self.store.codebook.get().by_id(label_id).role
        if (links or point_id is not None) and role != "claim":
            raise ValidationError("Only claims go into talking points and get links.")
        for kind, target in (links or {}).items():
            for annotation in made:
                link = self._claim_link(annotation, kind, target)
                forward.append(PutLink(link))
                inverse.insert(0, RemoveLink(link.id))
        if point_id is not None:
            point = self._talking_point(point_id, None)
            for annotation in made:
                member = tp.Membership(annotation.id, point.id, self.analyst.id, now_iso())
                forward.append(PutMembership(member))
                inverse.insert(0, RemoveMembership(annotation.id))
        label = self.store.codebook.get().by_id(label_id).name
        what = f"{len(made)} passages" if len(made) > 1 else f"“{_short(made[0].quote)}”"
        change = self._do(f"Tag {what} as {label}", made[0].document_id, forward, inverse)
        return made, change

    def _talking_point(
        self, point_id: tp.TalkingPointId | None, name: str | None
    ) -> tp.TalkingPoint:
        if point_id is not None:
            point = tp.find(self.store.conn, point_id)
            if point is None:
                raise ValidationError("That talking point was deleted.")
            return point
        if name is None:
            raise ValidationError("Choose a talking point or name a new one.")
        return tp.find_by_name(self.store.conn, name) or tp.new(name, created_by=self.analyst.id)

    def _claim_link(self, claim: Annotation, kind: str, target: AnnotationId | str) -> Link:
        """A link from a claim not stored yet: to a span of its document, or to a name."""
        if kind not in LINK_KINDS:
            raise ValidationError(f"Unknown link kind {kind!r}; use one of {LINK_KINDS}.")
        span = self.store.annotations.find(AnnotationId(target))
        name = None if span is not None else " ".join(str(target).split())
        if span is not None:
            wanted = "speaker" if kind == "said_by" else "target"
            if span.document_id != claim.document_id:
                raise ValidationError("A claim can only be linked to spans of its own document.")
            if self.store.codebook.get().by_id(span.label_id).role != wanted:
                raise ValidationError(f"A “{kind}” link must point to a {wanted} span.")
        elif not name:
            raise ValidationError("Link a claim to a span or to a name.")
        return Link(
            LinkId(new_id()),
            claim.id,
            kind,
            None if span is None else span.id,
            name,
            self.analyst.id,
            now_iso(),
        )

    def _role(self, annotation_id: AnnotationId) -> str | None:
        annotation = self.store.annotations.get(annotation_id)
        return self.store.codebook.get().by_id(annotation.label_id).role


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
