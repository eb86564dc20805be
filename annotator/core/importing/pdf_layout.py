"""Reading order and paragraphs of a PDF's pages: columns (left, then right, after a
full-width headline), lines joined into paragraphs, words hyphenated at line ends rejoined, and
how each page joins the next; see `pdf_text` for the rules."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator.core.importing.pdf_lines import Line, lower_median, rows_of

# --- reading order -------------------------------------------------------------------------------




def _gutter(lines: Sequence[Line]) -> float | None:
    """The x of the gutter between two columns, or None (see the module docstring)."""
    lo = min(line.x0 for line in lines)
    hi = max(line.x1 for line in lines)
    width = hi - lo
    if width <= 0:
        return None
    size = lower_median([line.size for line in lines], 10.0)
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
    return min(lower_median([len(ln.text) for ln in side], 0) for side in (left, right)) < 15


def split_segments(lines: Sequence[Line], depth: int = 0) -> list[list[Line]]:
    """The page's lines in reading order, as runs read top to bottom (a column, or the part of
    a column between full-width lines)."""
    if not lines:
        return []
    gutter = _gutter(lines) if len(lines) >= 4 and depth < 4 else None
    if gutter is None:
        return [[line for row in rows_of(lines) for line in row]]
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
        segments += split_segments(left, depth + 1)
        segments += split_segments(right, depth + 1)
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
    size = lower_median([line.size for line in segment], 10.0)
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
class Vocabulary:
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


def _glue(before: str, after: str, vocabulary: Vocabulary) -> tuple[str, str]:
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


def paragraph_text(lines: Sequence[Line], vocabulary: Vocabulary) -> str:
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


def measure_spacing(segments: Iterable[list[Line]]) -> _Spacing:
    ratios = []
    for segment in segments:
        for a, b in zip(segment, segment[1:], strict=False):
            if abs(a.size - b.size) <= 0.05 * a.size and a.size > 0:
                ratio = (b.top - a.top) / a.size
                if 0.8 <= ratio <= 3:
                    ratios.append(ratio)
    pitch = lower_median(ratios, 1.2)
    gaps = sum(1 for ratio in ratios if ratio > 1.3 * pitch)
    return _Spacing(pitch, gaps >= max(2, 0.05 * len(ratios)))


def lay_out(segments: list[list[Line]], spacing: _Spacing) -> _Layout:
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


def page_join(
    texts: list[str], index: int, layouts: Sequence[_Layout], vocabulary: Vocabulary
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


