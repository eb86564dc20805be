"""What the search indexes read: copies of values the FTS5 tokenizer cannot take as they are.

The tokenizer (unicode61, diacritics removed; see schema migration 0005) folds case and the
accents of precomposed Latin letters. Two kinds of text need help, and get a copy of the value
in `search_<table>_split`, read by the index through its content view:

- scripts written without spaces: every character becomes a token (`split_spaceless`);
- letters and marks the tokenizer keeps although readers treat them as the plain letter
  (`fold`, from migration 0009): ł đ ħ ı ŀ ŧ as l d h i l t; Greek with tonos, dialytika or
  polytonic marks as the bare letter; Arabic harakat and tatweel, Hebrew niqqud and
  cantillation, and combining accents unicode61 keeps, as a mark it drops (U+0301).

`fold` maps every code point to exactly one code point, so a stretch of a folded copy sits at
the same offsets as in the value itself: snippets and highlights found in a copy are shown from
the original. The letter pairs ß/ss, æ/ae, ø/oe, œ/oe are not folded here (that would change
lengths); the search expands them in the query instead (`annotator.core.search.spellings`).

Like `split_spaceless`, `fold` is part of the file format: an index row can only be deleted
with the very text it was given. Changing it needs a migration that rebuilds the indexes.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

from annotator.core.scripts import SPACELESS_CLASS
from annotator.core.store.search_tables import SEARCH_SOURCES, split_spaceless

#: A combining mark the tokenizer drops inside a token: what the marks it keeps become.
DROPPED = "\u0301"
_LETTERS = {
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H",
    "ı": "i", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T",
}  # fmt: skip
_MARKS = (
    (0x0300, 0x036F),  # combining diacritical marks (unicode61 keeps some: U+0342, U+0345 …)
    (0x0591, 0x05BD),  # Hebrew cantillation and points
    (0x05BF, 0x05BF),
    (0x05C1, 0x05C2),
    (0x05C4, 0x05C5),
    (0x05C7, 0x05C7),
    (0x0610, 0x061A),  # Arabic honorific marks
    (0x0640, 0x0640),  # tatweel (a letter to unicode61: it would split nothing, but differ)
    (0x064B, 0x065F),  # harakat, tanwin, shadda, sukun …
    (0x0670, 0x0670),  # superscript alef
    (0x06D6, 0x06DC),  # Quranic annotation marks
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x08D3, 0x08E1),  # Arabic Extended-A marks
    (0x08E3, 0x08FF),
)
#: Greek letters with marks, as the bare letter. Canonical decompositions never change (Unicode
#: stability policy) and the blocks are fixed, so the table is the same in every Python.
_GREEK_BLOCKS = ((0x0370, 0x03FF), (0x1F00, 0x1FFF))


def _table() -> dict[int, str]:
    table = {ord(k): v for k, v in _LETTERS.items()}
    for low, high in _MARKS:
        table.update({code: DROPPED for code in range(low, high + 1) if code != ord(DROPPED)})
    for low, high in _GREEK_BLOCKS:
        for code in range(low, high + 1):
            parts = unicodedata.normalize("NFD", chr(code))
            if (
                len(parts) > 1
                and 0x0370 <= ord(parts[0]) <= 0x03FF
                and parts[0].isalpha()
                and all(unicodedata.combining(mark) for mark in parts[1:])
            ):
                table[code] = parts[0]
    return table


FOLD_TABLE = _table()


def _class(codes: list[int]) -> str:
    """Code points as the inside of an SQLite GLOB class: runs as ranges."""
    out, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        out.append(chr(codes[i]) if i == j else f"{chr(codes[i])}-{chr(codes[j])}")
        i = j + 1
    return "".join(out)


FOLD_CLASS = _class(sorted(FOLD_TABLE))
#: GLOB pattern true for text that may need a copy (spaceless or foldable characters): the
#: rows worth reading into Python.
COPY_GLOB = f"*[{SPACELESS_CLASS}{FOLD_CLASS}]*"
_COPY_CHAR = re.compile(f"[{SPACELESS_CLASS}{FOLD_CLASS}]")


def fold(value: str) -> str:
    """`value` with the letters and marks above folded, code point for code point."""
    return value.translate(FOLD_TABLE)


def index_value(value: str | None) -> str | None:
    """What the index is given for `value`: folded, then split (unchanged if neither applies)."""
    if not value:
        return value
    return split_spaceless(value.translate(FOLD_TABLE))


def fill_search_copies(
    conn: sqlite3.Connection,
    table: str,
    split: str,
    columns: tuple[str, ...],
    where: str = "1",
) -> None:
    """Write the copies of the rows of `table` (those matching `where`) that need one; columns
    that need none stay NULL (the content view falls back to the table)."""
    cols = ", ".join(columns)
    copies = []
    # Searched in Python: SQLite's GLOB with these character classes reads 64 MB of text in
    # 10 s, `re` in 0.2 s.
    for rowid, *values in conn.execute(f"SELECT rowid, {cols} FROM {table} WHERE {where}"):
        if not any(value and _COPY_CHAR.search(value) for value in values):
            continue
        indexed = [index_value(v) for v in values]
        if indexed != values:
            kept = [s if s != v else None for s, v in zip(indexed, values, strict=True)]
            copies.append([rowid, *kept])
    conn.executemany(f"INSERT INTO {split} (row, {cols}) VALUES (?{', ?' * len(columns)})", copies)


def rebuild_search_indexes(conn: sqlite3.Connection) -> None:
    """Every index and its copies from scratch, the queue emptied (inside the caller's
    transaction): a repair."""
    for table, index, split, _content, columns, _unique in SEARCH_SOURCES:
        conn.execute(f"DELETE FROM {split}")
        fill_search_copies(conn, table, split, columns)
        conn.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
    conn.execute("DELETE FROM search_queue")
