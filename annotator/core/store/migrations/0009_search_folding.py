"""0009: the search indexes read folded copies: ł, Greek accents, Arabic and Hebrew marks.

unicode61 keeps ł đ ħ ı ŀ ŧ, Greek tonos and dialytika, Arabic harakat and tatweel, Hebrew
niqqud and some combining accents, so "lodz" did not find "Łódź" nor "ελλαδα" "Ελλάδα". Values
with them get a copy in `search_<table>_split` (beside the splitting of scripts without
spaces), folded code point for code point: letters to the bare letter, marks to U+0301 (a mark
unicode61 drops), so a copy has the value's length and offsets found in it hold for the text.
Only the rows holding such characters are reindexed (in a project of English or Chinese text,
next to none); a table with many of them has its whole index rebuilt, which is then faster.

`fold` and `index_value` below are a frozen copy of the live ones
(`annotator.core.store.search_copies`); a test checks the two agree, since an index row can
only be deleted with the very text it was given.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from typing import Any

SQL = ""

DROPPED = "\u0301"
LETTERS = {
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H",
    "ı": "i", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T",
}  # fmt: skip
MARKS = (
    (0x0300, 0x036F),
    (0x0591, 0x05BD),
    (0x05BF, 0x05BF),
    (0x05C1, 0x05C2),
    (0x05C4, 0x05C5),
    (0x05C7, 0x05C7),
    (0x0610, 0x061A),
    (0x0640, 0x0640),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06DC),
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x08D3, 0x08E1),
    (0x08E3, 0x08FF),
)
GREEK_BLOCKS = ((0x0370, 0x03FF), (0x1F00, 0x1FFF))


def _table() -> dict[int, str]:
    table = {ord(k): v for k, v in LETTERS.items()}
    for low, high in MARKS:
        table.update({code: DROPPED for code in range(low, high + 1) if code != ord(DROPPED)})
    for low, high in GREEK_BLOCKS:
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

SPACELESS_RANGES = (
    ("\u0e00", "\u0eff"),
    ("\u1000", "\u109f"),
    ("\u1100", "\u11ff"),
    ("\u1780", "\u17ff"),
    ("\u3005", "\u3007"),
    ("\u3040", "\u30ff"),
    ("\u3100", "\u318f"),
    ("\u31f0", "\u31ff"),
    ("\u3400", "\u4dbf"),
    ("\u4e00", "\u9fff"),
    ("\uac00", "\ud7af"),
    ("\uf900", "\ufaff"),
    ("\uff66", "\uff9f"),
    ("\U00020000", "\U0003134f"),
)
SPACELESS_PUNCTUATION = (
    "\u0e3f\u0e4f\u0e5a\u0e5b\u0eaf\u104a\u104b\u104c\u104d\u104e\u104f\u109e\u109f"
    "\u17d4\u17d5\u17d6\u17d8\u17d9\u17da\u17db\u309b\u309c\u30a0\u30fb"
)
SEPARATOR = "\x1f"
_CLASS = "".join(f"{low}-{high}" for low, high in SPACELESS_RANGES)
_SPACELESS_CHAR = re.compile(f"((?![{SPACELESS_PUNCTUATION}])[{_CLASS}])")
_SEPARATORS = re.compile(f"{SEPARATOR}{{2,}}")
_NEEDLESS = re.compile(rf"^{SEPARATOR}|{SEPARATOR}$|{SEPARATOR}(?=\s)|(?<=\s){SEPARATOR}")
_FOLDED = "".join(chr(code) for code in sorted(FOLD_TABLE))
_FOLD_GLOB = f"*[{_FOLDED}]*"
_FOLDABLE = re.compile(f"[{_FOLDED}]")
_CANDIDATE = re.compile(f"[{_CLASS}{_FOLDED}]")
#: Share of a table's rows beyond which rebuilding its index beats reindexing them one by one.
REBUILD_SHARE = 0.02
_SLOTS = ("a", "b", "c")
_SOURCES = (
    ("documents", "search_documents", "search_documents_split", ("title", "text")),
    (
        "annotations",
        "search_annotations",
        "search_annotations_split",
        ("quote", "note", "speaker_name"),
    ),
    ("links", "search_links", "search_links_split", ("name",)),
)


def index_value(value: str | None) -> str | None:
    """`value` folded, then split around characters of scripts without spaces."""
    if not value:
        return value
    value = value.translate(FOLD_TABLE)
    if _SPACELESS_CHAR.search(value) is None:
        return value
    split = _SPACELESS_CHAR.sub(SEPARATOR + r"\1" + SEPARATOR, value)
    return _NEEDLESS.sub("", _SEPARATORS.sub(SEPARATOR, split))


def _split(value: str | None) -> str | None:
    """The splitting alone: what the indexes were given before this migration."""
    if not value or _SPACELESS_CHAR.search(value) is None:
        return value
    split = _SPACELESS_CHAR.sub(SEPARATOR + r"\1" + SEPARATOR, value)
    return _NEEDLESS.sub("", _SEPARATORS.sub(SEPARATOR, split))


def after(conn: sqlite3.Connection) -> None:
    """Reindex the rows that hold a foldable character (the others are indexed as they should
    be): one by one where they are few, else the whole index, which is then faster."""
    for table, index, split, columns in _SOURCES:
        cols = ", ".join(columns)
        rows = _having(conn, table, cols, _FOLDABLE)
        if not rows:
            continue
        (total,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        if len(rows) > total * REBUILD_SHARE:
            _rebuild(conn, table, index, split, columns)
        else:
            _reindex(conn, table, index, split, columns, rows)


def _having(conn: sqlite3.Connection, table: str, cols: str, pattern: re.Pattern[str]) -> list[Any]:
    """The rows of `table` with a value containing `pattern` (searched in Python: SQLite's
    GLOB with a long character class reads 64 MB of text in 10 s, `re` in 0.2 s)."""
    return [
        row
        for row in conn.execute(f"SELECT rowid, {cols} FROM {table}")
        if any(value and pattern.search(value) for value in row[1:])
    ]


def _rebuild(
    conn: sqlite3.Connection, table: str, index: str, split: str, columns: tuple[str, ...]
) -> None:
    """New copies of every row that needs one, the index rebuilt from the table as it is (so
    nothing of this table is left for the queue)."""
    cols = ", ".join(columns)
    conn.execute(f"DELETE FROM {split}")
    rows = _having(conn, table, cols, _CANDIDATE)
    copies = []
    for rowid, *values in rows:
        indexed = [index_value(v) for v in values]
        if indexed != values:
            kept = [s if s != v else None for s, v in zip(indexed, values, strict=True)]
            copies.append([rowid, *kept])
    marks = ", ?" * len(columns)
    conn.executemany(f"INSERT INTO {split} (row, {cols}) VALUES (?{marks})", copies)
    conn.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
    conn.execute("DELETE FROM search_queue WHERE source = ?", [table])


def _reindex(
    conn: sqlite3.Connection,
    table: str,
    index: str,
    split: str,
    columns: tuple[str, ...],
    rows: list[Any],
) -> None:
    """Take out what the index has for these rows, write their new copies, index them."""
    cols = ", ".join(columns)
    slots = _SLOTS[: len(columns)]
    marks = ", ?" * len(columns)
    # Rows waiting in the queue: their first entry holds what the index has. Take that out
    # now, as it was given (split only), and let the next sync index them afresh.
    first = f"""
        SELECT q.seq, q.row, {", ".join(f"q.{s}" for s in slots)} FROM search_queue q
        WHERE q.source = ? AND q.has_old = 1
          AND q.seq = (SELECT min(f.seq) FROM search_queue f
                       WHERE f.source = q.source AND f.row = q.row)
          AND ({" OR ".join(f"coalesce(q.{s}, '') GLOB ?" for s in slots)})
    """
    olds = conn.execute(first, [table, *[_FOLD_GLOB] * len(slots)]).fetchall()
    conn.executemany(
        f"INSERT INTO {index} ({index}, rowid, {cols}) VALUES ('delete', ?{marks})",
        [[row, *(_split(v) for v in values)] for _, row, *values in olds],
    )
    conn.executemany(
        "UPDATE search_queue SET has_old = 0 WHERE seq = ?", [[seq] for seq, *_ in olds]
    )
    # Rows indexed as they are now.
    queued = {
        row for (row,) in conn.execute("SELECT row FROM search_queue WHERE source = ?", [table])
    }
    current = [row for row in rows if row[0] not in queued]
    conn.executemany(
        f"INSERT INTO {index} ({index}, rowid, {cols}) VALUES ('delete', ?{marks})",
        [[rowid, *(_split(v) for v in values)] for rowid, *values in current],
    )
    copies = []
    for rowid, *values in current:
        indexed = [index_value(v) for v in values]
        kept = [s if s != v else None for s, v in zip(indexed, values, strict=True)]
        copies.append([rowid, *kept])
    conn.executemany(f"INSERT OR REPLACE INTO {split} (row, {cols}) VALUES (?{marks})", copies)
    conn.executemany(
        f"INSERT INTO {index} (rowid, {cols}) SELECT row, {cols} "
        f"FROM search_{table}_content WHERE row = ?",
        [[rowid] for rowid, *_ in current],
    )
