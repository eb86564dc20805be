"""What an annotation file holds once read and checked: plain records, independent of its format.

Reading never touches a project; every value here has passed `fields.Fields` (types, lengths,
UUIDs, offsets), so applying it only has to decide where each annotation, comment and review
decision goes.

A file is read as a stream of records (`AnnotationStream`): a document, then what belongs to
it (`OnDocument`), and comments, in file order. `ParsedFile` is the same gathered in memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
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
    talking_point: tuple[str, str] | None = None  # a claim's talking point: (id, name)


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


@dataclass(frozen=True)
class OnDocument:
    """An annotation or review decision of the document with this text, which came earlier in
    the stream."""

    text_sha256: str
    record: ParsedAnnotation | ParsedDecision


#: What a stream yields, in file order: a document always before what is on it.
StreamItem = ParsedDocument | OnDocument | ParsedComment


@dataclass
class AnnotationStream:
    """A file being read: its records come as `items` is iterated, each checked on the way,
    so a broken one raises AnnotationFileError only when it is reached. The documents it
    yields carry no annotations or decisions (those come as `OnDocument`)."""

    path: Path
    format: str  # "jsonl" (Annotator JSON Lines) or "w3c"
    items: Iterator[StreamItem]


def stream_of(parsed: ParsedFile) -> AnnotationStream:
    """The records of a file read whole, as a stream: each document and what is on it, then
    the comments."""

    def items() -> Iterator[StreamItem]:
        for doc in parsed.documents:
            yield dataclasses.replace(doc, annotations=(), decisions=())
            for annotation in doc.annotations:
                yield OnDocument(doc.text_sha256, annotation)
            for decision in doc.decisions:
                yield OnDocument(doc.text_sha256, decision)
        yield from parsed.comments

    return AnnotationStream(parsed.path, parsed.format, items())


def gathered(stream: AnnotationStream) -> ParsedFile:
    """The whole stream read into a ParsedFile (documents with their annotations and
    decisions, in the order they first appear)."""
    documents: dict[str, ParsedDocument] = {}
    annotations: dict[str, list[ParsedAnnotation]] = {}
    decisions: dict[str, list[ParsedDecision]] = {}
    comments: list[ParsedComment] = []
    for item in stream.items:
        if isinstance(item, ParsedDocument):
            documents[item.text_sha256] = item
            annotations[item.text_sha256], decisions[item.text_sha256] = [], []
        elif isinstance(item, ParsedComment):
            comments.append(item)
        elif isinstance(item.record, ParsedAnnotation):
            annotations[item.text_sha256].append(item.record)
        else:
            decisions[item.text_sha256].append(item.record)
    return ParsedFile(
        stream.path,
        stream.format,
        tuple(
            dataclasses.replace(
                doc, annotations=tuple(annotations[sha]), decisions=tuple(decisions[sha])
            )
            for sha, doc in documents.items()
        ),
        tuple(comments),
    )
