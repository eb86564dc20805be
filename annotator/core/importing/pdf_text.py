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
import math
import re
import subprocess
import sys
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from annotator.core.errors import ImportRefused, PasswordRequired
from annotator.core.importing.report import SourceMeta

MAX_PDF_BYTES = 64 * 1024 * 1024
MAX_PAGES = 2000
MAX_TEXT_CHARS = 20_000_000
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


# --- lines ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of text on a page, in points from the top left corner of the visible area."""

    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    text: str


@dataclass
class _Page:
    width: float
    height: float
    lines: list[Line]
    images: int = 0
    error: str = ""


@dataclass
class _Tally:
    """Characters changed or dropped while cleaning line text (for the warnings)."""

    controls: int = 0
    ligatures: int = 0
    surrogates: int = 0


_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_SPACES = re.compile(" {2,}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_LIGATURE = re.compile("[\ufb00-\ufb06]")
_SYMBOL_BULLETS = {"\uf0b7": "•", "\uf0a7": "•", "\uf076": "•", "\uf0d8": "•"}


def _clean(text: str, tally: _Tally) -> str:
    text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    text, n = _CONTROLS.subn("", text)
    tally.controls += n
    text, n = _SURROGATE.subn("\ufffd", text)
    tally.surrogates += n
    if _LIGATURE.search(text):
        tally.ligatures += len(_LIGATURE.findall(text))
        text = _LIGATURE.sub(lambda m: _LIGATURES[m.group(0)], text)
    for symbol, bullet in _SYMBOL_BULLETS.items():
        if symbol in text:
            text = text.replace(symbol, bullet)
    return _SPACES.sub(" ", text).strip()


def _pages(raw: dict[str, Any], tally: _Tally) -> list[_Page]:
    pages: list[_Page] = []
    for entry in raw.get("pages", []):
        if "error" in entry:
            pages.append(_Page(0.0, 0.0, [], error=str(entry["error"])))
            continue
        lines = []
        for x0, top, x1, bottom, size, bold, text in entry["lines"]:
            text = _clean(str(text), tally)
            if text:
                lines.append(
                    Line(
                        float(x0),
                        float(top),
                        float(x1),
                        float(bottom),
                        float(size),
                        bool(bold),
                        text,
                    )
                )
        pages.append(
            _Page(float(entry["width"]), float(entry["height"]), lines, int(entry["images"]))
        )
    return pages


# --- running headers, footers and page numbers ---------------------------------------------------

# A well-formed Roman numeral (not any word of the letters i, v, x, l, c, d, m: "civil").
_ROMAN_NUMERAL = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_ROMAN = re.compile(rf"\b{_ROMAN_NUMERAL}\b")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—|·•]*"
    r"(?:(?:page|pg\.?|p\.|seite|página|pagina|стр\.?|страница|сторінка|第)\s*)?"
    rf"(?:\d{{1,4}}|{_ROMAN_NUMERAL})"
    r"(?:\s*(?:/|of|из|von|de|sur|di|з)\s*\d{1,4})?"
    r"\s*(?:页|頁|ページ)?"
    r"[\s\-–—|·•]*$",
    re.IGNORECASE,
)
_MARGIN_ROWS = 2
_MARGIN_SHARE = 0.2
_MIN_FURNISHED = 3  # pages a document needs before repeated text is taken for a header


def _key(text: str) -> str:
    key = _DIGITS.sub("#", text.casefold())
    key = _ROMAN.sub(lambda m: "#" if m.group(0) else "", key)
    return " ".join(key.split())


def _rows(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines grouped into rows (top to bottom), each row left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        if rows and line.top - rows[-1][0].top < 0.4 * max(line.size, rows[-1][0].size):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda ln: ln.x0) for row in rows]


def _margin_lines(page: _Page) -> list[tuple[str, Line]]:
    """("header" | "footer", line) for the lines in the page's first and last rows."""
    rows = _rows(page.lines)
    found: list[tuple[str, Line]] = []
    seen: set[int] = set()
    for zone, chosen in (("header", rows[:_MARGIN_ROWS]), ("footer", rows[-_MARGIN_ROWS:])):
        for row in chosen:
            centre = (row[0].top + row[0].bottom) / 2
            outer = (
                centre < page.height * _MARGIN_SHARE
                if zone == "header"
                else (centre > page.height * (1 - _MARGIN_SHARE))
            )
            if not outer or id(row) in seen:
                continue
            seen.add(id(row))
            found.extend((zone, line) for line in row)
    return found


