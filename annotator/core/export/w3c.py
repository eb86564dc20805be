"""W3C Web Annotation (JSON-LD) export: an AnnotationCollection, or one annotation per line.

Every annotation passes all "must" assertions of the W3C conformance suite (tests/w3c). Shape::

    {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:uuid:<annotation id>",
     "type": "Annotation", "motivation": "tagging", "created": time, "modified": time,
     "creator": {"id": "urn:annotator:analyst:<name, percent-encoded>", "type": "Person",
                 "name": name},
     "generator": {"id": ..., "type": "Software", "name": "Annotator <version>"},
     "body": [TextualBody, ...],
     "target": {"type": "SpecificResource", "source": <the URL, or "urn:sha256:<hex SHA-256
                of the text>">, "state": <only with a URL, see below>,
                "selector": [{"type": "TextQuoteSelector", "exact", "prefix", "suffix"},
                             {"type": "TextPositionSelector", "start", "end"}]}}

The target's source is the document's canonical address (`url`) where it is known: an
absolute http(s) URL, percent-encoded where it holds characters a URI may not. The text
Annotator annotated is then named by its hash in a time state, {"type": "TimeState",
"cached": "urn:sha256:<hex>", "sourceDate": <when the document was imported, UTC>} (a cached
copy of the page as it was read). Without an address the source is the hash itself,
"urn:sha256:<hex>". Either way an annotation means the same in any project holding that text.
Positions count Unicode code points; prefix and suffix are up to 32 of them (left out when
empty). Bodies, all `TextualBody` with "format": "text/plain" (values are never markup), in
this order:

- the label, "purpose": "tagging", "value": label name;
- the sentiment, "purpose": "classifying", "value": "sentiment:<value>";
- a speaker span's canonical name, "purpose": "identifying", "value": name;
- each link (about before said_by), "purpose": "linking", "value": "said_by:<name>" or
  "about:<name>" (the typed name, or the linked span's canonical name); a link to a span adds
  "via": "urn:uuid:<linked annotation id>";
- a claim's talking point, "purpose": "linking", "value": "talking_point:<name>", "via":
  "urn:uuid:<talking point id>";
- the note, "purpose": "commenting".

Why prefixed values rather than an own key or a `source`/`id` on the body: the suite forbids
`source` on a TextualBody, and a body with an `id` counts as an External Web Resource, which
may not have a `purpose`. A custom key would pass, but Web Annotation clients drop keys they do
not know, while all of them show a body's value. `via` (the resource a body was derived from)
is allowed, and says which span the linked name comes from.

The reviewed layer's annotations have two creators: the layer itself, {"id":
"urn:annotator:layer:reviewed", "type": "Organization", "name": <the layer's name>} (the
team's adjudicated layer; the id, not the name, is what an importer goes by), then the reviewer
of the latest decision that left the annotation as a "Person" (left out if none did). The model
allows any number of creators; review decisions themselves travel in Annotator JSON Lines only.

Each comment follows its annotation as an Annotation of its own, in thread order::

    {"@context", "id": "urn:uuid:<comment id>", "type": "Annotation", "motivation": "replying",
     "created": time, "modified": time, "creator": <the author, a Person>, "generator",
     "body": [{"type": "TextualBody", "value": <the comment>, "format": "text/plain"}],
     "target": "urn:uuid:<the commented annotation's id>"}

The target is the commented annotation's IRI, as in the model's replies to annotations.

The collection: {"@context", "id": "urn:uuid:<derived from the project id and the filter>",
"type": "AnnotationCollection", "label", "total", "first": {"id", "type": "AnnotationPage",
"startIndex": 0, "items": [one annotation a line]}}. Keys are sorted throughout; no export time
is written (no `generated`), so the same project and filter always give the same bytes.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urlsplit

from annotator import __version__
from annotator.core.export.atomic import atomic_text_file
from annotator.core.export.jsonl import json_line, to_json
from annotator.core.export.scope import (
    EVERYTHING,
    AnnotationRow,
    CommentRow,
    DocumentRow,
    ExportFilter,
    ExportResult,
    LinkRow,
    Progress,
    Scope,
    read_snapshot,
)
from annotator.core.records import REVIEWED_LAYER_ID, AnnotationId
from annotator.core.store import Store, talking_points

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
GENERATOR = {
    "id": "urn:annotator:software:annotator",
    "type": "Software",
    "name": f"Annotator {__version__}",
}


#: The reviewed layer as an agent: the same in every project, whatever the layer's name.
REVIEWED_LAYER_URI = f"urn:annotator:layer:{REVIEWED_LAYER_ID}"


def annotation_uri(annotation_id: str) -> str:
    return f"urn:uuid:{quote(annotation_id, safe='')}"


def analyst_uri(name: str) -> str:
    # By name, not by id: analyst ids differ between projects, names are what colleagues share.
    return f"urn:annotator:analyst:{quote(name, safe='')}"


#: Characters a URI may hold as they are (RFC 3986: reserved, unreserved and "%").
_URI_SAFE = ":/?#[]@!$&'()*+,;=-._~%"
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def web_address(url: str) -> str | None:
    """`url` as a URI a Web Annotation can name: an absolute http(s) address, percent-encoded
    where it holds spaces, non-ASCII or other characters a URI may not; None if it is not
    one."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    encoded = quote(url, safe=_URI_SAFE)
    return None if _BAD_ESCAPE.search(encoded) else encoded


