"""0005: full-text search.

One FTS5 index per searchable table (`search_documents`, `search_annotations`, `search_links`):
unicode61 words, case folded, diacritics removed; combining marks count as letters so that
Devanagari, Thai or vocalised Arabic words are not cut apart.

Scripts written without spaces (Chinese, Japanese, Korean, Thai, Lao, Khmer, Burmese) would be
one token per run of characters for unicode61. So every character of those scripts is made a
token of its own: a copy of the value with a separator between such characters and their
neighbours is kept in `search_<table>_split`, only for rows that contain them, and the index reads
its text through the view `search_<table>_content` (the copy where there is one, else the table
itself). The index stores no text of its own (external content); rowids are the table's rowids.

Connections run with `trusted_schema = OFF`, under which FTS5 tables cannot be written from
triggers, so the triggers only note what changed, with the values the index holds, in
`search_queue`; `annotator.core.search.sync_index` applies the queue before every search.

The splitting below is a frozen copy of the one this release shipped (the live one is
`annotator.core.store.search_tables.split_spaceless`); a test checks the two still agree, since
an index row can only be deleted with the very text it was given.
"""

# ruff: noqa: E501 (the statements are kept exactly as they were written into projects)

from __future__ import annotations

import re
import sqlite3

SQL = """
        -- Rows changed since the indexes were last brought up to date. For a row that was
        -- indexed, its first entry holds the values it was indexed with (has_old = 1, in a, b, c).
        CREATE TABLE search_queue (
            seq INTEGER PRIMARY KEY,
            source TEXT NOT NULL CHECK (source IN ('documents', 'annotations', 'links')),
            row INTEGER NOT NULL,
            has_old INTEGER NOT NULL DEFAULT 0 CHECK (has_old IN (0, 1)),
            a TEXT,
            b TEXT,
            c TEXT
        );
        CREATE INDEX search_queue_by_row ON search_queue(source, row);
        CREATE TABLE search_documents_split (row INTEGER PRIMARY KEY, title, text);
        CREATE VIEW search_documents_content AS
            SELECT t.rowid AS row, coalesce(s.title, t.title) AS title, coalesce(s.text, t.text) AS text
            FROM documents t LEFT JOIN search_documents_split s ON s.row = t.rowid;
        CREATE VIRTUAL TABLE search_documents USING fts5(
            title, text, content='search_documents_content', content_rowid='row', tokenize="unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
        );
        -- Before an INSERT: the row an INSERT OR REPLACE deletes without a delete trigger
        -- (unless recursive triggers are on), or the row an upsert is about to update.
        CREATE TRIGGER search_documents_before_insert BEFORE INSERT ON documents
        BEGIN
            INSERT INTO search_queue (source, row, has_old, a, b)
            SELECT 'documents', rowid, 1, title, text FROM documents WHERE id = new.id OR text_hash = new.text_hash;
        END;
        CREATE TRIGGER search_documents_after_insert AFTER INSERT ON documents
        BEGIN
            INSERT INTO search_queue (source, row) VALUES ('documents', new.rowid);
        END;
        CREATE TRIGGER search_documents_after_update AFTER UPDATE ON documents
        WHEN old.title IS NOT new.title OR old.text IS NOT new.text OR old.rowid IS NOT new.rowid
        BEGIN
            INSERT INTO search_queue (source, row, has_old, a, b)
            VALUES ('documents', old.rowid, 1, old.title, old.text);
            INSERT INTO search_queue (source, row) VALUES ('documents', new.rowid);
        END;
        CREATE TRIGGER search_documents_after_delete AFTER DELETE ON documents
        BEGIN
            INSERT INTO search_queue (source, row, has_old, a, b)
            VALUES ('documents', old.rowid, 1, old.title, old.text);
        END;

        CREATE TABLE search_annotations_split (row INTEGER PRIMARY KEY, quote, note, speaker_name);
        CREATE VIEW search_annotations_content AS
            SELECT t.rowid AS row, coalesce(s.quote, t.quote) AS quote, coalesce(s.note, t.note) AS note, coalesce(s.speaker_name, t.speaker_name) AS speaker_name
            FROM annotations t LEFT JOIN search_annotations_split s ON s.row = t.rowid;
        CREATE VIRTUAL TABLE search_annotations USING fts5(
            quote, note, speaker_name, content='search_annotations_content', content_rowid='row', columnsize=0, tokenize="unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
        );
        -- Before an INSERT: the row an INSERT OR REPLACE deletes without a delete trigger
        -- (unless recursive triggers are on), or the row an upsert is about to update.
        CREATE TRIGGER search_annotations_before_insert BEFORE INSERT ON annotations
        BEGIN
            INSERT INTO search_queue (source, row, has_old, a, b, c)
            SELECT 'annotations', rowid, 1, quote, note, speaker_name FROM annotations WHERE id = new.id;
        END;
        CREATE TRIGGER search_annotations_after_insert AFTER INSERT ON annotations
        BEGIN
            INSERT INTO search_queue (source, row) VALUES ('annotations', new.rowid);
        END;
        CREATE TRIGGER search_annotations_after_update AFTER UPDATE ON annotations
        WHEN old.quote IS NOT new.quote OR old.note IS NOT new.note OR old.speaker_name IS NOT new.speaker_name OR old.rowid IS NOT new.rowid
        BEGIN
            INSERT INTO search_queue (source, row, has_old, a, b, c)
            VALUES ('annotations', old.rowid, 1, old.quote, old.note, old.speaker_name);
            INSERT INTO search_queue (source, row) VALUES ('annotations', new.rowid);
        END;
        CREATE TRIGGER search_annotations_after_delete AFTER DELETE ON annotations
        BEGIN
            INSERT INTO search_queue (source, row, has_old, a, b, c)
            VALUES ('annotations', old.rowid, 1, old.quote, old.note, old.speaker_name);
        END;

        CREATE TABLE search_links_split (row INTEGER PRIMARY KEY, name);
        CREATE VIEW search_links_content AS
            SELECT t.rowid AS row, coalesce(s.name, t.name) AS name
            FROM links t LEFT JOIN search_links_split s ON s.row = t.rowid;
        CREATE VIRTUAL TABLE search_links USING fts5(
            name, content='search_links_content', content_rowid='row', columnsize=0, tokenize="unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
        );
        -- Before an INSERT: the row an INSERT OR REPLACE deletes without a delete trigger
        -- (unless recursive triggers are on), or the row an upsert is about to update.
        CREATE TRIGGER search_links_before_insert BEFORE INSERT ON links
        BEGIN
            INSERT INTO search_queue (source, row, has_old, a)
            SELECT 'links', rowid, 1, name FROM links WHERE id = new.id;
        END;
        CREATE TRIGGER search_links_after_insert AFTER INSERT ON links
        BEGIN
            INSERT INTO search_queue (source, row) VALUES ('links', new.rowid);
        END;
        CREATE TRIGGER search_links_after_update AFTER UPDATE ON links
        WHEN old.name IS NOT new.name OR old.rowid IS NOT new.rowid
        BEGIN
            INSERT INTO search_queue (source, row, has_old, a)
            VALUES ('links', old.rowid, 1, old.name);
            INSERT INTO search_queue (source, row) VALUES ('links', new.rowid);
        END;
        CREATE TRIGGER search_links_after_delete AFTER DELETE ON links
        BEGIN
            INSERT INTO search_queue (source, row, has_old, a)
            VALUES ('links', old.rowid, 1, old.name);
        END;
    """