def _quote(text: str) -> str:
    return "'" + (text if len(text) <= 60 else text[:57] + "…") + "'"


def _remove_furniture(pages: list[_Page]) -> list[str]:
    """Remove running headers/footers and page numbers in place; return the left_out lines.

    An occurrence set much larger than the others (the title on the first page, repeated
    small in the header of the others) is kept."""
    total = sum(1 for p in pages if p.lines)
    if total < 2:
        return []
    needed = max(2, math.ceil(total / 2))
    found: dict[tuple[str, str], list[tuple[int, Line]]] = {}
    numbers: list[tuple[int, Line]] = []
    for index, page in enumerate(pages):
        for zone, line in _margin_lines(page):
            if _PAGE_NUMBER.match(line.text):
                numbers.append((index, line))
            else:
                found.setdefault((zone, _key(line.text)), []).append((index, line))

    def on_pages(occurrences: list[tuple[int, Line]]) -> int:
        return len({index for index, _ in occurrences})

    drop: set[int] = set()
    left_out: list[str] = []
    for zone in ("header", "footer"):
        for key, occurrences in found.items():
            # Text (not a page number) is furniture only in documents of three pages or more:
            # the first lines of a two-page text repeated on both are as likely its body.
            if key[0] != zone or on_pages(occurrences) < needed or total < _MIN_FURNISHED:
                continue
            usual = _median([line.size for _, line in occurrences], 0.0)
            removed = [(i, line) for i, line in occurrences if line.size <= 1.3 * usual]
            drop.update(id(line) for _, line in removed)
            shown = _quote(removed[0][1].text)
            left_out.append(f"running {zone} {shown} on {on_pages(removed)} of {total} pages")
    if on_pages(numbers) >= needed:
        drop.update(id(line) for _, line in numbers)
        left_out.append(f"page numbers on {on_pages(numbers)} pages")
    for page in pages:
        if any(id(line) in drop for line in page.lines):
            page.lines = [line for line in page.lines if id(line) not in drop]
    return left_out


# --- reading order -------------------------------------------------------------------------------


def _median(values: Sequence[float], default: float) -> float:
    """The (lower) median: of a line gap and a paragraph gap, the line gap."""
    if not values:
        return default
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def _gutter(lines: Sequence[Line]) -> float | None:
    """The x of the gutter between two columns, or None (see the module docstring)."""
    lo = min(line.x0 for line in lines)
    hi = max(line.x1 for line in lines)
    width = hi - lo
    if width <= 0:
        return None
    size = _median([line.size for line in lines], 10.0)
    events: dict[float, int] = {}
    for line in lines:
        events[line.x0] = events.get(line.x0, 0) + 1
        events[line.x1] = events.get(line.x1, 0) - 1
    edges = sorted(events)
    # Elementary strips between consecutive edges, and how many lines cover each.
    strips: list[tuple[float, float, int]] = []
    count = 0
    for left, right in zip(edges, edges[1:], strict=False):
        count += events[left]
        middle = (left + right) / 2
        if lo + 0.15 * width <= middle <= hi - 0.15 * width:
            strips.append((left, right, count))
    if not strips:
        return None
    least = min(c for _, _, c in strips)
    runs: list[tuple[float, float]] = []
    for left, right, c in strips:
        if c != least:
            continue
        if runs and runs[-1][1] == left:
            runs[-1] = (runs[-1][0], right)
        else:
            runs.append((left, right))
    start, end = max(runs, key=lambda run: (run[1] - run[0], -run[0]))
    if end - start < 0.6 * size or least > max(2, 0.2 * len(lines)):
        return None
    middle = (start + end) / 2
    left_lines = [line for line in lines if line.x1 <= middle]
    right_lines = [line for line in lines if line.x0 >= middle]
    if len(left_lines) < 2 or len(right_lines) < 2:
        return None
    overlap = min(max(ln.bottom for ln in left_lines), max(ln.bottom for ln in right_lines)) - max(
        min(ln.top for ln in left_lines), min(ln.top for ln in right_lines)
    )
    if overlap < 2 * size:
        return None
    if _is_table(left_lines, right_lines):
        return None
    return middle


