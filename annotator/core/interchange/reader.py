"""Reading an annotation file: Annotator JSON Lines or W3C Web Annotations, fully checked.

`open_annotation_file` decides the format from the content (not the file name) and returns an
`AnnotationStream`: JSON Lines (ours, or W3C annotations one per line) are read line by line as
the stream is consumed, so a file of any length takes little memory; a W3C collection, one
JSON document, is parsed whole. Every value is checked on the way; a problem raises
`AnnotationFileError` naming the file and the line or item at fault. Whoever applies the
stream does so in one transaction, so a broken or truncated file is refused as a whole.
`read_annotation_file` reads the whole stream into a `ParsedFile`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.interchange import jsonl, w3c
from annotator.core.interchange.model import (
    AnnotationFileError,
    AnnotationStream,
    ParsedFile,
    gathered,
)

#: Largest annotation file read (texts included): far beyond any real export, short of a crash.
MAX_FILE_BYTES = 512 * 1024 * 1024

#: A line as read: (number from 1, text without its line break, whether a line break ended it).
Line = tuple[int, str, bool]


def read_annotation_file(path: Path | str) -> ParsedFile:
    """Read and check a whole annotation file; raises AnnotationFileError if anything is wrong."""
    return gathered(open_annotation_file(path))


def open_annotation_file(path: Path | str) -> AnnotationStream:
    """Check the file's size and format; its records are read and checked as the stream's
    `items` are iterated. Raises AnnotationFileError for a file that cannot be read, is empty
    or is not in a format Annotator reads."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise AnnotationFileError(
                path, "", f"The file is larger than {MAX_FILE_BYTES // 2**20} MiB."
            )
    except OSError as exc:
        raise _unreadable(path, exc) from None
    lines = _lines(path)
    try:
        opening = next(line for line in lines if line[1].strip())
    except StopIteration:
        raise AnnotationFileError(path, "", "The file is empty.") from None
    first = opening[1].strip()
    if not first.startswith("{"):
        lines.close()
        raise _unknown_format(path)
    try:
        head: Any = loads(first)
    except RecursionError:
        lines.close()
        raise AnnotationFileError(
            path, "line 1", "The JSON is nested too deeply to be an annotation file."
        ) from None
    except ValueError:
        head = None  # not one JSON value per line: maybe one JSON document over many lines
    # JSON Lines: the first line as parsed already (it may hold a long text), then the rest.
    values = itertools.chain([(opening[0], head)], _json_lines(path, lines))
    if isinstance(head, dict) and head.get("type") in ("document", *jsonl.BELONGING):
        return AnnotationStream(path, "jsonl", jsonl.records(path, values))
    if isinstance(head, dict) and w3c.is_annotation(head):
        entries = ((f"line {n}", raw) for n, raw in values)
        return AnnotationStream(path, "w3c", w3c.records(path, entries))
    lines.close()
    whole = head if isinstance(head, dict) else _whole(path)
    if isinstance(whole, dict) and w3c.is_container(whole):
        return AnnotationStream(path, "w3c", w3c.records(path, w3c.items(path, whole)))
    if isinstance(whole, dict) and w3c.is_annotation(whole):  # one annotation, pretty-printed
        return AnnotationStream(path, "w3c", w3c.records(path, [("the annotation", whole)]))
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
    return _DECODER.decode(text)


def loads_line(path: Path, number: int, line: str, *, last: bool = False) -> Any:
    try:
        return loads(line)
    except (ValueError, RecursionError) as exc:
        problem = f"This line is not valid JSON ({_reason(exc)})."
        if last:
            problem += " It is the last line, unfinished: the file may have been cut off."
        raise AnnotationFileError(path, f"line {number}", problem) from None


def _json_lines(path: Path, lines: Iterable[Line]) -> Iterator[tuple[int, Any]]:
    """Each non-blank line as JSON; a broken last line without its newline was cut off."""
    for number, line, ended in lines:
        if line.strip():
            yield number, loads_line(path, number, line, last=not ended)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key “{key}” appears twice")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


# One decoder for every line (json.loads with these options would make one a line).
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg}, column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


def _unreadable(path: Path, exc: OSError) -> AnnotationFileError:
    return AnnotationFileError(path, "", f"Cannot read the file ({exc.strerror or exc}).")


def _lines(path: Path) -> Generator[Line, None, None]:
    """The file's lines, one at a time, decoded as UTF-8 (a byte-order mark is allowed).

    Split at "\\n" only, not as splitlines() would: JSON strings may hold U+2028 and other
    characters it splits on."""
    try:
        with path.open("rb") as file:
            for number, raw in enumerate(file, start=1):
                ended = raw.endswith(b"\n")
                if number == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise AnnotationFileError(
                        path, f"line {number}", "This line is not UTF-8 text."
                    ) from None
                yield number, line.rstrip("\n").rstrip("\r"), ended
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _whole(path: Path) -> Any:
    """The file as one JSON document (a W3C collection)."""
    text = "\n".join(line for _, line, _ in _lines(path))
    try:
        return loads(text)
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
