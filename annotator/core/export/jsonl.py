r"""Annotator JSON Lines: annotations with their documents, self-contained, one record a line.

Made to be mailed to a colleague and imported (`annotator.core.interchange`) into any project,
an empty one included, with every id kept.

Encoding: UTF-8 without BOM; one JSON object per line, each line ending in "\n" (the last too);
keys sorted; non-ASCII written as is. U+2028, U+2029 and U+0085 are escaped (\u2028 ...) so that
every line splitter, `str.splitlines` included, sees exactly one record per line. The same
project and filter always give the same bytes.

Order: for each document (by published date, undated last, then title, then id) one document
line, then that document's annotations (by start, end, id). Document line::

    {"author": str, "id": str, "imported_at": time, "language": str, "outlet": str,
     "page_starts": [int, ...], "published": "YYYY-MM-DD" | null, "source": str,
     "text": str, "text_sha256": str, "title": str, "type": "document", "url": str}

`text_sha256` is the hex SHA-256 of the UTF-8 text (the project's duplicate check uses the
same hash). `outlet`, `author`, `url` (the canonical address) and `language` (BCP 47) are what
the source said about itself, "" when unknown; `page_starts` holds the code point where each
page of a paged source (a PDF) starts, [] for unpaged texts. With `include_text=False` (CLI
`--no-text`) the `text` key is absent and the line stays: an importer then needs a project
that already holds that text. Annotation line::

    {"analyst": name, "created": time, "document_id": str, "end": int, "id": str,
     "label": name, "label_role": "claim" | "speaker" | "target" | null,
     "links": [{"analyst": name, "created": time, "id": str, "kind": "said_by" | "about",
                "name": str | null, "target_id": str | null}],
     "modified": time, "note": str, "prefix": str, "quote": str,
     "sentiment": str | null, "speaker_name": str | null, "start": int, "suffix": str,
     "type": "annotation"}

- `start`/`end` are Unicode code points into the text: quote == text[start:end]; `prefix` and
  `suffix` are up to 32 code points either side (for re-anchoring in another copy of a text).
- Ids are the project's (UUID strings); analysts and labels go by name, as their ids differ
  between projects. Times are UTC ISO 8601 with milliseconds and "Z".
- `links` are the annotation's own outgoing links (claims only), by kind, created, id. Exactly
  one of `target_id` (an annotation of the same document) and `name` (a typed name) is set. An
  analyst (layer), label or date filter may leave a link's target annotation out of the file.
- A document line is written for each document in scope with exported annotations; without an
  analyst (layer), label or date filter, for every document in scope, so a full export carries
  the whole corpus.

The reviewed layer: its annotations (and the links the review made) carry `"layer": "reviewed"`
beside `"analyst"` (the layer's name in the exporting project): the marker, not the name, says
"reviewed layer", as a person may carry any name. Other records have no "layer" key.

Each annotation line is followed by its comments, in thread order (time, then as saved)::

    {"annotation_id": str, "author": name, "body": str, "created": time, "document_id": str,
     "id": str, "modified": time, "type": "comment"}

A claim in a talking point carries `"talking_point": {"id": str, "name": str}` (absent
otherwise); importing puts it into the talking point with that id, or else that name.

`modified` is when the comment was last edited in the exporting project (the newest "update"
in its history), else `created`; merging keeps the later version of a comment. After a
document's annotations come its review decisions (oldest first), whenever the export covers
the reviewed layer (no analyst filter, or one naming it)::

    {"decided": time, "decision": "first" | "second" | "both" | "reject" | "edit" | "agreed",
     "document_id": str, "first_layer": layer, "id": str, "results": [annotation id, ...],
     "reviewer": name, "second_layer": layer,
     "sources": [{"id": annotation id, "modified": time | ""}, ...], "type": "review_decision"}

A layer is {"analyst": name}, or {"analyst": name, "layer": "reviewed"} for the reviewed layer.
`sources` are the compared annotations and the version decided on ("" for a reviewed-layer
annotation); `results` the reviewed-layer annotations the decision left. Both may name
annotations the file does not hold (a filter, or a later deletion): they stay ids.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from annotator.core.export.atomic import atomic_text_file
from annotator.core.export.scope import (
    EVERYTHING,
    AnnotationRow,
    CommentRow,
    DecisionRow,
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

#: Characters some line splitters break on although JSON leaves them unescaped.
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def to_json(value: Any) -> str:
    """Compact JSON with sorted keys, UTF-8 text as is, and no raw line separators."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in _LINE_BREAKERS.items():
        if char in text:
            text = text.replace(char, escape)
    return text