def _is_table(left: Sequence[Line], right: Sequence[Line]) -> bool:
    """Lines that face each other row by row, one side of short cells: a table, read by rows
    (two columns of running text line up too, but both hold long lines)."""
    fewer, more = (left, right) if len(left) <= len(right) else (right, left)
    tops = sorted(line.top for line in more)
    aligned = 0
    for line in fewer:
        i = bisect_right(tops, line.top - 0.3 * line.size)
        if i < len(tops) and tops[i] - line.top <= 0.3 * line.size:
            aligned += 1
    if aligned < 0.7 * len(fewer):
        return False
    return min(_median([len(ln.text) for ln in side], 0) for side in (left, right)) < 15


def _segments(lines: Sequence[Line], depth: int = 0) -> list[list[Line]]:
    """The page's lines in reading order, as runs read top to bottom (a column, or the part of
    a column between full-width lines)."""
    if not lines:
        return []
    gutter = _gutter(lines) if len(lines) >= 4 and depth < 4 else None
    if gutter is None:
        return [[line for row in _rows(lines) for line in row]]
    spanning = sorted(
        (ln for ln in lines if ln.x0 < gutter < ln.x1), key=lambda ln: (ln.top, ln.x0)
    )
    centres = [(ln.top + ln.bottom) / 2 for ln in spanning]
    bands: list[tuple[list[Line], list[Line]]] = [([], []) for _ in range(len(spanning) + 1)]
    for line in lines:
        if line.x0 < gutter < line.x1:
            continue
        band = bands[bisect_right(centres, (line.top + line.bottom) / 2)]
        (band[0] if line.x1 <= gutter else band[1]).append(line)
    segments: list[list[Line]] = []
    for index, (left, right) in enumerate(bands):
        segments += _segments(left, depth + 1)
        segments += _segments(right, depth + 1)
        if index < len(spanning):
            if index and segments and segments[-1][-1] is spanning[index - 1]:
                segments[-1].append(spanning[index])  # nothing between: one run
            else:
                segments.append([spanning[index]])
    return [segment for segment in segments if segment]


# --- paragraphs ----------------------------------------------------------------------------------

_CLOSERS = "\"'”’»)]}›"
_TERMINAL = ".!?:;…。！？：；"
_BULLET = re.compile(r"^[•▪◦●■□➢►‣∙·*–—-]\s")
_NUMBERED = re.compile(r"^(?:\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?[ivx]{1,5}[.)])\s", re.IGNORECASE)
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)


@dataclass(frozen=True)
class _Column:
    """The extent of one segment, for judging its lines."""

    left: float
    right: float
    justified: bool
    lines: int

    @property
    def width(self) -> float:
        return self.right - self.left


def _column(segment: Sequence[Line]) -> _Column:
    left = min(line.x0 for line in segment)
    right = max(line.x1 for line in segment)
    body = segment[:-1]
    size = _median([line.size for line in segment], 10.0)
    full = sum(1 for line in body if line.x1 >= right - 0.5 * size)
    return _Column(left, right, len(body) >= 3 and full >= 0.6 * len(body), len(segment))


def _terminal(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS + " ")
    return bool(stripped) and stripped[-1] in _TERMINAL


def _ends_hyphen(text: str) -> bool:
    return len(text) >= 2 and text[-1] in "-\u2010\u00ad" and text[-2].isalpha()


def _short(line: Line, column: _Column, share: float) -> bool:
    """Whether the line stops short of the column's right edge by more than `share` of it
    (only judged in columns wide enough to be running text)."""
    if column.width < 12 * line.size:
        return False
    return line.x1 < column.right - share * column.width


def _item(text: str) -> bool:
    return bool(_BULLET.match(text) or _NUMBERED.match(text))


def _different(a: Line, b: Line) -> bool:
    """Different type: size changed, or a bold line next to a normal one."""
    return abs(a.size - b.size) > 0.12 * max(a.size, b.size) or a.bold != b.bold


