"""Their exported annotations, cleaned and read back record by record.

The interchange reader checks every value of an annotation file (types, ids, sizes, the same
limits as `import-annotations`) and refuses a whole file over one bad line. A merge instead
skips the bad record and merges the rest: when the whole file is refused, each document is
read again with its records (`_sift`), every record the reader refuses is left out and listed
with the reader's reason, and what remains is read as one file.

Before reading, control characters are removed from names (analysts, labels, speakers,
reviewers, a document's metadata) and from notes and comments, as importing does with text
(`normalise_text`), and counted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from annotator.core.errors import ProjectError
from annotator.core.export.jsonl import to_json
from annotator.core.importing import normalise_text
from annotator.core.interchange import AnnotationFileError, ParsedFile, read_annotation_file
from annotator.core.interchange.guard_rules import clean_prose
from annotator.core.merge.report import Refused

#: C1 controls (ESC's 8-bit forms…), which `normalise_text` leaves in running text.
_C1 = re.compile("[\x80-\x9f]")
#: Keys holding a one-line name, and keys holding running text, by record type.
_NAMES = {
    "document": ("title", "outlet", "author", "url", "language"),
    "annotation": ("analyst", "label", "sentiment", "speaker_name"),
    "comment": ("author",),
    "review_decision": ("reviewer",),
}
_PROSE = {"annotation": ("note",), "comment": ("body",)}
#: Re-reading the whole file after skipping records is given up after this many rounds.
_MAX_ROUNDS = 100
_LINE = re.compile(r"^line (\d+)")


def clean_names_and_notes(path: Path) -> int:
    """Rewrite the exported file at `path` without control characters in names and notes;
    return how many values changed."""
    changed = 0
    out: list[str] = []
    for line in _records(path):
        record = json.loads(line)
        before = changed
        kind = record.get("type")
        changed += _clean(record, _NAMES.get(kind, ()), _one_line)
        changed += _clean(record, _PROSE.get(kind, ()), _prose)
        for link in record.get("links") or ():
            changed += _clean(link, ("name", "analyst"), _one_line)
        for layer in ("first_layer", "second_layer"):
            changed += _clean(record.get(layer), ("analyst",), _one_line)
        out.append(to_json(record) if changed != before else line)
    if changed:
        path.write_text("".join(f"{line}\n" for line in out), encoding="utf-8")
    return changed


def read_sifted(path: Path, *, other: Path) -> tuple[ParsedFile, list[Refused]]:
    """Read the exported file; records the reader refuses are left out and returned."""
    if not _records(path):  # their project holds no document at all
        return ParsedFile(path, "jsonl", ()), []
    try:
        return read_annotation_file(path), []
    except AnnotationFileError:
        pass  # one record or more is refused: find which
    refused: list[Refused] = []
    kept: list[str] = []
    probe = path.with_name("probe.jsonl")
    for document, records in _by_document(_records(path)):
        lines, skipped = _sift(document, records, probe, other)
        kept += lines
        refused += skipped
    for _ in range(_MAX_ROUNDS):  # what only the whole file shows: an id used twice
        path.write_text("".join(f"{line}\n" for line in kept), encoding="utf-8")
        if not kept:
            return ParsedFile(path, "jsonl", ()), refused
        try:
            return read_annotation_file(path), refused
        except AnnotationFileError as exc:
            index = _index(exc, other)
            line = kept.pop(index)
            if json.loads(line).get("type") == "document":  # its records go with it
                while index < len(kept) and json.loads(kept[index]).get("type") != "document":
                    kept.pop(index)
            refused.append(_refused(line, exc.problem))
    raise ProjectError(
        f"{other} has too many damaged records to merge record by record; nothing was merged."
    )


def _sift(
    document: str, records: list[str], probe: Path, other: Path
) -> tuple[list[str], list[Refused]]:
    """The lines of one document that the reader accepts, and what it refused."""
    try:
        _probe(probe, [document])
    except AnnotationFileError as exc:
        count = sum(1 for line in records if json.loads(line).get("type") == "annotation")
        entry = _refused(document, f"{exc.problem} Its {count} annotation(s) were not merged.")
        return [], [entry]
    # Its text was checked once; without it, each retry reads little.
    head = {k: v for k, v in json.loads(document).items() if k != "text"}
    light = to_json(head)
    kept, refused, remaining = [document], [], records
    while remaining:
        try:
            _probe(probe, [light, *remaining])
        except AnnotationFileError as exc:
            bad = _index(exc, other) - 1  # line 1 is the document's
            if bad < 0:
                raise ProjectError(f"{exc.problem} Nothing was merged.") from None
            kept += remaining[:bad]
            refused.append(_refused(remaining[bad], exc.problem))
            remaining = remaining[bad + 1 :]
        else:
            kept += remaining
            break
    return kept, refused


def _probe(probe: Path, lines: list[str]) -> None:
    probe.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    read_annotation_file(probe)


def _index(exc: AnnotationFileError, other: Path) -> int:
    """The 0-based record the reader refused (its message names the line)."""
    # `exc.where` is overwritten with the file's path by ImportRefused: read the message.
    found = _LINE.match(str(exc).removeprefix(f"{exc.path}: "))
    if found is None:  # not about one record: the file as a whole
        raise ProjectError(f"{other} cannot be merged: {exc.problem} Nothing was merged.")
    return int(found.group(1)) - 1


def _records(path: Path) -> list[str]:
    # Not splitlines(): the exporter escapes the separators it would split on, and only those.
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def _by_document(lines: list[str]) -> list[tuple[str, list[str]]]:
    groups: list[tuple[str, list[str]]] = []
    for line in lines:
        if json.loads(line).get("type") == "document":
            groups.append((line, []))
        elif groups:
            groups[-1][1].append(line)
    return groups


def _refused(line: str, problem: str) -> Refused:
    record = json.loads(line)
    if not isinstance(record, dict):
        return Refused("record", "", "", problem)
    kind = str(record.get("type", "record")).replace("_", " ")
    ident = record.get("id")
    ident = ident if isinstance(ident, str) else json.dumps(ident)
    named = {"annotation": "quote", "comment": "body", "document": "title"}.get(kind, "")
    quote = record.get(named)
    return Refused(kind, ident, quote if isinstance(quote, str) else "", problem)


def _clean(record: Any, keys: tuple[str, ...], cleaner: Any) -> int:
    if not isinstance(record, dict):
        return 0
    changed = 0
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and (cleaned := cleaner(value)) != value:
            record[key] = cleaned
            changed += 1
    return changed


def _one_line(value: str) -> str:
    # Only a name that held a control character changes: others stay byte for byte.
    cleaned = _C1.sub("", normalise_text(value)[0])
    if cleaned == value and value.isprintable():
        return value
    return " ".join(cleaned.split())


def _prose(value: str) -> str:
    return clean_prose(value)  # as an import cleans notes and comments