def json_line(record: dict[str, Any]) -> str:
    return to_json(record) + "\n"


def document_record(document: DocumentRow, text: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "document",
        "id": document.id,
        "title": document.title,
        "source": document.source,
        "published": document.published,
        "imported_at": document.imported_at,
        "text_sha256": document.text_sha256,
        "outlet": document.outlet,
        "author": document.author,
        "url": document.url,
        "language": document.language,
        "page_starts": list(document.page_starts),
    }
    if text is not None:
        record["text"] = text
    return record


def _in_layer(record: dict[str, Any], analyst_id: str) -> dict[str, Any]:
    """The record, marked as the reviewed layer's if it is."""
    if analyst_id == REVIEWED_LAYER_ID:
        record["layer"] = REVIEWED_LAYER_ID
    return record


def annotation_record(
    document_id: str,
    row: AnnotationRow,
    links: list[LinkRow],
    talking_point: tuple[str, str] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "annotation",
        "id": row.id,
        "document_id": document_id,
        "analyst": row.analyst,
        "label": row.label,
        "label_role": row.label_role,
        "start": row.start,
        "end": row.end,
        "quote": row.quote,
        "prefix": row.prefix,
        "suffix": row.suffix,
        "sentiment": row.sentiment,
        "speaker_name": row.speaker_name,
        "note": row.note,
        "created": row.created,
        "modified": row.modified,
        "links": [
            _in_layer(
                {
                    "id": link.id,
                    "kind": link.kind,
                    "target_id": link.target_id,
                    "name": link.name,
                    "analyst": link.analyst,
                    "created": link.created,
                },
                link.analyst_id,
            )
            for link in links
        ],
    }
    if talking_point is not None:
        record["talking_point"] = {"id": talking_point[0], "name": talking_point[1]}
    return _in_layer(record, row.analyst_id)


def comment_record(document_id: str, comment: CommentRow) -> dict[str, Any]:
    return {
        "type": "comment",
        "id": comment.id,
        "document_id": document_id,
        "annotation_id": comment.annotation_id,
        "author": comment.author,
        "created": comment.created,
        "modified": comment.modified,
        "body": comment.body,
    }


def decision_record(document_id: str, decision: DecisionRow) -> dict[str, Any]:
    return {
        "type": "review_decision",
        "id": decision.id,
        "document_id": document_id,
        "reviewer": decision.reviewer,
        "decided": decision.decided,
        "decision": decision.decision,
        "first_layer": _in_layer({"analyst": decision.first_layer}, decision.first_layer_id),
        "second_layer": _in_layer({"analyst": decision.second_layer}, decision.second_layer_id),
        "sources": [{"id": a, "modified": m} for a, m in json.loads(decision.sources)],
        "results": json.loads(decision.results),
    }


def write_jsonl(
    scope: Scope,
    out: TextIO,
    *,
    include_text: bool = True,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Write the documents and annotations in scope, with their comments and review decisions;
    (annotations, documents) written."""
    count = documents = 0
    for document in scope.walk(progress):
        rows = scope.annotations(document.id)
        if not rows and scope.filter.narrows_annotations:
            continue
        text = scope.text(document.id) if include_text else None
        out.write(json_line(document_record(document, text)))
        documents += 1
        links = scope.links(document.id) if rows else {}
        comments = scope.comments(document.id) if rows else {}
        points = talking_points.points_in_document(scope.conn, document.id) if rows else {}
        for row in rows:
            point = points.get(AnnotationId(row.id))
            out.write(json_line(annotation_record(document.id, row, links.get(row.id, []), point)))
            for comment in comments.get(row.id, ()):
                out.write(json_line(comment_record(document.id, comment)))
        if scope.covers_reviewed_layer:
            for decision in scope.decisions(document.id):
                out.write(json_line(decision_record(document.id, decision)))
        count += len(rows)
    return count, documents


def export_jsonl(
    store: Store,
    path: Path | str,
    *,
    filter: ExportFilter = EVERYTHING,
    include_text: bool = True,
    progress: Progress | None = None,
) -> ExportResult:
    """Annotator JSON Lines (format above), written atomically to `path`."""
    with read_snapshot(store.conn):
        scope = Scope(store, filter)
        with atomic_text_file(Path(path), encoding="utf-8") as out:
            count, documents = write_jsonl(scope, out, include_text=include_text, progress=progress)
    return ExportResult(Path(path), "jsonl", count, documents)