def _breaks(a: Line, b: Line, column: _Column, spacing: _Spacing) -> bool:
    """Whether `b` starts a new paragraph after `a`, within one column."""
    if abs(b.top - a.top) < 0.4 * max(a.size, b.size):
        return False  # the same row
    if abs(a.size - b.size) > 0.12 * max(a.size, b.size):
        return True
    if a.bold != b.bold and (_short(a if a.bold else b, column, 0.15)):
        return True
    if b.top - a.top > 1.3 * spacing.pitch * a.size:
        return True
    if _short(a, column, 0.35):
        return True
    # A sentence ends short of the right edge; not an abbreviation ("e.g.") before lowercase.
    ends = _terminal(a.text) and not b.text[:1].islower()
    if ends and not spacing.spaced and _short(a, column, 0.15):
        return True
    if ends and column.justified and a.x1 < column.right - 1.5 * a.size:
        return True
    indented = b.x0 > column.left + 0.8 * b.size and b.x0 > a.x0 + 0.8 * b.size
    if indented and (ends or a.x1 < column.right - 1.5 * a.size):
        return True
    return _item(b.text) and (ends or _short(a, column, 0.05) or b.x0 < a.x0 - 0.8 * b.size)


def _runs_on(a: Line, column_a: _Column, b: Line, column_b: _Column) -> bool:
    """Whether the paragraph ending a column (or page) with `a` continues with `b`."""
    if _different(a, b) or _item(b.text):
        return False
    first = b.text[:1]
    if _ends_hyphen(a.text) and first.isalnum():
        return True
    if _terminal(a.text):
        return False
    if _CJK.match(a.text[-1]) and _CJK.match(first):
        return True
    if first.islower():
        return True
    # Not a sentence's end, then a capital: the paragraph goes on when the line before it is
    # running text (a column of lines, the line not clearly short: not a heading or caption)
    # and the line after it starts flush.
    running = column_a.lines > 1 and not _short(a, column_a, 0.35)
    indented = b.x0 > column_b.left + 0.8 * b.size
    return running and not indented and (first.isalnum() or first in "\"'“‘«(")


_WORD = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)*")
_LAST_LETTERS = re.compile(r"[^\W\d_]+$")
_FIRST_LETTERS = re.compile(r"^[^\W\d_]+")
_KEEP_HYPHEN_AFTER = frozenset({"self", "ex", "well", "half", "quasi"})


@dataclass
class _Vocabulary:
    """The document's own words: evidence for rejoining words hyphenated at line ends."""

    words: set[str] = field(default_factory=set)
    hyphenated: set[str] = field(default_factory=set)

    def add(self, text: str) -> None:
        for token in _WORD.findall(text):
            token = token.casefold()
            if "-" in token or "\u2010" in token:
                self.hyphenated.add(token.replace("\u2010", "-"))
            else:
                self.words.add(token)

    def drop_hyphen(self, first: str, second: str) -> bool:
        """Whether "first-" at a line end + "second…" is one word hyphenated by the layout."""
        if not (first and second and first[-1].islower() and second[0].islower()):
            return False
        joined = (first + second).casefold()
        if joined in self.words:
            return True
        if f"{first}-{second}".casefold() in self.hyphenated:
            return False
        return first.casefold() not in _KEEP_HYPHEN_AFTER


def _glue(before: str, after: str, vocabulary: _Vocabulary) -> tuple[str, str]:
    """How `before` (text ending a line) and `after` (the next line) are joined: returns
    (`before` as kept, separator): " ", or "" after a hyphen (dropped or kept), between
    Chinese/Japanese characters, after a dash with no space before it, inside a web address."""
    if before.endswith("\u00ad"):
        return before[:-1], ""
    if _ends_hyphen(before) and after[:1].isalnum():
        first = _LAST_LETTERS.search(before[:-1])
        second = _FIRST_LETTERS.match(after)
        if first and second and vocabulary.drop_hyphen(first.group(0), second.group(0)):
            return before[:-1], ""
        return before, ""  # a real hyphen: "Franco-German", "COVID-19"
    if before[-1] in "–—" and len(before) >= 2 and not before[-2].isspace():
        return before, ""
    if _CJK.match(before[-1]) and _CJK.match(after[:1]):
        return before, ""
    if before.endswith("/") and ("://" in before or "www." in before):
        last = before.rsplit(" ", 1)[-1]
        if "://" in last or last.startswith("www."):
            return before, ""
    return before, " "


def _paragraph_text(lines: Sequence[Line], vocabulary: _Vocabulary) -> str:
    parts = [lines[0].text]
    for line in lines[1:]:
        parts[-1], separator = _glue(parts[-1], line.text, vocabulary)
        if separator:
            parts.append(separator)
        parts.append(line.text)
    return "".join(parts)


