"""PDF → text, page by page: the text layer, in reading order, with the page furniture removed.

`pdf_to_pages` returns one text per page and what goes between consecutive pages; the caller
joins them and records where each page starts. Each page's text stands alone (no word is
split between two pages).

**Where the work is done.** pdfminer.six runs in a child process (`pdf_worker.py`, started
with ``sys.executable -P``) under an address-space limit (`MEMORY_LIMIT`) and a time limit that
grows with the page count (`BASE_SECONDS` + `SECONDS_PER_PAGE` per page, at most
`MAX_SECONDS`, after which the child is killed): decompression bombs, page trees with millions
of pages, content streams that never end cost at most that, and the refusal says so. The child
returns the page's lines with their positions; everything below is done here, on those lines,
in plain Python (no pdfminer in this process). Tests lower the limits by monkeypatching the
module constants.

**Reading order.** Per page, a column gutter is looked for: the widest vertical strip crossed by
the fewest lines (at most a fifth of them), with lines on both sides side by side. Lines that
cross it (a headline, a standfirst, a full-width paragraph) cut the page into bands; in each band
the left column is read before the right one, and each side is searched again (three columns).
Lines that face each other row by row, one side of them short (under 15 characters), are a table
and read row by row.

**Paragraphs.** Lines in a column are joined with a space into paragraphs. A new paragraph starts
where the vertical gap is over 1.3 times the document's usual line pitch, where the type size
changes (headings stay on their own line), where the previous line stops over a third short of
the column's right edge, or stops short and ends a sentence (in justified text; in ragged text
only when the document does not mark paragraphs with space), at a first-line indent, at a
bullet or a numbered item, and between a short bold line and normal text. A paragraph goes on
across a column or page break when the text before the break does not end a sentence and the
text after it starts in lowercase, or the line before is running text (in a column of lines,
not clearly short) and the line after starts flush, not as a heading or an item. After a
sentence's end it never goes on: in a transcript, two turns must not become one.

**Hyphens at line ends.** A soft hyphen is removed. A hyphen between two lowercase letters is
dropped ("gov-" + "ernment" → "government") unless the document itself writes the hyphenated
form elsewhere and never the joined one, or the first part is one of a few prefixes that keep
their hyphen (self-, ex-, well-, half-, quasi-): "well-" + "known" → "well-known". When the joined
word appears elsewhere in the document, the hyphen is always dropped. Any other hyphen is kept
with no space: "Franco-" + "German", "COVID-" + "19". Chinese and Japanese lines are joined
without a space. A word hyphenated across a page break is moved whole to the next page.

**Page furniture.** The first and last two rows of each page (within its outer fifth) are
compared across pages with digits and Roman numerals made equal and case ignored; text found
there on at least half of the pages (and at least two, in a document of three pages or more)
is a running header or footer and is removed. Page numbers ("7", "- 7 -", "Page 7 of 12",
"vii", "7/12") in those rows are removed when at least half of the pages have one. An
occurrence much larger than the others (the title on the first page, repeated small in the
header of the others) is kept. Text at an angle
(watermarks, margin notes) and text outside the page's visible area are left out too; each is
listed in `left_out`.

**Characters.** Control characters (C0, C1, DEL) are removed, the typographic ligatures U+FB00–
U+FB06 spelled out ("ﬁ" → "fi": they are how the font drew the text, not the text), the symbol
font's bullet (U+F0B7) written "•", lone surrogates (broken font maps) written U+FFFD, runs
of spaces made one. Nothing else is changed.

**Joins** between pages: "\\n\\n" normally; " " when a paragraph runs on across the break
(including a hyphenated word, whose first half is moved to the next page); "" when it runs on
between Chinese/Japanese characters, after a dash written without a space, or inside a web
address broken after "/".
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from annotator.core.errors import ImportRefused, PasswordRequired
from annotator.core.importing.pdf_layout import (
    Vocabulary,
    lay_out,
    measure_spacing,
    page_join,
    paragraph_text,
    split_segments,
)
from annotator.core.importing.pdf_lines import Tally, quoted, read_pages, remove_furniture
from annotator.core.importing.report import SourceMeta
from annotator.core.limits import MAX_DOCUMENT_CHARS

MAX_PDF_BYTES = 64 * 1024 * 1024
MAX_PAGES = 2000
#: The document limit, checked page by page in the child so a long PDF stops early.
MAX_TEXT_CHARS = MAX_DOCUMENT_CHARS
MEMORY_LIMIT = 1536 * 1024 * 1024
MAX_SECONDS = 60.0
BASE_SECONDS = 10.0
SECONDS_PER_PAGE = 0.5
#: Extra time the parent allows past MAX_SECONDS (starting the child, passing the data).
_GRACE_SECONDS = 5.0
_WORKER = Path(__file__).with_name("pdf_worker.py")
_EXIT_MEMORY = 3  # pdf_worker.EXIT_MEMORY

SCANNED = "scanned PDF (no text layer): run OCR first, e.g. ocrmypdf, then import the result"
NO_TEXT = (
    "the PDF has no text layer (its pages are blank or their text is drawn as shapes): "
    "run OCR first, e.g. ocrmypdf, then import the result"
)
NO_UNICODE = (
    "the PDF's text cannot be read: its fonts do not say which characters they draw "
    "(no Unicode map); run OCR first, e.g. ocrmypdf --force-ocr, then import the result"
)
PASSWORD = "the PDF is password-protected: import it with --password"
WRONG_PASSWORD = (
    "the password is wrong: the PDF cannot be opened with it (check it and import again "
    "with --password)"
)


@dataclass
class PdfText:
    """A PDF's text, page by page (see the module docstring)."""

    #: One entry per page: that page's text, paragraphs separated by "\n".
    pages: list[str]
    #: len(pages) - 1 separators: what goes between page i and page i + 1.
    joins: list[str]
    meta: SourceMeta
    #: What was removed (running headers, page numbers…), one summary line each.
    left_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def pdf_to_pages(data: bytes, *, source: Path, password: str | None = None) -> PdfText:
    """Read the text layer of a PDF; raise ImportRefused with a plain reason if it cannot be."""
    if len(data) > MAX_PDF_BYTES:
        raise ImportRefused(
            source,
            f"the PDF is too large ({len(data) / 2**20:.0f} MiB); "
            f"the import limit is {MAX_PDF_BYTES / 2**20:.0f} MiB",
        )
    if b"%PDF-" not in data[:1024]:
        raise ImportRefused(source, "not a PDF file (it does not start with %PDF-)")
    raw = _run_worker(data, password, source)
    return _build(raw, source)


