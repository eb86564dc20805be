"""Which names typed on links (speaker:/target: "said by"/"about" a name) a term matches.

Typed names repeat: a million links carry a few hundred different names. Asking the links'
index for every link named "Kazakhstan" gives hundreds of thousands of rowids for SQLite to
hold in a list (~150 ms at 1M annotations); matching the few different names instead, and
then testing `l.name IN (…)` on the links a claim has, is cheap. The names are matched by
FTS5 itself, in a small index in the connection's temporary schema with the project's
tokenizer and the same folding and splitting (`index_value`), so a name matches exactly when
the links' own index would find it. With more different names than MAX_NAMES, the caller
uses the links' index as before.
"""

from __future__ import annotations

import re
import sqlite3

from annotator.core.search.fts import Match, run
from annotator.core.store.search_copies import index_value
from annotator.core.store.search_results import typed_link_names

#: Beyond this many different typed names, matching them one by one is no longer cheaper.
MAX_NAMES = 5_000
_TABLE = "temp.annotator_typed_names"
_TOKENIZE = re.compile(r"tokenize\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)


def matching_names(conn: sqlite3.Connection, match: Match) -> list[str] | None:
    """The typed names `match` finds, or None when there are too many names to list."""
    names = typed_link_names(conn, MAX_NAMES + 1)
    if len(names) > MAX_NAMES:
        return None
    if not names:
        return []
    _fill(conn, names)
    rows = run(
        conn,
        f"SELECT name FROM {_TABLE} WHERE annotator_typed_names MATCH ?",
        (match.expr,),
    )
    return [row[0] for row in rows]


def _fill(conn: sqlite3.Connection, names: list[str]) -> None:
    """The temporary index holding exactly `names` (left as it is when it already does)."""
    exists = conn.execute(
        "SELECT 1 FROM temp.sqlite_master WHERE name = 'annotator_typed_names'"
    ).fetchone()
    if exists is None:
        conn.execute(
            f"CREATE VIRTUAL TABLE {_TABLE} USING fts5(indexed, name UNINDEXED, "
            f"tokenize={_tokenizer(conn)})"
        )
    held = [row[0] for row in conn.execute(f"SELECT name FROM {_TABLE} ORDER BY name")]
    if held == names:
        return
    conn.execute(f"DELETE FROM {_TABLE}")
    conn.executemany(
        f"INSERT INTO {_TABLE} (indexed, name) VALUES (?, ?)",
        [(index_value(name), name) for name in names],
    )


def _tokenizer(conn: sqlite3.Connection) -> str:
    """The links index's tokenize option, as written in the project's schema."""
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search_links'").fetchone()
    found = _TOKENIZE.search(sql)
    assert found is not None, sql
    return found.group(1)