@dataclass
class _Layout:
    """A page's paragraphs and what its first and last lines look like (for page joins)."""

    paragraphs: list[list[Line]]
    first: tuple[Line, _Column] | None = None
    last: tuple[Line, _Column] | None = None


@dataclass(frozen=True)
class _Spacing:
    """The document's usual distance between lines (in multiples of the type size), and
    whether it separates paragraphs with space (then a gap is the sign to trust)."""

    pitch: float
    spaced: bool


def _spacing(segments: Iterable[list[Line]]) -> _Spacing:
    ratios = []
    for segment in segments:
        for a, b in zip(segment, segment[1:], strict=False):
            if abs(a.size - b.size) <= 0.05 * a.size and a.size > 0:
                ratio = (b.top - a.top) / a.size
                if 0.8 <= ratio <= 3:
                    ratios.append(ratio)
    pitch = _median(ratios, 1.2)
    gaps = sum(1 for ratio in ratios if ratio > 1.3 * pitch)
    return _Spacing(pitch, gaps >= max(2, 0.05 * len(ratios)))


def _layout(segments: list[list[Line]], spacing: _Spacing) -> _Layout:
    paragraphs: list[list[Line]] = []
    previous: tuple[Line, _Column] | None = None
    first: tuple[Line, _Column] | None = None
    for segment in segments:
        column = _column(segment)
        if first is None:
            first = (segment[0], column)
        if previous is not None and _runs_on(previous[0], previous[1], segment[0], column):
            paragraphs[-1].append(segment[0])
        else:
            paragraphs.append([segment[0]])
        for a, b in zip(segment, segment[1:], strict=False):
            if _breaks(a, b, column, spacing):
                paragraphs.append([b])
            else:
                paragraphs[-1].append(b)
        previous = (segment[-1], column)
    return _Layout(paragraphs, first, previous)


def _page_join(
    texts: list[str], index: int, layouts: Sequence[_Layout], vocabulary: _Vocabulary
) -> str:
    """The separator between page `index` and the next; a word hyphenated across the break
    is moved whole to the next page (so each page's text stands alone)."""
    before, after = layouts[index].last, layouts[index + 1].first
    end, start = texts[index], texts[index + 1]
    if before is None or after is None or not end or not start:
        return "\n\n"
    if not _runs_on(before[0], before[1], after[0], after[1]):
        return "\n\n"
    kept, separator = _glue(end, start, vocabulary)
    if _ends_hyphen(end) and start[:1].isalnum():
        half = _LAST_LETTERS.search(end[:-1])
        cut = half.start() if half else len(end) - 1
        texts[index] = end[:cut].rstrip()
        texts[index + 1] = kept[cut:] + start
        return " " if texts[index] else ""
    texts[index] = kept
    return separator


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
    tally = _Tally()
    try:
        pages = _pages(raw, tally)
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

    left_out = _remove_furniture(pages)
    angled = [e for e in entries if e.get("angled")]
    if angled:
        samples = [str(e.get("angled_sample", "")) for e in angled]
        sample = next((s for s in samples if s), "")
        shown = f" {_quote(sample)}" if sample else ""
        left_out.append(
            f"text at an angle{shown} (watermarks, margin notes) on {len(angled)} "
            f"page{'s' if len(angled) > 1 else ''}"
        )
    outside = sum(int(e.get("outside", 0)) for e in entries)
    if outside:
        left_out.append(f"text outside the visible page area: {outside} characters")

    vocabulary = _Vocabulary()
    for page in pages:
        for line in page.lines:
            vocabulary.add(line.text.replace("\u00ad", ""))
    segmented = [_segments(page.lines) for page in pages]
    spacing = _spacing(segment for segments in segmented for segment in segments)
    layouts = [_layout(segments, spacing) for segments in segmented]
    texts = [
        "\n".join(_paragraph_text(paragraph, vocabulary) for paragraph in layout.paragraphs)
        for layout in layouts
    ]
    joins = [_page_join(texts, i, layouts, vocabulary) for i in range(len(pages) - 1)]
    # Soft hyphens are invisible unless a line breaks there: gone once lines and pages are.
    texts = [text.replace("\u00ad", "") for text in texts]
    return PdfText(pages=texts, joins=joins, meta=_meta(raw), left_out=left_out, warnings=warnings)
