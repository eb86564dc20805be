"""Typed ids and the plain records the core hands to the GUI and the CLI."""

from __future__ import annotations

import uuid
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NewType

DocumentId = NewType("DocumentId", str)
AnnotationId = NewType("AnnotationId", str)
AnalystId = NewType("AnalystId", str)
LabelId = NewType("LabelId", str)
LinkId = NewType("LinkId", str)
CommentId = NewType("CommentId", str)
DecisionId = NewType("DecisionId", str)

#: The reviewed layer is a reserved analyst id: its annotations filter, export and merge like
#: anyone's (who decided what is in `review_decisions`).
REVIEWED_LAYER_ID = "reviewed"

#: Characters of context kept either side of a quote, for re-anchoring in another copy of a text.
CONTEXT_CHARS = 32


def new_id() -> str:
    """A random UUID: ids must never collide when colleagues' projects are merged."""
    return str(uuid.uuid4())


def now_iso() -> str:
    """UTC time with milliseconds, sortable as text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Analyst:
    id: AnalystId
    name: str


@dataclass(frozen=True)
class DocumentSummary:
    """What the document list shows; the text itself is loaded only for the open document."""

    id: DocumentId
    title: str
    source: str
    published: str | None
    imported_at: str
    char_count: int
    annotation_count: int
    outlet: str = ""
    author: str = ""
    language: str = ""
    url: str = ""
    copy_of: DocumentId | None = None  # the earlier document this one is a syndicated copy of


@dataclass(frozen=True)
class Document:
    id: DocumentId
    title: str
    source: str
    published: str | None
    imported_at: str
    text: str
    text_hash: str
    import_report: str  # JSON of annotator.core.importing.ImportReport
    outlet: str = ""
    author: str = ""
    url: str = ""  # the canonical address where known
    language: str = ""  # BCP 47 ("en", "zh")
    page_starts: tuple[int, ...] = ()  # code point where each page starts (paged sources)

    def page_at(self, offset: int) -> int | None:
        """The page (1-based) holding the code point at `offset`; None for unpaged sources."""
        return page_at(self.page_starts, offset)


def page_at(page_starts: Sequence[int], offset: int) -> int | None:
    """The page (1-based) of `offset` given where each page starts; None without pages."""
    if not page_starts:
        return None
    return max(1, bisect_right(page_starts, offset))


@dataclass(frozen=True)
class Annotation:
    """A tagged span. `start`/`end` are Unicode code-point offsets into the document text."""

    id: AnnotationId
    document_id: DocumentId
    analyst_id: AnalystId
    label_id: LabelId
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    sentiment: str | None = None
    speaker_name: str | None = None
    note: str = ""
    created: str = field(default_factory=now_iso)
    modified: str = field(default_factory=now_iso)


@dataclass(frozen=True)
class Link:
    """claim → speaker ("said_by") or claim → target ("about"): to a span, or to a typed name."""

    id: LinkId
    source_id: AnnotationId
    kind: str
    target_id: AnnotationId | None
    name: str | None
    analyst_id: AnalystId
    created: str


LINK_KINDS = ("said_by", "about")


@dataclass(frozen=True)
class Comment:
    """One entry of the discussion thread on an annotation."""

    id: CommentId
    annotation_id: AnnotationId
    author_id: AnalystId
    created: str
    body: str


#: What a reviewer decided about a disagreement between two layers: keep the first side, the
#: second, both, neither, keep one to edit it, or (for spans both layers agree on) the agreed one.
DECISIONS = ("first", "second", "both", "reject", "edit", "agreed")


@dataclass(frozen=True)
class ReviewDecision:
    """One review decision. `sources` are the reviewed annotations with the version decided on
    ({"id", "modified"}): a later edit of one of them reopens the decision. `results` are the
    ids of the reviewed-layer annotations the decision left."""

    id: DecisionId
    document_id: DocumentId
    reviewer_id: AnalystId
    decided: str
    decision: str
    first_layer: AnalystId
    second_layer: AnalystId
    sources: tuple[tuple[AnnotationId, str], ...]
    results: tuple[AnnotationId, ...]


def anchor(text: str, start: int, end: int) -> tuple[str, str, str]:
    """Quote, prefix and suffix of text[start:end], for storage next to the offsets."""
    return (
        text[start:end],
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )
