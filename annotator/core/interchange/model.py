"""What an annotation file holds once read and checked: plain records, independent of its format.

Reading never touches a project; every value here has passed `fields.Fields` (types, lengths,
UUIDs, offsets), so applying it only has to decide where each annotation, comment and review
decision goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import ImportRefused


class AnnotationFileError(ImportRefused):
    """An annotation file is broken or not one we read; nothing from it was stored.

    The message names the file and where in it the problem is (line or item).
    """

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        place = f"{where}: " if where else ""
        super().__init__(path, f"{place}{problem} Nothing was imported.")


@dataclass(frozen=True)
class ParsedLink:
    """A claim's link as written in the file (`target_id` or `name`, never both)."""

    id: str
    kind: str
    target_id: str | None
    name: str | None
    analyst: str | None
    created: str
    reviewed: bool = False  # made in the reviewed layer (the `analyst` is then its name there)


@dataclass(frozen=True)
class ParsedAnnotation:
    where: str  # "line 12" or "item 3": for messages about this annotation
    id: str
    analyst: str | None
    label: str
    label_role: str | None
    label_role_known: bool  # False when the format does not say (W3C)
    start: int | None  # None when the file has no position (a W3C quote selector only)
    end: int | None
    quote: str
    prefix: str
    suffix: str
    sentiment: str | None
    speaker_name: str | None
    note: str
    created: str
    modified: str
    links: tuple[ParsedLink, ...]
    reviewed: bool = False  # in the reviewed layer (the `analyst` is then its name there)


@dataclass(frozen=True)
class ParsedComment:
    """A comment of a thread. `annotation_id` is the commented annotation; in a W3C file it may
    also be another comment (a reply to a reply), whose thread it then joins."""

    where: str
    id: str
    annotation_id: str
    author: str | None
    created: str
    modified: str
    body: str


@dataclass(frozen=True)
class LayerRef:
    """A layer named in a file: an analyst's (by name), or the reviewed layer."""

    analyst: str | None
    reviewed: bool = False


@dataclass(frozen=True)
class ParsedDecision:
    """A review decision: `sources` are (annotation id, version or ""), `results` annotation
    ids; both are kept as ids whether or not the annotations are in the file or the project."""

    where: str
    id: str
    reviewer: str
    decided: str
    decision: str
    first_layer: LayerRef
    second_layer: LayerRef
    sources: tuple[tuple[str, str], ...]
    results: tuple[str, ...]


@dataclass(frozen=True)
class ParsedDocument:
    """A document of the file: its text's sha256, and in our JSON Lines its metadata and text.

    `outlet`, `author`, `url` (canonical address), `language` and `page_starts` are what the
    source said about itself ("" and () when the file does not say); a W3C file gives the
    address only (its targets' source)."""

    where: str
    text_sha256: str
    id: str | None = None
    title: str | None = None
    source: str | None = None
    published: str | None = None
    imported_at: str | None = None
    text: str | None = None
    outlet: str = ""
    author: str = ""
    url: str = ""
    language: str = ""
    page_starts: tuple[int, ...] = ()
    annotations: tuple[ParsedAnnotation, ...] = ()
    decisions: tuple[ParsedDecision, ...] = ()

    @property
    def name(self) -> str:
        """How reports refer to it when no local document matched."""
        return self.title or f"document sha256:{self.text_sha256[:12]}…"


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    format: str  # "jsonl" (Annotator JSON Lines) or "w3c"
    documents: tuple[ParsedDocument, ...]
    comments: tuple[ParsedComment, ...] = ()

    @property
    def annotation_count(self) -> int:
        return sum(len(doc.annotations) for doc in self.documents)

    @property
    def label_names(self) -> frozenset[str]:
        return frozenset(a.label for doc in self.documents for a in doc.annotations)
