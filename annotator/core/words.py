"""Word boundaries for snapping selections, in code points, for any script.

A word is a run of letters, digits and combining marks, with apostrophes allowed between
letters ("China’s"). The scripts written without spaces (`annotator.core.scripts`: Chinese,
Japanese, Korean, Thai, Lao, Khmer, Burmese) have no word boundaries to snap to, so each of their
characters, with its marks, is a word of its own: snapping never swallows a whole sentence.
"""

from __future__ import annotations

import unicodedata

from annotator.core.scripts import is_spaceless

_APOSTROPHES = frozenset("'’ʼ")


def is_word_char(ch: str) -> bool:
    """A letter, digit or mark that joins the characters around it into a word."""
    if is_spaceless(ch):
        return False
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _joins(text: str, i: int) -> bool:
    """True if text[i] belongs to the word around it (a letter, or an apostrophe inside one)."""
    ch = text[i]
    if is_word_char(ch):
        return True
    return (
        ch in _APOSTROPHES
        and 0 < i < len(text) - 1
        and is_word_char(text[i - 1])
        and is_word_char(text[i + 1])
    )


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow [start, end) to whole words and drop surrounding whitespace; may return start == end."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return start, end
    if _joins(text, start):
        while start > 0 and _joins(text, start - 1):
            start -= 1
    if _joins(text, end - 1):
        while end < len(text) and _joins(text, end):
            end += 1
    # Never part a character from its marks (a Thai vowel sign, an accent typed after its letter).
    while start > 0 and _extends(text[start]):
        start -= 1
    while end < len(text) and _extends(text[end]):
        end += 1
    return start, end


def word_start_before(text: str, pos: int) -> int:
    """Start of the word before `pos` (as Ctrl+Left moves), for moving a boundary by a word."""
    pos = max(0, min(pos, len(text)))
    while pos > 0 and not _joins(text, pos - 1):
        pos -= 1
    while pos > 0 and _joins(text, pos - 1):
        pos -= 1
    return pos


def word_end_after(text: str, pos: int) -> int:
    """End of the word after `pos` (as Ctrl+Right moves)."""
    pos = max(0, min(pos, len(text)))
    while pos < len(text) and not _joins(text, pos):
        pos += 1
    while pos < len(text) and _joins(text, pos):
        pos += 1
    return pos


def _extends(ch: str) -> bool:
    """Characters that belong to the character before them (one user-perceived character)."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or code == 0x200D  # zero-width joiner
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag characters
    )


def _regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def next_grapheme(text: str, pos: int) -> int:
    """Position after the user-perceived character at `pos` (emoji sequences, flags, marks)."""
    if pos >= len(text):
        return len(text)
    end = pos + 1
    if _regional(text[pos]) and end < len(text) and _regional(text[end]):
        # Flags are pairs; count the regional indicators before to pair them right.
        run = 0
        while pos - run - 1 >= 0 and _regional(text[pos - run - 1]):
            run += 1
        if run % 2 == 0:
            end += 1
    while end < len(text) and (_extends(text[end]) or text[end - 1] == "\u200d"):
        end += 1
    return end


def previous_grapheme(text: str, pos: int) -> int:
    """Start of the user-perceived character before `pos`."""
    start, probe = 0, 0
    # Walk forward from a safe point (the start of the line) to find the last boundary.
    probe = text.rfind("\n", 0, max(0, pos - 1)) + 1
    while probe < pos:
        start = probe
        probe = next_grapheme(text, probe)
    return start
