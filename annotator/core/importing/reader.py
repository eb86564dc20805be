"""Read one article file into an `ExtractedDocument`, or gather the files to import.

Files larger than `MAX_FILE_BYTES` (64 MiB) are refused before being read. Tests lower the
limit by monkeypatching `annotator.core.importing.reader.MAX_FILE_BYTES`.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from annotator.core.errors import ImportRefused
from annotator.core.importing.decoding import decode_bytes, decode_html_bytes
from annotator.core.importing.docx_text import docx_to_text
from annotator.core.importing.html_text import html_to_text
from annotator.core.importing.mojibake import repair_mojibake
from annotator.core.importing.normalise import normalise_text
from annotator.core.importing.report import ExtractedDocument, ImportReport

MAX_FILE_BYTES = 64 * 1024 * 1024
_FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
}
SUPPORTED_SUFFIXES = frozenset(_FORMATS)
_MAX_TITLE = 120
_NAME_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_MD_HEADING = re.compile(r"^ {0,3}#\s+(.*?)(?:\s+#+)?\s*$")


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n} bytes"


def _format_of(path: Path) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        kind = f"'{path.suffix}'" if path.suffix else "without an extension"
        raise ImportRefused(path, f"unsupported file type {kind} (supported: {supported})")
    return fmt


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, with every way of failing turned into a plain refusal."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ImportRefused(path, "this is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            # Reading a FIFO or device could block forever or never end.
            raise ImportRefused(path, "not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise ImportRefused(
                path,
                f"the file is too large ({_size(info.st_size)}); "
                f"the import limit is {_size(MAX_FILE_BYTES)}",
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ImportRefused(path, "the file does not exist") from None
    except PermissionError:
        raise ImportRefused(path, "permission denied: the file cannot be read") from None
    except IsADirectoryError:
        raise ImportRefused(path, "this is a folder, not a file") from None
    except OSError as exc:
        raise ImportRefused(path, f"the file cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:  # it grew since stat()
        raise ImportRefused(path, f"the file is larger than the {_size(MAX_FILE_BYTES)} limit")
    if not data:
        raise ImportRefused(path, "the file is empty")
    return data


def _date_from_name(path: Path) -> str | None:
    for found in _NAME_DATE.findall(path.name):
        try:
            return date.fromisoformat(found).isoformat()
        except ValueError:
            continue
    return None


def _fallback_title(path: Path) -> str:
    """A readable title from a file name: the date (kept as `published`) and dashes removed."""
    stem = re.sub(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)", " ", path.stem)
    words = re.sub(r"[-_\s]+", " ", stem).strip()
    if words and words == words.lower():
        words = " ".join(w[:1].upper() + w[1:] for w in words.split())
    return words or path.name


def _first_line_title(text: str, path: Path) -> str:
    """First non-empty line if short enough to be a headline, else the file name."""
    for line in text.split("\n"):
        if line.strip():
            line = line.strip()
            return line if len(line) <= _MAX_TITLE else _fallback_title(path)
    return _fallback_title(path)


def _markdown_title(text: str, path: Path) -> str:
    for line in text.split("\n"):
        match = _MD_HEADING.match(line)
        if match and match.group(1).strip():
            return match.group(1).strip()
    return _first_line_title(text, path)


def read_document(path: Path, *, encoding: str | None = None) -> ExtractedDocument:
    """Import one file; raise ImportRefused (with a plain reason) if it cannot be used."""
    path = Path(path)
    fmt = _format_of(path)
    data = _read_bytes(path)
    warnings: list[str] = []
    found_title = ""
    published: str | None = None
    if fmt == "docx":
        extracted = docx_to_text(data, path)
        body, found_title = extracted.text, extracted.title
        codec, detected = "docx", False
        if encoding is not None:
            warnings.append(f"encoding {encoding!r} ignored: .docx files carry their own")
    elif fmt == "html":
        markup, codec, detected, warnings = decode_html_bytes(data, encoding=encoding, source=path)
        page = html_to_text(markup)
        body, found_title, published = page.text, page.title, page.published
    else:
        body, codec, detected = decode_bytes(data, encoding=encoding, source=path)

    text, normalise_warnings = normalise_text(body)
    text, repairs = repair_mojibake(text)
    if not text.strip():
        raise ImportRefused(path, "no text found")

    if found_title:
        # Titles get the same clean-up silently: the report is about the text.
        title = repair_mojibake(normalise_text(found_title)[0].replace("\n", " "))[0].strip()
    elif fmt == "markdown":
        title = _markdown_title(text, path)
    elif fmt == "html":
        title = _fallback_title(path)
    else:
        title = _first_line_title(text, path)
    report = ImportReport(
        source=str(path),
        format=fmt,
        encoding=codec,
        encoding_detected=detected,
        repairs=repairs,
        warnings=warnings + normalise_warnings,
    )
    return ExtractedDocument(
        source=path,
        title=title or _fallback_title(path),
        text=text,
        published=published or _date_from_name(path),
        report=report,
    )


def _hidden(name: str) -> bool:
    return name.startswith(".")


def collect_files(paths: Sequence[Path]) -> tuple[list[Path], list[ImportRefused]]:
    """Expand folders (recursively, sorted, skipping hidden and unsupported files).

    Explicitly named files are kept as given; a missing path or an explicitly named file
    of an unsupported type is returned as a refusal instead.
    """
    files: list[Path] = []
    refused: list[ImportRefused] = []
    seen: set[Path] = set()

    def add(candidate: Path) -> None:
        key = candidate.resolve()
        if key not in seen:
            seen.add(key)
            files.append(candidate)

    def walk_error(error: OSError) -> None:
        where = error.filename or "?"
        refused.append(ImportRefused(where, f"the folder cannot be read ({error.strerror})"))

    for given in map(Path, paths):
        if given.is_dir():
            found: list[Path] = []
            for root, dirs, names in os.walk(given, onerror=walk_error):
                dirs[:] = sorted(d for d in dirs if not _hidden(d))
                found.extend(
                    Path(root) / name
                    for name in names
                    if not _hidden(name) and Path(name).suffix.lower() in SUPPORTED_SUFFIXES
                )
            for candidate in sorted(found):
                if candidate.is_file():
                    add(candidate)
        elif not given.exists():
            refused.append(ImportRefused(given, "the file or folder does not exist"))
        else:
            try:
                _format_of(given)
            except ImportRefused as exc:
                refused.append(exc)
            else:
                add(given)
    return files, refused
