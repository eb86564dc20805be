"""One document's annotations and links in memory: who said each claim, and what it is about.

Qt-free. The GUI builds one `DocumentAnnotations` when a document opens and keeps it current
from each `Change` (upsert, remove, set_links) instead of reloading the document.
"""

from __future__ import annotations

from bisect import bisect_left, insort

from annotator.core.codebook import Codebook, Label
from annotator.core.records import Annotation, Link


class DocumentAnnotations:
    """Annotations by id plus each claim's "said_by" and "about" link."""

    def __init__(
        self, annotations: list[Annotation], links: list[Link], codebook: Codebook
    ) -> None:
        self.codebook = codebook
        self._annotations: dict[str, Annotation] = {a.id: a for a in annotations}
        self._links: dict[tuple[str, str], Link] = {}
        #: Bumped on every change, so views can cache what they derive from this state.
        self.version = 0
        self._sorted: dict[str, list[Annotation]] = {}  # role → its spans, in reading order
        # Reading-order keys kept sorted as annotations come and go (no re-sort per change).
        self._order: list[tuple[int, int, str]] = sorted(map(reading_order, annotations))
        self.set_links(links)

    # -- reading ----------------------------------------------------------------------------

    def get(self, annotation_id: str) -> Annotation | None:
        return self._annotations.get(annotation_id)

    def all(self) -> list[Annotation]:
        """Every annotation in reading order (start, then end)."""
        return [self._annotations[key[2]] for key in self._order]

    def links(self) -> list[Link]:
        return list(self._links.values())

    def label_of(self, annotation: Annotation) -> Label | None:
        """The annotation's label, or None if the codebook no longer has it."""
        try:
            return self.codebook.by_id(annotation.label_id)
        except KeyError:
            return None

    def role_of(self, annotation: Annotation) -> str | None:
        label = self.label_of(annotation)
        return None if label is None else label.role

    def spans_with_role(self, role: str) -> list[Annotation]:
        """Annotations whose label has this role ("claim", "speaker", "target"), by start."""
        if role not in self._sorted:
            roles = {label.id: label.role for label in self.codebook.labels}
            self._sorted[role] = [a for a in self.all() if roles.get(a.label_id) == role]
        return list(self._sorted[role])

    def canonical_name(self, annotation: Annotation) -> str:
        """A speaker span's canonical name, or its quote on one line when it has none."""
        return annotation.speaker_name or " ".join(annotation.quote.split())

    def link_of(self, claim_id: str, kind: str) -> Link | None:
        return self._links.get((claim_id, kind))

    def speaker_of(self, claim_id: str) -> str:
        """Who said the claim: the linked speaker's canonical name, or the typed name; or ""."""
        return self._linked_name(claim_id, "said_by")

    def target_of(self, claim_id: str) -> str:
        """What the claim is about: the linked target span's quote, or the typed name; or ""."""
        return self._linked_name(claim_id, "about")

    def _linked_name(self, claim_id: str, kind: str) -> str:
        link = self.link_of(claim_id, kind)
        if link is None:
            return ""
        if link.target_id is not None:
            span = self.get(link.target_id)
            return "" if span is None else self.canonical_name(span)
        return link.name or ""

    # -- keeping current --------------------------------------------------------------------

    def _changed(self) -> None:
        self.version += 1
        self._sorted.clear()

    def upsert(self, annotation: Annotation) -> None:
        old = self._annotations.get(annotation.id)
        if old is not None:
            self._order.pop(bisect_left(self._order, reading_order(old)))
        insort(self._order, reading_order(annotation))
        self._annotations[annotation.id] = annotation
        self._changed()

    def remove(self, annotation_id: str) -> None:
        """Forget an annotation and, like the store's cascade, the links from or to it."""
        old = self._annotations.pop(annotation_id, None)
        if old is not None:
            self._order.pop(bisect_left(self._order, reading_order(old)))
        self._changed()
        self._links = {
            key: link
            for key, link in self._links.items()
            if annotation_id not in (link.source_id, link.target_id)
        }

    def set_links(self, links: list[Link]) -> None:
        """Replace all links (the store's links for this document after a change)."""
        self._links = {}
        self.version += 1
        # The store keeps one link per claim and kind; should two ever exist, the newer wins.
        for link in sorted(links, key=lambda lk: (lk.created, lk.id)):
            self._links[(link.source_id, link.kind)] = link


def reading_order(annotation: Annotation) -> tuple[int, int, str]:
    """Sort key: start, then end, then id so equal spans keep a stable order."""
    return annotation.start, annotation.end, annotation.id
