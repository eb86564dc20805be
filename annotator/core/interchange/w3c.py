"""Reading W3C Web Annotations as Annotator exports them (annotator.core.export.w3c).

Accepted: an AnnotationCollection whose `first` page holds every item (a `total` must match),
a single AnnotationPage, or one Annotation per line. Each annotation needs a `urn:uuid:` id, a
`created` time, one "tagging" body (the label) and one target whose source is
`urn:sha256:<text hash>` with a TextQuoteSelector (a TextPositionSelector is used as a hint).
Bodies: "classifying" `sentiment:<value>`, "identifying" the speaker name, "commenting" the
note, "linking" `said_by:<name>` / `about:<name>` with `via: urn:uuid:<span>` for a span. Bodies
with other purposes are ignored; a body of ours that is malformed refuses the file.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from annotator.core.interchange.fields import (
    MAX_CONTEXT_CHARS,
    MAX_LINKS,
    MAX_NOTE_CHARS,
    MAX_QUOTE_CHARS,
    Fields,
)
from annotator.core.interchange.model import (
    ParsedAnnotation,
    ParsedDocument,
    ParsedFile,
    ParsedLink,
)
from annotator.core.records import LINK_KINDS

#: Body purposes Annotator writes; bodies with any other purpose are left alone.
PURPOSES = ("tagging", "classifying", "identifying", "linking", "commenting")
MAX_BODIES = 4 + MAX_LINKS
_SENTIMENT = "sentiment:"
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


def parse(path: Path, entries: list[tuple[str, Any]]) -> ParsedFile:
    """Check every annotation and group them by the text they annotate."""
    by_text: dict[str, list[ParsedAnnotation]] = {}
    first_place: dict[str, str] = {}
    seen: set[str] = set()
    for where, raw in entries:
        fields = Fields(raw, path=path, where=where)
        if not is_annotation(fields.raw):
            raise fields.error("This is not a Web Annotation (its “type” is not “Annotation”).")
        sha, annotation = _annotation(fields)
        if annotation.id in seen:
            raise fields.error(f"The annotation id {annotation.id} appears twice in the file.")
        seen.add(annotation.id)
        by_text.setdefault(sha, []).append(annotation)
        first_place.setdefault(sha, where)
    documents = tuple(
        ParsedDocument(where=first_place[sha], text_sha256=sha, annotations=tuple(annotations))
        for sha, annotations in by_text.items()
    )
    return ParsedFile(path, "w3c", documents)


def _annotation(f: Fields) -> tuple[str, ParsedAnnotation]:
    annotation_id = f.uuid("id", prefix="urn:uuid:")
    analyst = None
    creators = f.items("creator", limit=1)
    if creators and isinstance(creators[0], dict):
        analyst = f.nested(creators[0], "creator").name("name", required=False)
    created = f.timestamp("created")
    modified = f.timestamp("modified", default=created)
    sha, exact, prefix, suffix, start, end = _target(f)
    values: dict[str, str] = {}
    links: list[ParsedLink] = []
    for i, raw in enumerate(f.items("body", limit=MAX_BODIES, required=True), start=1):
        body = f.nested(raw, f"body {i}")
        purpose = body.value("purpose")
        if purpose not in PURPOSES:
            continue
        value = body.text("value", limit=_VALUE_LIMITS.get(purpose, MAX_CONTEXT_CHARS))
        if purpose == "linking":
            links.append(_link(body, value, annotation_id, analyst, modified))
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
    return sha, ParsedAnnotation(
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
    )


def _target(f: Fields) -> tuple[str, str, str, str, int | None, int | None]:
    targets = f.items("target", limit=1, required=True)
    target = f.nested(targets[0], "target")
    sha = target.sha256("source", prefix="urn:sha256:")
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
    return sha, exact, prefix, suffix, start, end


def _link(
    body: Fields, value: str, source_id: str, analyst: str | None, modified: str
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
    )