SPACELESS_RANGES = (
    ("\u0e00", "\u0eff"),  # Thai, Lao
    ("\u1000", "\u109f"),  # Myanmar
    ("\u1100", "\u11ff"),  # Hangul Jamo
    ("\u1780", "\u17ff"),  # Khmer
    ("\u3005", "\u3007"),  # 々 〆 〇
    ("\u3040", "\u30ff"),  # Hiragana, Katakana
    ("\u3100", "\u318f"),  # Bopomofo, Hangul compatibility Jamo
    ("\u31f0", "\u31ff"),  # Katakana phonetic extensions
    ("\u3400", "\u4dbf"),  # CJK Unified Ideographs Extension A
    ("\u4e00", "\u9fff"),  # CJK Unified Ideographs
    ("\uac00", "\ud7af"),  # Hangul syllables
    ("\uf900", "\ufaff"),  # CJK Compatibility Ideographs
    ("\uff66", "\uff9f"),  # half-width Katakana
    ("\U00020000", "\U0003134f"),  # CJK Unified Ideographs Extensions B-G, compatibility
)
SPACELESS_PUNCTUATION = (
    "\u0e3f\u0e4f\u0e5a\u0e5b\u0eaf\u104a\u104b\u104c\u104d\u104e\u104f\u109e\u109f"
    "\u17d4\u17d5\u17d6\u17d8\u17d9\u17da\u17db\u309b\u309c\u30a0\u30fb"
)
SEPARATOR = "\x1f"
_CLASS = "".join(f"{low}-{high}" for low, high in SPACELESS_RANGES)
_GLOB = f"*[{_CLASS}]*"
_SPACELESS_CHAR = re.compile(f"((?![{SPACELESS_PUNCTUATION}])[{_CLASS}])")
_SEPARATORS = re.compile(f"{SEPARATOR}{{2,}}")
_NEEDLESS = re.compile(rf"^{SEPARATOR}|{SEPARATOR}$|{SEPARATOR}(?=\s)|(?<=\s){SEPARATOR}")
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


def split_spaceless(value: str | None) -> str | None:
    """`value` with SEPARATOR around every character of the scripts written without spaces
    (none at either end or next to whitespace); unchanged if it has none of them."""
    if not value or _SPACELESS_CHAR.search(value) is None:
        return value
    split = _SPACELESS_CHAR.sub(SEPARATOR + r"\1" + SEPARATOR, value)
    return _NEEDLESS.sub("", _SEPARATORS.sub(SEPARATOR, split))


def after(conn: sqlite3.Connection) -> None:
    """Split copies of the rows with spaceless characters, then every index built."""
    for table, index, split, columns in _SOURCES:
        cols = ", ".join(columns)
        spaceless = " OR ".join(f"{c} GLOB ?" for c in columns)
        rows = conn.execute(
            f"SELECT rowid, {cols} FROM {table} WHERE {spaceless}", [_GLOB] * len(columns)
        ).fetchall()
        copies = []
        for rowid, *values in rows:
            split_values = [split_spaceless(v) for v in values]
            if split_values != values:
                kept = [s if s != v else None for s, v in zip(split_values, values, strict=True)]
                copies.append([rowid, *kept])
        marks = ", ?" * len(columns)
        conn.executemany(f"INSERT INTO {split} (row, {cols}) VALUES (?{marks})", copies)
        conn.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
    conn.execute(
        "INSERT INTO search_documents (search_documents, rank) VALUES ('rank', 'bm25(4.0, 1.0)')"
    )
