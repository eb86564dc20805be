"""Annotator JSON Lines, read record by record: a “document” line, then its annotations,
comments and review decisions, each line checked as it comes (see
annotator.core.export.jsonl for the format)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.codebook import ROLES
from annotator.core.interchange.fields import (
    MAX_CONTEXT_CHARS,
    MAX_DECISION_ANNOTATIONS,
    MAX_LANGUAGE_CHARS,
    MAX_LINKS,
    MAX_NOTE_CHARS,
    MAX_OUTLET_CHARS,
    MAX_QUOTE_CHARS,
    MAX_SOURCE_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    Fields,
)
from annotator.core.interchange.model import (
    LayerRef,
    OnDocument,
    ParsedAnnotation,
    ParsedComment,
    ParsedDecision,
    ParsedDocument,
    ParsedLink,
    StreamItem,
)
from annotator.core.records import DECISIONS, LINK_KINDS
from annotator.core.store.documents import text_hash

#: Line types after the document line they belong to, with how each is named in messages.
BELONGING = {
    "annotation": "An annotation",
    "comment": "A comment",
    "review_decision": "A review decision",
}


def records(path: Path, lines: Iterable[tuple[int, Any]]) -> Iterator[StreamItem]:
    """The records of (line number, JSON value) pairs, each checked as it comes.

    Ids of documents, annotations, links, comments and decisions must each appear once in
    the file: the ids seen are kept (about 100 bytes each), nothing else of a line is.
    """
    current: ParsedDocument | None = None
    seen: set[str] = set()
    for number, raw in lines:
        fields = Fields(raw, path=path, where=f"line {number}")
        kind = fields.value("type")
        if kind == "document":
            current = _document(fields)
            _once(fields, seen, current.id or "", "document id")
            _once(fields, seen, current.text_sha256, "document text (text_sha256)")
            yield current
            continue
        if not isinstance(kind, str) or kind not in BELONGING:
            raise fields.error(
                f"Unknown line type {kind!r}: expected “document”, “annotation”, “comment” "
                "or “review_decision”."
            )
        if current is None:
            raise fields.error(f"{BELONGING[kind]} comes before any “document” line.")
        if fields.uuid("document_id") != current.id:
            raise fields.error("“document_id” is not the id of the document line above it.")
        if kind == "annotation":
            annotation = _annotation(fields)
            _once(fields, seen, annotation.id, "annotation id")
            for link in annotation.links:
                _once(fields, seen, link.id, "link id")
            yield OnDocument(current.text_sha256, annotation)
        elif kind == "comment":
            comment = _comment(fields)
            _once(fields, seen, comment.id, "comment id")
            yield comment
        else:
            decision = _decision(fields)
            _once(fields, seen, decision.id, "review decision id")
            yield OnDocument(current.text_sha256, decision)


def _once(fields: Fields, seen: set[str], key: str, what: str) -> None:
    if key in seen:
        raise fields.error(f"The same {what} appears twice in the file: {key}.")
    seen.add(key)


def _document(f: Fields) -> ParsedDocument:
    sha = f.sha256("text_sha256")
    text = f.optional_text("text", limit=MAX_TEXT_CHARS)
    if text is not None and text_hash(text) != sha:
        raise f.error("The document's text does not match its “text_sha256”: the file was changed.")
    return ParsedDocument(
        where=f.where,
        text_sha256=sha,
        id=f.uuid("id"),
        title=f.text("title", limit=MAX_TITLE_CHARS),
        source=f.text("source", limit=MAX_SOURCE_CHARS, default=""),
        published=f.optional_text("published", limit=64),
        imported_at=f.timestamp("imported_at"),
        text=text,
        outlet=f.metadata("outlet", limit=MAX_OUTLET_CHARS),
        author=f.metadata("author", limit=MAX_OUTLET_CHARS),
        url=f.metadata("url", limit=MAX_URL_CHARS),
        language=f.metadata("language", limit=MAX_LANGUAGE_CHARS),
        page_starts=f.page_starts("page_starts", text_length=None if text is None else len(text)),
    )


def _annotation(f: Fields) -> ParsedAnnotation:
    start, end = f.span("start", "end")
    quote = f.text("quote", limit=MAX_QUOTE_CHARS)
    if not quote:
        raise f.error("“quote” is empty: an annotation tags at least one character.")
    role = None if f.value("label_role") is None else f.choice("label_role", ROLES)
    links = tuple(
        _link(f.nested(raw, f"link {i}"))
        for i, raw in enumerate(f.items("links", limit=MAX_LINKS), start=1)
    )
    return ParsedAnnotation(
        where=f.where,
        id=f.uuid("id"),
        analyst=f.name("analyst", required=False),
        label=f.name("label") or "",
        label_role=role,
        label_role_known=True,
        start=start,
        end=end,
        quote=quote,
        prefix=f.text("prefix", limit=MAX_CONTEXT_CHARS, default=""),
        suffix=f.text("suffix", limit=MAX_CONTEXT_CHARS, default=""),
        sentiment=f.name("sentiment", required=False),
        speaker_name=f.name("speaker_name", required=False),
        note=f.text("note", limit=MAX_NOTE_CHARS, default=""),
        created=f.timestamp("created"),
        modified=f.timestamp("modified"),
        links=links,
        reviewed=f.reviewed_layer(),
        talking_point=_talking_point(f),
    )


def _talking_point(f: Fields) -> tuple[str, str] | None:
    """A claim's talking point, {"id": uuid, "name": name}, when the line has one."""
    if not f.has("talking_point"):
        return None
    point = f.nested(f.value("talking_point"), "talking point")
    return point.uuid("id"), point.name("name") or ""


