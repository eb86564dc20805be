"""Read one article file into an `ExtractedDocument`, or gather the files to import.

Files larger than `MAX_FILE_BYTES` (64 MiB) are refused before being read. Tests lower the
limit by monkeypatching `annotator.core.importing.reader.MAX_FILE_BYTES`.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from annotator.core import limits
from annotator.core.errors import ImportRefused
from annotator.core.importing.decoding import decode_html_bytes, decode_text
from annotator.core.importing.docx_text import docx_to_text
from annotator.core.importing.mojibake import repair_mojibake
from annotator.core.importing.names import readable_path
from annotator.core.importing.normalise import normalise_text
from annotator.core.importing.report import (
    ExtractedDocument,
    ImportReport,
    Original,
    Repair,
    SourceMeta,
)

MAX_FILE_BYTES = 64 * 1024 * 1024
_FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".mhtml": "mhtml",
    ".mht": "mhtml",
    ".pdf": "pdf",
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


@dataclass(frozen=True)
class ReadOptions:
    """How to read sources: the analyst's choices on the command line or in the window."""

    encoding: str | None = None  # decode text and HTML with this instead of detecting
    full_page: bool = False  # web pages: all visible text, not only the article
    password: str | None = None  # PDFs: the password of an encrypted file


_MEDIA_TYPES = {
    "text": "text/plain",
    "markdown": "text/markdown",
    "html": "text/html",
    "mhtml": "multipart/related",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def read_document(
    path: Path, *, encoding: str | None = None, options: ReadOptions | None = None
) -> ExtractedDocument:
    """Import one file; raise ImportRefused (with a plain reason) if it cannot be used."""
    path = Path(path)
    options = options or ReadOptions(encoding=encoding)
    fmt = _format_of(path)
    return read_source(_read_bytes(path), fmt, source=path, options=options)


def read_source(
    data: bytes,
    fmt: str,
    *,
    source: Path,
    options: ReadOptions | None = None,
    url: str = "",
    given: SourceMeta | None = None,
) -> ExtractedDocument:
    """Read the bytes of one source (a file's, or a page fetched from `url`) of format `fmt`.

    `given` is what is known from elsewhere (a feed item's title and date): used where the
    source itself says nothing. The original bytes are kept with the document. A file name's
    undecodable bytes are stored as U+FFFD (refusals keep the name as given, to read it again).
    """
    options = options or ReadOptions()
    shown = readable_path(source)
    encoding = options.encoding
    warnings: list[str] = []
    meta = SourceMeta()
    extraction = ""
    left_out: list[str] = []
    pieces: list[str]
    joins: list[str] = []
    if fmt == "docx":
        extracted = docx_to_text(data, source)
        pieces, meta.title = [extracted.text], extracted.title
        codec, detected = "docx", False
        if encoding is not None:
            warnings.append(f"encoding {encoding!r} ignored: .docx files carry their own")
    elif fmt in ("html", "mhtml"):
        markup_bytes, location = data, url
        if fmt == "mhtml":
            from annotator.core.importing.mhtml import mhtml_to_html

            markup_bytes, location, charset = mhtml_to_html(data)
            encoding = encoding or charset
            location = url or location
        markup, codec, detected, warnings = decode_html_bytes(
            markup_bytes, encoding=encoding, source=source
        )
        from annotator.core.importing.web_page import read_web_page  # loads trafilatura

        page = read_web_page(markup, url=location, full_page=options.full_page)
        pieces, meta, extraction, left_out = [page.text], page.meta, page.extraction, page.left_out
        if meta.title and not _starts_with_headline(page.text, meta.title):
            # The headline is what analysts quote first: it opens the text as its own line.
            pieces = [f"{meta.title.strip()}\n{page.text}"]
        warnings = warnings + page.warnings
    elif fmt == "pdf":
        from annotator.core.importing.pdf_text import pdf_to_pages

        pdf = pdf_to_pages(data, source=source, password=options.password)
        pieces, joins, meta, left_out = pdf.pages, pdf.joins, pdf.meta, pdf.left_out
        warnings = list(pdf.warnings)
        codec, detected = "pdf", False
        extraction = f"text layer of {len(pdf.pages)} page(s)"
        if encoding is not None:
            warnings.append(f"encoding {encoding!r} ignored: PDFs carry their own")
    else:
        body, codec, detected, warnings = decode_text(data, encoding=encoding, source=source)
        pieces = [body]

    text, page_starts, repairs, cleaned = _assemble(pieces, joins)
    if len(text) > limits.MAX_DOCUMENT_CHARS:
        raise ImportRefused(
            source,
            f"the document is too long: {len(text):,} characters, over the import limit of "
            f"{limits.MAX_DOCUMENT_CHARS:,}; split it and import the parts",
        )
    if not text.strip():
        if fmt == "pdf":
            raise ImportRefused(source, "scanned PDF (no text layer): run OCR first, then import")
        raise ImportRefused(source, "no text found")

    found_title = meta.title or (given.title if given else "")
    if found_title:
        # Titles get the same clean-up silently: the report is about the text.
        title = repair_mojibake(normalise_text(found_title)[0].replace("\n", " "))[0].strip()
    elif fmt == "markdown":
        title = _markdown_title(text, shown)
    elif fmt in ("html", "mhtml", "pdf"):
        title = _fallback_title(shown)
    else:
        title = _first_line_title(text, shown)
    if given is not None:
        meta = _completed(meta, given)
    report = ImportReport(
        source=url or str(shown),
        format=fmt,
        encoding=codec,
        encoding_detected=detected,
        repairs=repairs,
        warnings=warnings + cleaned,
        extraction=extraction,
        left_out=left_out,
    )
    return ExtractedDocument(
        source=shown,
        title=title or _fallback_title(shown),
        text=text,
        published=meta.published or _date_from_name(shown),
        report=report,
        meta=meta,
        page_starts=page_starts if fmt == "pdf" else [],
        original=Original(data=data, media_type=_MEDIA_TYPES[fmt], name=url or shown.name),
    )


def _starts_with_headline(text: str, title: str) -> bool:
    """Whether the extracted text already opens with the headline (in its first lines)."""
    head = " ".join(text[: len(title) + 400].split()).casefold()
    return " ".join(title.split()).casefold() in head


def _assemble(
    pieces: Sequence[str], joins: Sequence[str]
) -> tuple[str, list[int], list[Repair], list[str]]:
    """Normalise and repair each piece (a page) on its own, then join them, so that the
    offset where each piece starts is known in the final text (the page map)."""
    parts: list[str] = []
    starts: list[int] = []
    repairs: list[Repair] = []
    warnings: list[str] = []
    offset = 0
    for index, piece in enumerate(pieces):
        if index:
            join = joins[index - 1] if index - 1 < len(joins) else "\n\n"
            parts.append(join)
            offset += len(join)
        text, piece_warnings = normalise_text(piece)
        text, piece_repairs = repair_mojibake(text)
        starts.append(offset)
        repairs += [replace(r, offset=r.offset + offset) for r in piece_repairs]
        warnings += [w for w in piece_warnings if w not in warnings]
        parts.append(text)
        offset += len(text)
    return "".join(parts), starts, repairs, warnings


def _completed(meta: SourceMeta, given: SourceMeta) -> SourceMeta:
    """`meta` with its unknown fields taken from `given`."""
    return SourceMeta(
        title=meta.title or given.title,
        published=meta.published or given.published,
        author=meta.author or given.author,
        outlet=meta.outlet or given.outlet,
        url=meta.url or given.url,
        language=meta.language or given.language,
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
