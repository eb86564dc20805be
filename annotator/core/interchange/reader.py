"""Reading an annotation file: Annotator JSON Lines or W3C Web Annotations, fully checked.

`read_annotation_file` decides the format from the content (not the file name), checks every
value and returns a `ParsedFile`, or raises `AnnotationFileError` naming the file and the line or
item at fault. It reads the whole file before anything is stored, so a broken or truncated file
is refused as a whole.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from annotator.core.codebook import ROLES
from annotator.core.interchange import w3c
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
    AnnotationFileError,
    LayerRef,
    ParsedAnnotation,
    ParsedComment,
    ParsedDecision,
    ParsedDocument,
    ParsedFile,
    ParsedLink,
)
from annotator.core.records import DECISIONS, LINK_KINDS
from annotator.core.store.documents import text_hash

#: Largest annotation file read (texts included): far beyond any real export, short of a crash.
MAX_FILE_BYTES = 512 * 1024 * 1024


def read_annotation_file(path: Path | str) -> ParsedFile:
    """Read and check an annotation file; raises AnnotationFileError if anything is wrong."""
    path = Path(path)
    lines = _lines(path)
    first = next((line.strip() for _, line in lines if line.strip()), "")
    if not first:
        raise AnnotationFileError(path, "", "The file is empty.")
    if not first.startswith("{"):
        raise _unknown_format(path)
    try:
        head: Any = loads(first)
    except RecursionError:
        raise AnnotationFileError(
            path, "line 1", "The JSON is nested too deeply to be an annotation file."
        ) from None
    except ValueError:
        head = None  # not one JSON value per line: maybe one JSON document over many lines
    if isinstance(head, dict) and head.get("type") in ("document", *_BELONGING):
        return _read_jsonl(path, lines)
    if isinstance(head, dict) and w3c.is_annotation(head):
        return w3c.parse(path, [(f"line {n}", raw) for n, raw in _json_lines(path, lines)])
    whole = head if isinstance(head, dict) else _whole(path, lines)
    if isinstance(whole, dict) and w3c.is_container(whole):
        return w3c.parse(path, w3c.items(path, whole))
    if isinstance(whole, dict) and w3c.is_annotation(whole):  # one annotation, pretty-printed
        return w3c.parse(path, [("the annotation", whole)])
    raise _unknown_format(path)


def _unknown_format(path: Path) -> AnnotationFileError:
    return AnnotationFileError(
        path,
        "",
        "This is not an annotation file Annotator reads: expected Annotator JSON Lines "
        "(a “document” line, then its “annotation” lines) or W3C Web Annotations "
        "(an AnnotationCollection, or Annotations one per line).",
    )


# -- JSON, strictly -----------------------------------------------------------------------------


def loads(text: str) -> Any:
    """json.loads refusing what JSON does not allow (NaN, Infinity) and duplicate keys."""
    return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def loads_line(path: Path, number: int, line: str, *, last: bool = False) -> Any:
    try:
        return loads(line)
    except (ValueError, RecursionError) as exc:
        problem = f"This line is not valid JSON ({_reason(exc)})."
        if last:
            problem += " It is the last line, unfinished: the file may have been cut off."
        raise AnnotationFileError(path, f"line {number}", problem) from None


def _json_lines(path: Path, lines: list[tuple[int, str]]) -> list[tuple[int, Any]]:
    """Each non-blank line as JSON; a broken last line without its newline was cut off."""
    final = lines[-1][0]
    return [(n, loads_line(path, n, s, last=n == final)) for n, s in lines if s.strip()]


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key “{key}” appears twice")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg}, column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


def _lines(path: Path) -> list[tuple[int, str]]:
    """The file's lines, numbered from 1, decoded as UTF-8 (a byte-order mark is allowed)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise AnnotationFileError(
                path, "", f"The file is larger than {MAX_FILE_BYTES // 2**20} MiB."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise AnnotationFileError(
            path, "", f"Cannot read the file ({exc.strerror or exc})."
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AnnotationFileError(path, f"line {line}", "This line is not UTF-8 text.") from None
    # Not splitlines(): JSON strings may hold U+2028 and other characters it splits on.
    return [(n, line.rstrip("\r")) for n, line in enumerate(text.split("\n"), start=1)]


def _whole(path: Path, lines: list[tuple[int, str]]) -> Any:
    try:
        return loads("\n".join(line for _, line in lines))
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}"
        problem = f"The file is not valid JSON ({_reason(exc)})."
        # A JSON document ends with its closing bracket; without one it was cut short.
        if not exc.doc.rstrip().endswith(("}", "]")):
            problem += " It ends too early: it may have been cut off while being copied."
        raise AnnotationFileError(path, where, problem) from None
    except (ValueError, RecursionError) as exc:
        raise AnnotationFileError(
            path, "", f"The file is not valid JSON ({_reason(exc)})."
        ) from None


# -- Annotator JSON Lines -------------------------------------------------------------------------


#: Line types after the document line they belong to, with how each is named in messages.
_BELONGING = {
    "annotation": "An annotation",
    "comment": "A comment",
    "review_decision": "A review decision",
}


def _read_jsonl(path: Path, lines: list[tuple[int, str]]) -> ParsedFile:
    documents: list[ParsedDocument] = []
    annotations: list[ParsedAnnotation] = []
    decisions: list[ParsedDecision] = []
    comments: list[ParsedComment] = []
    current: ParsedDocument | None = None
    # Ids of documents, annotations, links, comments and decisions: each once per file.
    seen: set[str] = set()

    def close() -> None:
        if current is not None:
            documents.append(_with_records(current, annotations, decisions))
            annotations.clear()
            decisions.clear()

    for number, raw in _json_lines(path, lines):
        fields = Fields(raw, path=path, where=f"line {number}")
        kind = fields.value("type")
        if kind == "document":
            close()
            current = _document(fields)
            _once(fields, seen, current.id or "", "document id")
            _once(fields, seen, current.text_sha256, "document text (text_sha256)")
            continue
        if not isinstance(kind, str) or kind not in _BELONGING:
            raise fields.error(
                f"Unknown line type {kind!r}: expected “document”, “annotation”, “comment” "
                "or “review_decision”."
            )
        if current is None:
            raise fields.error(f"{_BELONGING[kind]} comes before any “document” line.")
        if fields.uuid("document_id") != current.id:
            raise fields.error("“document_id” is not the id of the document line above it.")
        if kind == "annotation":
            annotation = _annotation(fields)
            _once(fields, seen, annotation.id, "annotation id")
            for link in annotation.links:
                _once(fields, seen, link.id, "link id")
            annotations.append(annotation)
        elif kind == "comment":
            comment = _comment(fields)
            _once(fields, seen, comment.id, "comment id")
            comments.append(comment)
        else:
            decision = _decision(fields)
            _once(fields, seen, decision.id, "review decision id")
            decisions.append(decision)
    close()
    return ParsedFile(path, "jsonl", tuple(documents), tuple(comments))


def _once(fields: Fields, seen: set[str], key: str, what: str) -> None:
    if key in seen:
        raise fields.error(f"The same {what} appears twice in the file: {key}.")
    seen.add(key)


def _with_records(
    doc: ParsedDocument, annotations: list[ParsedAnnotation], decisions: list[ParsedDecision]
) -> ParsedDocument:
    return dataclasses.replace(doc, annotations=tuple(annotations), decisions=tuple(decisions))


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
    )


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