def _utc(stamp: str) -> str | None:
    """An ISO 8601 time as RFC 3339 UTC with milliseconds and "Z", or None."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def target_source(document: DocumentRow) -> dict[str, Any]:
    """The target's `source` (and `state`) for an annotation of `document`."""
    hashed = f"urn:sha256:{document.text_sha256}"
    address = web_address(document.url)
    when = _utc(document.imported_at)
    if address is None or when is None:
        return {"source": hashed}
    return {"source": address, "state": {"type": "TimeState", "cached": hashed, "sourceDate": when}}


def _text(purpose: str, value: str) -> dict[str, str]:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


def _link_body(link: LinkRow) -> dict[str, str]:
    body = _text("linking", f"{link.kind}:{link.linked_name}")
    if link.target_id is not None:
        body["via"] = annotation_uri(link.target_id)
    return body


def person(name: str) -> dict[str, str]:
    return {"id": analyst_uri(name), "type": "Person", "name": name}


def creator(row: AnnotationRow, reviewer: str | None) -> dict[str, str] | list[dict[str, str]]:
    """The analyst; for the reviewed layer, the layer and the reviewer (if known)."""
    if row.analyst_id != REVIEWED_LAYER_ID:
        return person(row.analyst)
    layer = {"id": REVIEWED_LAYER_URI, "type": "Organization", "name": row.analyst}
    return layer if reviewer is None else [layer, person(reviewer)]


