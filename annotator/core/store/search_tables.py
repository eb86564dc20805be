"""The live format of the search tables that migration 0005 created (see its docstring).

`split_spaceless`, SEPARATOR and the list of scripts without spaces (`annotator.core.scripts`)
are part of the file format: an index row can only be deleted with the very text it was given.
Changing them needs a migration that rebuilds the indexes; `tests/core/test_migrations_frozen.py`
compares them with the copy frozen in the last migration that built the indexes.
"""

from __future__ import annotations

import re
import sqlite3

from annotator.core.scripts import SPACELESS_CHAR, SPACELESS_CLASS

#: GLOB pattern true for text that may contain a spaceless character (SQLite GLOB classes take
#: ranges of code points): the rows worth reading into Python to split.
SPACELESS_GLOB = f"*[{SPACELESS_CLASS}]*"
#: Inserted between spaceless characters: a control character (a separator to unicode61) that
#: imported text never contains (importing removes control characters).
SEPARATOR = "\x1f"
_SEPARATORS = re.compile(f"{SEPARATOR}{{2,}}")
_NEEDLESS = re.compile(rf"^{SEPARATOR}|{SEPARATOR}$|{SEPARATOR}(?=\s)|(?<=\s){SEPARATOR}")


def split_spaceless(value: str | None) -> str | None:
    """`value` with SEPARATOR around every character of the scripts written without spaces
    (none at either end or next to whitespace); unchanged if it has none of them."""
    if not value or SPACELESS_CHAR.search(value) is None:
        return value
    split = SPACELESS_CHAR.sub(SEPARATOR + r"\1" + SEPARATOR, value)
    return _NEEDLESS.sub("", _SEPARATORS.sub(SEPARATOR, split))


#: (table, its index, its split copies, its content view, indexed columns, columns an
#: INSERT OR REPLACE can collide on)
SEARCH_SOURCES: tuple[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("documents", "search_documents", "search_documents_split", "search_documents_content",
     ("title", "text"), ("id", "text_hash")),
    ("annotations", "search_annotations", "search_annotations_split",
     "search_annotations_content", ("quote", "note", "speaker_name"), ("id",)),
    ("links", "search_links", "search_links_split", "search_links_content", ("name",), ("id",)),
)  # fmt: skip


def fill_split_copies(
    conn: sqlite3.Connection,
    table: str,
    split: str,
    columns: tuple[str, ...],
    where: str = "1",
) -> None:
    """Write the split copies of the rows of `table` (those matching `where`) that contain
    spaceless characters; columns without any stay NULL (the view falls back to the table)."""
    cols = ", ".join(columns)
    spaceless = " OR ".join(f"{c} GLOB ?" for c in columns)
    rows = conn.execute(
        f"SELECT rowid, {cols} FROM {table} WHERE ({where}) AND ({spaceless})",
        [SPACELESS_GLOB] * len(columns),
    ).fetchall()
    copies = []
    for rowid, *values in rows:
        split_values = [split_spaceless(v) for v in values]
        if split_values != values:
            kept = [s if s != v else None for s, v in zip(split_values, values, strict=True)]
            copies.append([rowid, *kept])
    conn.executemany(f"INSERT INTO {split} (row, {cols}) VALUES (?{', ?' * len(columns)})", copies)
