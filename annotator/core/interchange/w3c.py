"""Reading W3C Web Annotations as Annotator exports them (annotator.core.export.w3c).

Accepted: an AnnotationCollection whose `first` page holds every item (a `total` must match),
a single AnnotationPage, or one Annotation per line. Each annotation needs a `urn:uuid:` id, a
`created` time, one "tagging" body (the label) and one target whose source is
`urn:sha256:<text hash>`, or the text's web address with a TimeState whose `cached` copy is
`urn:sha256:<text hash>` (the address then helps find the document when the text differs), with
a TextQuoteSelector (a TextPositionSelector is used as a hint).
Bodies: "classifying" `sentiment:<value>`, "identifying" the speaker name, "commenting" the
note, "linking" `said_by:<name>` / `about:<name>` with `via: urn:uuid:<span>` for a span. Bodies
with other purposes are ignored; a body of ours that is malformed refuses the file. A creator
with the id `urn:annotator:layer:reviewed` puts the annotation in the reviewed layer.

A reply — an Annotation motivated by "replying" or "commenting" whose target is another
annotation's `urn:uuid:` IRI — is read as a comment on it: its creator is the author, its one
text body (or `bodyValue`) the comment.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.interchange.fields import (
    MAX_CONTEXT_CHARS,
    MAX_LINKS,
    MAX_NOTE_CHARS,
    MAX_QUOTE_CHARS,
    MAX_URL_CHARS,
    Fields,
)
from annotator.core.interchange.model import (
    OnDocument,
    ParsedAnnotation,
    ParsedComment,
    ParsedDocument,
    ParsedLink,
    StreamItem,
)
from annotator.core.records import LINK_KINDS, REVIEWED_LAYER_ID

#: Body purposes Annotator writes; bodies with any other purpose are left alone.
PURPOSES = ("tagging", "classifying", "identifying", "linking", "commenting")
MAX_BODIES = 4 + MAX_LINKS
#: Annotator writes one creator (two for the reviewed layer); a few more are tolerated.
MAX_CREATORS = 8
REVIEWED_LAYER_URI = f"urn:annotator:layer:{REVIEWED_LAYER_ID}"
#: Motivations of an annotation about another annotation that Annotator reads as a comment.
REPLY_MOTIVATIONS = ("replying", "commenting")
_ANNOTATION_IRI = "urn:uuid:"
_SENTIMENT = "sentiment:"
#: A linking body naming the claim's talking point (its id in "via").
TALKING_POINT = "talking_point:"
# A link to a span repeats the span's name or, lacking one, its whole quote.
_VALUE_LIMITS = {"commenting": MAX_NOTE_CHARS, "linking": MAX_QUOTE_CHARS + 16}
#: W3C links carry no id of their own: one is derived from what the link says, so that the
#: same file imported twice finds its links already there.
_LINK_NAMESPACE = uuid.UUID("5d0b8f4e-6a43-4c1c-9a55-1f0e7c2f6b7a")


def types(raw: dict[str, Any]) -> set[str]:
    value = raw.get("type")
    values = value if isinstance(value, list) else [value]
    return {v.removeprefix("oa:").removeprefix("as:") for v in values if isinstance(v, str)}


def is_annotation(raw: dict[str, Any]) -> bool:
    return "Annotation" in types(raw)


def is_container(raw: dict[str, Any]) -> bool:
    return bool(types(raw) & {"AnnotationCollection", "OrderedCollection", "AnnotationPage"})


def items(path: Path, container: dict[str, Any]) -> list[tuple[str, Any]]:
    """The annotations of a collection or page, each with its place ("item 3") for messages."""
    fields = Fields(container, path=path, where="the collection")
    page = container
    if "AnnotationPage" not in types(container):
        if not isinstance(container.get("first"), dict):
            raise fields.error("Its “first” page must be included in the file (not a link).")
        page = container["first"]
    if page.get("next") is not None:
        raise fields.error("It continues on further pages; export all annotations in one file.")
    listed = page.get("items")
    if not isinstance(listed, list):
        raise fields.error("Its page has no list of “items”.")
    total = container.get("total")
    if total is not None and total != len(listed):
        raise fields.error(
            f"It says it holds {total} annotations but {len(listed)} are in the file: "
            "the file is incomplete."
        )
    return [(f"item {i}", raw) for i, raw in enumerate(listed, start=1)]


def records(path: Path, entries: Iterable[tuple[str, Any]]) -> Iterator[StreamItem]:
    """Check each annotation as it comes: a document (by the text it annotates, with the
    address of its first annotation) the first time its text is named, then the annotation
    on it; replies as comments. Only ids and text hashes are kept from one item to the next."""
    documents: set[str] = set()
    seen: set[str] = set()
    for where, raw in entries:
        fields = Fields(raw, path=path, where=where)
        if not is_annotation(fields.raw):
            raise fields.error("This is not a Web Annotation (its “type” is not “Annotation”).")
        item: StreamItem
        if is_reply(fields.raw):
            item = _reply(fields)
            item_id = item.id
        else:
            sha, address, annotation = _annotation(fields)
            item_id = annotation.id
            if sha not in documents:
                documents.add(sha)
                yield ParsedDocument(where=where, text_sha256=sha, url=address)
            item = OnDocument(sha, annotation)
        if item_id in seen:
            raise fields.error(f"The annotation id {item_id} appears twice in the file.")
        seen.add(item_id)
        yield item


def is_reply(raw: dict[str, Any]) -> bool:
    """A reply to (or comment on) another annotation, rather than an annotation of a text."""
    motivations = raw.get("motivation")
    listed = motivations if isinstance(motivations, list) else [motivations]
    return any(m in REPLY_MOTIVATIONS for m in listed) and _reply_target(raw) is not None


def _reply_target(raw: dict[str, Any]) -> str | None:
    """The annotation IRI a reply targets (a bare IRI, or an object naming it), else None."""
    target = raw.get("target")
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if isinstance(target, dict) and "selector" not in target:
        target = target.get("id", target.get("source"))
    if isinstance(target, str) and target.startswith(_ANNOTATION_IRI):
        return target
    return None


def _reply(f: Fields) -> ParsedComment:
    comment_id = f.uuid("id", prefix=_ANNOTATION_IRI)
    target = _reply_target(f.raw) or ""
    annotation_id = f.check_uuid(target[:120], "target", prefix=_ANNOTATION_IRI)
    created = f.timestamp("created")
    if f.has("bodyValue"):  # the model's shorthand for one plain-text body
        body = f.body("bodyValue")
    else:
        texts = [
            f.nested(raw, f"body {i}")
            for i, raw in enumerate(f.items("body", limit=MAX_BODIES, required=True), start=1)
        ]
        texts = [body for body in texts if body.has("value")]
        if len(texts) != 1:
            raise f.error(f"A reply holds one text body (its comment); this one has {len(texts)}.")
        body = texts[0].body("value")
    return ParsedComment(
        where=f.where,
        id=comment_id,
        annotation_id=annotation_id,
        author=_creator(f)[0],
        created=created,
        modified=f.timestamp("modified", default=created),
        body=body,
    )


def _creator(f: Fields) -> tuple[str | None, bool]:
    """(the analyst's name, whether the annotation is in the reviewed layer).

    The analyst is the first creator that is not the reviewed layer (a reviewed annotation's
    other creator is its reviewer, recorded by review decisions, not by the annotation)."""
    reviewed = False
    names: list[str | None] = []
    for i, raw in enumerate(f.items("creator", limit=MAX_CREATORS), start=1):
        if not isinstance(raw, dict):  # an agent given by IRI alone: no name to go by
            names.append(None)
            continue
        agent = f.nested(raw, f"creator {i}")
        if agent.value("id") == REVIEWED_LAYER_URI:
            reviewed = True
            continue
        names.append(agent.name("name", required=False))
    if reviewed:
        return None, True
    return (names[0] if names else None), False


def _annotation(f: Fields) -> tuple[str, str, ParsedAnnotation]:
    """(text hash, web address or "", the annotation)."""
    annotation_id = f.uuid("id", prefix="urn:uuid:")
    analyst, reviewed = _creator(f)
    created = f.timestamp("created")
    modified = f.timestamp("modified", default=created)
    sha, address, exact, prefix, suffix, start, end = _target(f)
    values: dict[str, str] = {}
    links: list[ParsedLink] = []
    talking_point: tuple[str, str] | None = None
    for i, raw in enumerate(f.items("body", limit=MAX_BODIES, required=True), start=1):
        body = f.nested(raw, f"body {i}")
        purpose = body.value("purpose")
        if purpose not in PURPOSES:
            continue
        value = body.text("value", limit=_VALUE_LIMITS.get(purpose, MAX_CONTEXT_CHARS))
        if purpose == "linking" and value.startswith(TALKING_POINT):
            talking_point = _talking_point(body, value)
        elif purpose == "linking":
            links.append(_link(body, value, annotation_id, analyst, modified, reviewed))
        elif purpose in values:
            raise body.error(f"A second “{purpose}” body: an annotation has only one.")
        else:
            values[purpose] = value
    if "tagging" not in values:
        raise f.error("No “tagging” body: the annotation's label is missing.")
    label = Fields(values, path=f.path, where=f"{f.where}, tagging body").name("tagging")
    sentiment = values.get("classifying")
    if sentiment is not None:
        if not sentiment.startswith(_SENTIMENT):
            raise f.error(f"The “classifying” body must read “{_SENTIMENT}<value>”.")
        sentiment = sentiment.removeprefix(_SENTIMENT)
    named = Fields(
        {"speaker": values.get("identifying"), "sentiment": sentiment},
        path=f.path,
        where=f"{f.where}, body",
    )
    return (
        sha,
        address,
        ParsedAnnotation(
            where=f.where,
            id=annotation_id,
            analyst=analyst,
            label=label or "",
            label_role=None,
            label_role_known=False,
            start=start,
            end=end,
            quote=exact,
            prefix=prefix,
            suffix=suffix,
            sentiment=named.name("sentiment", required=False),
            speaker_name=named.name("speaker", required=False),
            note=values.get("commenting", ""),
            created=created,
            modified=modified,
            links=tuple(links),
            reviewed=reviewed,
            talking_point=talking_point,
        ),
    )


def _talking_point(body: Fields, value: str) -> tuple[str, str]:
    """A claim's talking point: "talking_point:<name>" with "via": "urn:uuid:<its id>"."""
    name = Fields({"name": value.removeprefix(TALKING_POINT)}, path=body.path, where=body.where)
    return body.uuid("via", prefix="urn:uuid:"), name.name("name") or ""


def _target(f: Fields) -> tuple[str, str, str, str, str, int | None, int | None]:
    targets = f.items("target", limit=1, required=True)
    target = f.nested(targets[0], "target")
    sha, address = _source(target)
    quote: Fields | None = None
    start = end = None
    for i, raw in enumerate(target.items("selector", limit=8, required=True), start=1):
        selector = target.nested(raw, f"selector {i}")
        kinds = types(selector.raw)
        if "TextQuoteSelector" in kinds:
            quote = selector
        elif "TextPositionSelector" in kinds:
            start, end = selector.span("start", "end")
    if quote is None:
        raise target.error("No TextQuoteSelector: the quoted text is needed to place it.")
    exact = quote.text("exact", limit=MAX_QUOTE_CHARS)
    if not exact:
        raise quote.error("“exact” is empty: an annotation tags at least one character.")
    prefix = quote.text("prefix", limit=MAX_CONTEXT_CHARS, default="")
    suffix = quote.text("suffix", limit=MAX_CONTEXT_CHARS, default="")
    return sha, address, exact, prefix, suffix, start, end


_HASHED = "urn:sha256:"


def _source(target: Fields) -> tuple[str, str]:
    """(the annotated text's hash, its web address or ""): the source is the hash, or an
    http(s) address with a TimeState whose `cached` copy is the hash."""
    source = target.value("source")
    if not (isinstance(source, str) and source.startswith(("http://", "https://"))):
        return target.sha256("source", prefix=_HASHED), ""
    address = target.metadata("source", limit=MAX_URL_CHARS)
    for i, raw in enumerate(target.items("state", limit=8), start=1):
        state = target.nested(raw, f"state {i}")
        if "TimeState" in types(state.raw) and state.has("cached"):
            return state.sha256("cached", prefix=_HASHED), address
    raise target.error(
        f"Its “source” is the address {address[:80]!r}, and no TimeState gives the annotated "
        f"text as a “cached” copy {_HASHED}<64 lower-case hex digits>: Annotator finds texts "
        "by their hash."
    )


def _link(
    body: Fields, value: str, source_id: str, analyst: str | None, modified: str, reviewed: bool
) -> ParsedLink:
    kind, colon, name = value.partition(":")
    if not colon or kind not in LINK_KINDS:
        raise body.error("A “linking” body must read “said_by:<name>” or “about:<name>”.")
    target = body.uuid("via", prefix="urn:uuid:") if body.has("via") else None
    if target is None:  # with a span, the name only repeats the span's for human readers
        name = Fields({"name": name}, path=body.path, where=body.where).name("name") or ""
    key = f"{source_id}|{kind}|{target or ''}|{name if target is None else ''}"
    return ParsedLink(
        id=str(uuid.uuid5(_LINK_NAMESPACE, key)),
        kind=kind,
        target_id=target,
        name=None if target is not None else name,
        analyst=analyst,
        # The file does not say when the link was made: no later than the annotation's last
        # change, which is what decides against a link the project already has.
        created=modified,
        reviewed=reviewed,  # the links of a reviewed annotation are the review's
    )