def web_annotation(
    row: AnnotationRow,
    links: list[LinkRow],
    document: DocumentRow,
    *,
    reviewer: str | None = None,
    talking_point: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """One annotation of `document` as a W3C Web Annotation (shape in the module docstring);
    `reviewer`: of a reviewed-layer annotation, who made the latest decision that left it."""
    body = [_text("tagging", row.label)]
    if row.sentiment is not None:
        body.append(_text("classifying", f"sentiment:{row.sentiment}"))
    if row.speaker_name:
        body.append(_text("identifying", row.speaker_name))
    body += [_link_body(link) for link in links]
    if talking_point is not None:
        point = _text("linking", f"talking_point:{talking_point[1]}")
        point["via"] = f"urn:uuid:{talking_point[0]}"
        body.append(point)
    if row.note:
        body.append(_text("commenting", row.note))
    quote_selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": row.quote}
    if row.prefix:
        quote_selector["prefix"] = row.prefix
    if row.suffix:
        quote_selector["suffix"] = row.suffix
    return {
        "@context": CONTEXT,
        "id": annotation_uri(row.id),
        "type": "Annotation",
        "motivation": "tagging",
        "created": row.created,
        "modified": row.modified,
        "creator": creator(row, reviewer),
        "generator": GENERATOR,
        "body": body,
        "target": {
            "type": "SpecificResource",
            **target_source(document),
            "selector": [
                quote_selector,
                {"type": "TextPositionSelector", "start": row.start, "end": row.end},
            ],
        },
    }


def reply(comment: CommentRow) -> dict[str, Any]:
    """A comment as a Web Annotation replying to the commented annotation."""
    return {
        "@context": CONTEXT,
        "id": annotation_uri(comment.id),
        "type": "Annotation",
        "motivation": "replying",
        "created": comment.created,
        "modified": comment.modified,
        "creator": person(comment.author),
        "generator": GENERATOR,
        "body": [{"type": "TextualBody", "value": comment.body, "format": "text/plain"}],
        "target": annotation_uri(comment.annotation_id),
    }


class _Walk:
    """The annotations in scope as Web Annotations, each followed by its comments as replies;
    counting annotations (`count`), items written (`items`) and documents."""

    def __init__(self, scope: Scope, progress: Progress | None) -> None:
        self.scope, self.progress = scope, progress
        self.count = self.items = self.documents = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for document in self.scope.walk(self.progress):
            rows = self.scope.annotations(document.id)
            if not rows:
                continue
            self.documents += 1
            links = self.scope.links(document.id)
            comments = self.scope.comments(document.id)
            reviewers = self.scope.reviewers(document.id)
            points = talking_points.points_in_document(self.scope.conn, document.id)
            for row in rows:
                self.count += 1
                self.items += 1
                reviewer = reviewers.get(row.id, (None,))[0]
                yield web_annotation(
                    row,
                    links.get(row.id, []),
                    document,
                    reviewer=reviewer,
                    talking_point=points.get(AnnotationId(row.id)),
                )
                for comment in comments.get(row.id, ()):
                    self.items += 1
                    yield reply(comment)


def write_w3c_lines(
    scope: Scope, out: TextIO, *, progress: Progress | None = None
) -> tuple[int, int]:
    """One Web Annotation per line (JSON Lines); (annotations, documents) written."""
    walk = _Walk(scope, progress)
    for annotation in walk:
        out.write(json_line(annotation))
    return walk.count, walk.documents


def write_w3c_collection(
    scope: Scope, out: TextIO, *, collection_id: str, progress: Progress | None = None
) -> tuple[int, int]:
    """An AnnotationCollection whose `first` page holds every annotation, one per line.

    Streamed: with sorted keys "first" comes before "total", so the count is known in time.
    """
    page_id = _uuid_uri(collection_id + "/page/1")
    out.write(f'{{"@context":{to_json(CONTEXT)},"first":{{"id":{to_json(page_id)},"items":[')
    walk = _Walk(scope, progress)
    for annotation in walk:
        out.write(("," if walk.items > 1 else "") + "\n" + to_json(annotation))
    described = scope.filter.describe()
    label = f"Annotator export ({described})" if described else "Annotator export"
    out.write(
        f'\n],"startIndex":0,"type":"AnnotationPage"}},"id":{to_json(collection_id)},'
        f'"label":{to_json(label)},"total":{walk.items},"type":"AnnotationCollection"}}\n'
    )
    return walk.count, walk.documents


def _uuid_uri(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def export_w3c(
    store: Store,
    path: Path | str,
    *,
    filter: ExportFilter = EVERYTHING,
    lines: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """W3C Web Annotations, as one AnnotationCollection or (`lines`) one per line."""
    with read_snapshot(store.conn):
        scope = Scope(store, filter)
        # The collection's id is derived from what it covers (the texts, by hash, and the
        # filter's names and dates), not from the project: the same annotations exported from
        # any project holding them, e.g. after a round trip, give the same bytes.
        covered = ",".join(sorted(doc.text_sha256 for doc in scope.documents))
        narrowing: tuple[object, ...] = (
            filter.analysts,
            filter.labels,
            filter.since,
            filter.until,
            filter.date_field,
        )
        if filter.layers:  # only then, so that other exports keep their collection ids
            narrowing += (filter.layers,)
        collection_id = _uuid_uri(f"annotator:collection:{covered}:{narrowing!r}")
        with atomic_text_file(Path(path), encoding="utf-8") as out:
            if lines:
                count, documents = write_w3c_lines(scope, out, progress=progress)
            else:
                count, documents = write_w3c_collection(
                    scope, out, collection_id=collection_id, progress=progress
                )
    return ExportResult(Path(path), "w3c", count, documents)