def _link(f: Fields) -> ParsedLink:
    link_id, kind = f.uuid("id"), f.choice("kind", LINK_KINDS)
    target = f.uuid("target_id") if f.has("target_id") else None
    # With a span, "name" only repeats that span's name for readers of the file.
    written = f.name("name", required=False)
    name = written if target is None else None
    if target is None and name is None:
        raise f.error("A link needs a span (“target_id”) or a “name” to point to.")
    return ParsedLink(
        id=link_id,
        kind=kind,
        target_id=target,
        name=name,
        analyst=f.name("analyst", required=False),
        created=f.timestamp("created"),
        reviewed=f.reviewed_layer(),
    )


def _comment(f: Fields) -> ParsedComment:
    created = f.timestamp("created")
    return ParsedComment(
        where=f.where,
        id=f.uuid("id"),
        annotation_id=f.uuid("annotation_id"),
        author=f.name("author", required=False),
        created=created,
        modified=f.timestamp("modified", default=created),
        body=f.body("body"),
    )


def _decision(f: Fields) -> ParsedDecision:
    sources = []
    for i, raw in enumerate(f.items("sources", limit=MAX_DECISION_ANNOTATIONS), start=1):
        source = f.nested(raw, f"source {i}")
        version = "" if source.value("modified") == "" else source.timestamp("modified")
        sources.append((source.uuid("id"), version))
    return ParsedDecision(
        where=f.where,
        id=f.uuid("id"),
        reviewer=f.name("reviewer") or "",
        decided=f.timestamp("decided"),
        decision=f.choice("decision", DECISIONS),
        first_layer=_layer(f.nested(f.value("first_layer"), "first_layer")),
        second_layer=_layer(f.nested(f.value("second_layer"), "second_layer")),
        sources=tuple(sources),
        results=tuple(f.uuids("results", limit=MAX_DECISION_ANNOTATIONS)),
    )


def _layer(f: Fields) -> LayerRef:
    """{"analyst": name}, or with "layer": "reviewed" the reviewed layer (any name)."""
    reviewed = f.reviewed_layer()
    return LayerRef(analyst=f.name("analyst", required=not reviewed), reviewed=reviewed)
