"""A PDF page's lines as the child process reads them (cleaned), and the page furniture
(running headers, footers, page numbers) removed from them; see `pdf_text` for the rules."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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
class PdfPage:
    width: float
    height: float
    lines: list[Line]
    images: int = 0
    error: str = ""


@dataclass
class Tally:
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


def clean_text(text: str, tally: Tally) -> str:
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


def read_pages(raw: dict[str, Any], tally: Tally) -> list[PdfPage]:
    pages: list[PdfPage] = []
    for entry in raw.get("pages", []):
        if "error" in entry:
            pages.append(PdfPage(0.0, 0.0, [], error=str(entry["error"])))
            continue
        lines = []
        for x0, top, x1, bottom, size, bold, text in entry["lines"]:
            text = clean_text(str(text), tally)
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
            PdfPage(float(entry["width"]), float(entry["height"]), lines, int(entry["images"]))
        )
    return pages


def lower_median(values: Sequence[float], default: float) -> float:
    """The (lower) median: of a line gap and a paragraph gap, the line gap."""
    if not values:
        return default
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


# --- running headers, footers and page numbers ---------------------------------------------------

# A well-formed Roman numeral (not any word of the letters i, v, x, l, c, d, m: "civil").
_ROMAN_NUMERAL = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_ROMAN = re.compile(rf"\b{_ROMAN_NUMERAL}\b")
_DIGITS = re.compile(r"\d+")
PAGE_NUMBER = re.compile(
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


def rows_of(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines grouped into rows (top to bottom), each row left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        if rows and line.top - rows[-1][0].top < 0.4 * max(line.size, rows[-1][0].size):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda ln: ln.x0) for row in rows]


def _margin_lines(page: PdfPage) -> list[tuple[str, Line]]:
    """("header" | "footer", line) for the lines in the page's first and last rows."""
    rows = rows_of(page.lines)
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


def quoted(text: str) -> str:
    return "'" + (text if len(text) <= 60 else text[:57] + "…") + "'"


def remove_furniture(pages: list[PdfPage]) -> list[str]:
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
            if PAGE_NUMBER.match(line.text):
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
            usual = lower_median([line.size for _, line in occurrences], 0.0)
            removed = [(i, line) for i, line in occurrences if line.size <= 1.3 * usual]
            drop.update(id(line) for _, line in removed)
            shown = quoted(removed[0][1].text)
            left_out.append(f"running {zone} {shown} on {on_pages(removed)} of {total} pages")
    if on_pages(numbers) >= needed:
        drop.update(id(line) for _, line in numbers)
        left_out.append(f"page numbers on {on_pages(numbers)} pages")
    for page in pages:
        if any(id(line) in drop for line in page.lines):
            page.lines = [line for line in page.lines if id(line) not in drop]
    return left_out