# --- the child process ---------------------------------------------------------------------------


def _too_complex(what: str) -> str:
    return (
        f"the PDF is too complex to read in reasonable time/memory ({what}); "
        "if it opens in a PDF viewer, print it to a new PDF and import that"
    )


def _command() -> list[str]:
    """The child's command line. -P: the worker's folder (which holds modules named like
    others, e.g. `report`) is not put on sys.path."""
    return [sys.executable, "-P", str(_WORKER)]


def _run_worker(data: bytes, password: str | None, source: Path) -> dict[str, Any]:
    settings = {
        "memory": MEMORY_LIMIT,
        "seconds": MAX_SECONDS,
        "base_seconds": BASE_SECONDS,
        "page_seconds": SECONDS_PER_PAGE,
        "max_pages": MAX_PAGES,
        "max_chars": MAX_TEXT_CHARS,
        "password": password or "",
    }
    payload = json.dumps(settings).encode("utf-8") + b"\n" + data
    try:
        child = subprocess.Popen(
            _command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise ImportRefused(source, f"the PDF reader could not be started ({exc})") from None
    try:
        out, err = child.communicate(payload, timeout=MAX_SECONDS + _GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise ImportRefused(
            source, _too_complex(f"reading it took over {MAX_SECONDS:g} s")
        ) from None
    finally:
        if child.poll() is None:  # interrupted (Ctrl+C): never leave the child running
            child.kill()
            child.wait()
    memory = f"it needed over {MEMORY_LIMIT / 2**30:.2g} GiB of memory"
    if child.returncode == _EXIT_MEMORY:
        raise ImportRefused(source, _too_complex(memory))
    if child.returncode < 0:  # killed: by the CPU limit or the system, out of memory
        stopped = f"the reader was stopped, signal {-child.returncode}"
        raise ImportRefused(source, _too_complex(stopped))
    try:
        raw: Any = json.loads(out)
        if not isinstance(raw, dict):
            raise ValueError("not an object")
    except ValueError:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise ImportRefused(
            source, f"the PDF reader failed (exit status {child.returncode}: {last[0][:200]})"
        ) from None
    if not raw.get("ok"):
        kind, detail = str(raw.get("kind", "")), str(raw.get("detail", ""))
        refused = PasswordRequired if kind in ("password", "wrong_password") else ImportRefused
        raise refused(source, _refusal(kind, detail, memory))
    return raw


def _refusal(kind: str, detail: str, memory: str) -> str:
    if kind == "password":
        return PASSWORD
    if kind == "wrong_password":
        return WRONG_PASSWORD
    if kind == "encryption":
        return (
            f"the PDF uses an encryption that cannot be read ({detail[:120]}): "
            "save an unprotected copy and import that"
        )
    if kind == "pages":
        return (
            f"the PDF has more than {MAX_PAGES} pages, the import limit: split it "
            "(e.g. qpdf --split-pages) and import the parts"
        )
    if kind == "text":
        return (
            f"the PDF holds more than {MAX_TEXT_CHARS:,} characters, the import limit: "
            "split it and import the parts"
        )
    if kind == "time":
        return _too_complex("reading it took longer than its page count allows")
    if kind == "memory":
        return _too_complex(memory)
    if kind == "complex":
        return _too_complex(detail or "its structure is nested too deeply")
    return f"the PDF is damaged: {detail or 'it cannot be read'}"


# --- metadata ------------------------------------------------------------------------------------

_PDF_DATE = re.compile(r"^\s*(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_FILE_NAME = re.compile(
    r"\.(?:docx?|pdf|rtf|odt|txt|indd|qxd|qxp|pages|wpd|pptx?|xlsx?|html?|tmp|ps|eps|tex|dvi)$",
    re.IGNORECASE,
)
_APP_PREFIX = re.compile(
    r"^(?:Microsoft (?:Word|PowerPoint|Excel)|Word|PowerPoint)\s*-\s*", re.IGNORECASE
)
_PLACEHOLDERS = frozenset(
    {
        "untitled",
        "title",
        "document",
        "no title",
        "powerpoint presentation",
        "slide 1",
        "(anonymous)",
        "anonymous",
        "unknown",
        "none",
        "null",
    }
)
_PLACEHOLDER_PATTERN = re.compile(
    r"^(?:doc(?:ument)?\s*\d*|untitled\s*\d*|print|output|temp|tmp|new document\s*\d*|"
    r"microsoft word document|scan\w*\s*\d*|img[_\-\s]?\d+|\d+)$",
    re.IGNORECASE,
)
_PLACEHOLDER_AUTHORS = frozenset(
    {
        "administrator",
        "admin",
        "user",
        "owner",
        "windows user",
        "microsoft office user",
        "(anonymous)",
        "anonymous",
        "unknown",
        "author",
    }
)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _plausible_title(text: str) -> str:
    title = " ".join(text.split())
    title = _APP_PREFIX.sub("", title).strip()
    if not title or len(title) > 300 or sum(ch.isalpha() for ch in title) < 2:
        return ""
    lowered = title.casefold()
    if lowered in _PLACEHOLDERS or _PLACEHOLDER_PATTERN.match(title) or _FILE_NAME.search(title):
        return ""
    if "/" in title and " " not in title or "\\" in title or re.match(r"^[A-Za-z]:", title):
        return ""  # a path
    if " " not in title and ("_" in title or len(title) > 40):
        return ""  # a file or job name
    return title


def _plausible_author(text: str) -> str:
    author = " ".join(text.split())
    if not author or len(author) > 200 or author.casefold() in _PLACEHOLDER_AUTHORS:
        return ""
    return author if sum(ch.isalpha() for ch in author) >= 2 else ""


def _date(text: str) -> str | None:
    for pattern in (_ISO_DATE, _PDF_DATE):
        match = pattern.match(text)
        if match and match.group(2) and match.group(3):
            try:
                found = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                continue
            if 1993 <= found.year <= 2100:  # PDF exists since 1993
                return found.isoformat()
    return None


def _meta(raw: dict[str, Any]) -> SourceMeta:
    meta = raw.get("meta") or {}
    info = {str(k): str(v) for k, v in (meta.get("info") or {}).items()}
    xmp = {str(k): str(v) for k, v in (meta.get("xmp") or {}).items()}
    title = _plausible_title(info.get("Title", "")) or _plausible_title(xmp.get("title", ""))
    published = None
    for text in (
        info.get("CreationDate", ""),
        xmp.get("created", ""),
        info.get("ModDate", ""),
        xmp.get("modified", ""),
        xmp.get("date", ""),
    ):
        published = _date(text)
        if published:
            break
    language = str(meta.get("lang") or xmp.get("language", "")).strip()
    return SourceMeta(
        title=title,
        published=published,
        author=_plausible_author(info.get("Author", "")),
        language=language if _LANGUAGE.match(language) else "",
    )


# --- putting it together -------------------------------------------------------------------------


def _page_list(numbers: Sequence[int]) -> str:
    """1-based page numbers, ranges collapsed: "3, 5, 7–9"."""
    parts: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if number is not None and previous is not None and number == previous + 1:
            previous = number
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = number
    return ", ".join(parts)


def _build(raw: dict[str, Any], source: Path) -> PdfText:
    tally = Tally()
    try:
        pages = read_pages(raw, tally)
    except (KeyError, TypeError, ValueError) as exc:
        raise ImportRefused(source, f"the PDF reader failed (unexpected result: {exc})") from None
    entries = [e for e in raw.get("pages", []) if "error" not in e]
    chars = sum(int(e.get("chars", 0)) for e in entries)
    unmapped = sum(int(e.get("unmapped", 0)) for e in entries)
    if unmapped and unmapped > chars:
        raise ImportRefused(source, NO_UNICODE)
    if not any(page.lines for page in pages):
        raise ImportRefused(source, SCANNED if any(p.images for p in pages) else NO_TEXT)

    warnings = [str(w) for w in raw.get("warnings", [])]
    for number, page in enumerate(pages, start=1):
        if page.error:
            warnings.append(f"page {number} could not be read and is left empty ({page.error})")
    blank = [n for n, p in enumerate(pages, start=1) if not p.lines and not p.error]
    if blank:
        scanned = all(pages[n - 1].images for n in blank)
        what = (
            "scanned images: run OCR first, e.g. ocrmypdf, to read them"
            if scanned
            else ("blank, or scanned")
        )
        warnings.append(f"no text on page {_page_list(blank)} ({what})")
    if unmapped:
        warnings.append(
            f"{unmapped} characters could not be read (fonts without a Unicode map) "
            "and are missing from the text"
        )
    if tally.controls:
        warnings.append(f"control characters removed: {tally.controls}")
    if tally.surrogates:
        warnings.append(f"broken characters (lone surrogates) written as �: {tally.surrogates}")
    if tally.ligatures:
        warnings.append(f"typographic ligatures spelled out (ﬁ → fi): {tally.ligatures}")
    vertical = [n for n, e in enumerate(raw.get("pages", []), start=1) if e.get("vertical")]
    if vertical:
        warnings.append(
            f"vertical writing on page {_page_list(vertical)}: its reading order may be wrong"
        )

    left_out = remove_furniture(pages)
    angled = [e for e in entries if e.get("angled")]
    if angled:
        samples = [str(e.get("angled_sample", "")) for e in angled]
        sample = next((s for s in samples if s), "")
        shown = f" {quoted(sample)}" if sample else ""
        left_out.append(
            f"text at an angle{shown} (watermarks, margin notes) on {len(angled)} "
            f"page{'s' if len(angled) > 1 else ''}"
        )
    outside = sum(int(e.get("outside", 0)) for e in entries)
    if outside:
        left_out.append(f"text outside the visible page area: {outside} characters")

    vocabulary = Vocabulary()
    for page in pages:
        for line in page.lines:
            vocabulary.add(line.text.replace("\u00ad", ""))
    segmented = [split_segments(page.lines) for page in pages]
    spacing = measure_spacing(segment for segments in segmented for segment in segments)
    layouts = [lay_out(segments, spacing) for segments in segmented]
    texts = [
        "\n".join(paragraph_text(paragraph, vocabulary) for paragraph in layout.paragraphs)
        for layout in layouts
    ]
    joins = [page_join(texts, i, layouts, vocabulary) for i in range(len(pages) - 1)]
    # Soft hyphens are invisible unless a line breaks there: gone once lines and pages are.
    texts = [text.replace("\u00ad", "") for text in texts]
    return PdfText(pages=texts, joins=joins, meta=_meta(raw), left_out=left_out, warnings=warnings)
