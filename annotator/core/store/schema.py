"""The project schema as a sequence of sqlite-utils migrations, recorded in the database itself.

Never edit a migration that has shipped: add a new one. `SCHEMA_VERSION` is the number of
migrations; it is also written to `PRAGMA user_version` so that other tools (and older or newer
Annotators) can tell what they are looking at without knowing the migration names.
"""

from __future__ import annotations

import re
import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from annotator.core.records import REVIEWED_LAYER_ID

#: PRAGMA application_id of every Annotator project ("ANNO"): marks the file as ours.
APPLICATION_ID = 0x414E4E4F

migrations = Migrations("annotator")


def _run(db: Database, script: str) -> None:
    """Run a multi-statement script inside the current transaction.

    sqlite3's executescript() would COMMIT first, breaking the migration's atomicity.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement!r}")


def _stamp(db: Database, version: int) -> None:
    # Inside the migration's own transaction, so the file is never marked half-way.
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {version}")


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE analysts (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL
        );
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            source TEXT NOT NULL,
            published TEXT,
            imported_at TEXT NOT NULL,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL UNIQUE,
            char_count INTEGER NOT NULL,
            import_report TEXT NOT NULL DEFAULT '{}'
        );
        -- A document's text is what every offset refers to: it never changes after import.
        CREATE TRIGGER documents_text_is_immutable
        BEFORE UPDATE OF text, text_hash, char_count ON documents
        BEGIN
            SELECT RAISE(ABORT, 'a document''s text never changes after import');
        END;
        CREATE TABLE labels (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT CHECK (role IN ('claim', 'speaker', 'target')),
            shortcut TEXT NOT NULL DEFAULT '',
            color TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL
        );
        CREATE TABLE annotations (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            analyst_id TEXT NOT NULL REFERENCES analysts(id),
            label_id TEXT NOT NULL REFERENCES labels(id),
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL CHECK ("end" > start),
            quote TEXT NOT NULL,
            prefix TEXT NOT NULL,
            suffix TEXT NOT NULL,
            sentiment TEXT,
            speaker_name TEXT,
            note TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE INDEX annotations_by_document ON annotations(document_id, start);
        CREATE TABLE links (
            id TEXT PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('said_by', 'about')),
            target_id TEXT REFERENCES annotations(id) ON DELETE CASCADE,
            name TEXT,
            analyst_id TEXT NOT NULL REFERENCES analysts(id),
            created TEXT NOT NULL,
            CHECK (target_id IS NOT NULL OR name IS NOT NULL)
        );
        CREATE INDEX links_by_source ON links(source_id);
        CREATE INDEX links_by_target ON links(target_id);
        """,
    )
    _stamp(db, 1)


@migrations(name="0002_history")
def _history(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            analyst_id TEXT,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            document_id TEXT,
            before TEXT,
            after TEXT
        );
        CREATE INDEX history_by_entity ON history(entity, entity_id);
        CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
        BEGIN
            SELECT RAISE(ABORT, 'the change history is append-only');
        END;
        CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
        BEGIN
            SELECT RAISE(ABORT, 'the change history is append-only');
        END;
        """,
    )
    _stamp(db, 2)


@migrations(name="0003_undo_log")
def _undo_log(db: Database) -> None:
    # Undo lives in the data layer: each step stores its forward and inverse operations, so
    # undo and redo survive a restart and every undo is itself a saved change.
    _run(
        db,
        """
        CREATE TABLE undo_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            analyst_id TEXT NOT NULL,
            at TEXT NOT NULL,
            description TEXT NOT NULL,
            document_id TEXT,
            forward TEXT NOT NULL,
            inverse TEXT NOT NULL,
            undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
        );
        CREATE INDEX undo_log_by_analyst ON undo_log(analyst_id, undone, seq);
        """,
    )
    _stamp(db, 3)


#: The adjudicated "reviewed" layer is stored as annotations of this reserved analyst id, so it
#: filters, exports and merges like any analyst's layer. Who reviewed is in review_decisions.


@migrations(name="0004_review")
def _review(db: Database) -> None:
    # The layer's display name is "reviewed" unless an analyst already carries that name.
    taken = {row[0] for row in db.execute("SELECT name FROM analysts").fetchall()}
    name = next(
        n
        for n in ("reviewed", "reviewed layer", *(f"reviewed layer {i}" for i in range(2, 999)))
        if n not in taken
    )
    db.execute(
        "INSERT INTO analysts (id, name, created) "
        "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        [REVIEWED_LAYER_ID, name],
    )
    _run(
        db,
        """
        -- A thread of comments on an annotation, in the order written.
        CREATE TABLE comments (
            id TEXT PRIMARY KEY,
            annotation_id TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
            author_id TEXT NOT NULL REFERENCES analysts(id),
            created TEXT NOT NULL,
            body TEXT NOT NULL CHECK (length(trim(body)) > 0)
        );
        CREATE INDEX comments_by_annotation ON comments(annotation_id, created);
        -- One reviewer's decision on a disagreement between two layers. `sources` holds the
        -- reviewed annotations as [{"id", "modified"}] (a later edit reopens the decision);
        -- `results` the ids of the reviewed-layer annotations the decision left.
        CREATE TABLE review_decisions (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            reviewer_id TEXT NOT NULL REFERENCES analysts(id),
            decided TEXT NOT NULL,
            decision TEXT NOT NULL
                CHECK (decision IN ('first', 'second', 'both', 'reject', 'edit', 'agreed')),
            first_layer TEXT NOT NULL,
            second_layer TEXT NOT NULL,
            sources TEXT NOT NULL,
            results TEXT NOT NULL
        );
        CREATE INDEX review_decisions_by_document ON review_decisions(document_id, decided);
        CREATE INDEX annotations_by_analyst ON annotations(analyst_id, document_id);
        CREATE INDEX annotations_by_modified ON annotations(modified);
        """,
    )
    _stamp(db, 4)


# -- 0005: full-text search -------------------------------------------------------------------
#
# One FTS5 index per searchable table (`search_documents`, `search_annotations`,
# `search_links`): unicode61 words, case folded, diacritics removed; combining marks count as
# letters so that Devanagari, Thai or vocalised Arabic words are not cut apart.
#
# Scripts written without spaces (Chinese, Japanese, Korean, Thai, Lao, Khmer, Burmese) would
# be one token per run of characters for unicode61. So every character of those scripts is made
# a token of its own: a copy of the value with SEPARATOR between such characters and their
# neighbours (`split_spaceless`) is kept in `search_<table>_split`, only for rows that contain
# them, and the index reads its text through the view `search_<table>_content` (the copy where
# there is one, else the table itself). A Chinese word is then a phrase of characters, found
# inside longer runs; "2022" is found in "2022年", and snippets and ranking work as for words.
# The index stores no text of its own (external content); rowids are the table's rowids
# (VACUUM keeps them; a migration that rebuilds documents, annotations or links must rebuild
# these indexes: annotator.core.search.rebuild_index).
#
# Connections run with `trusted_schema = OFF`, under which FTS5 tables cannot be written from
# triggers ("unsafe use of virtual table"). So the triggers only note what changed, with the
# values the index holds, in `search_queue` (a plain table, written in the same transaction as
# the change); `annotator.core.search.sync_index` applies the queue before every search.
#
# `split_spaceless`, SEPARATOR and the character ranges are part of the file format: an index
# row can only be deleted with the very text it was given. Changing them needs a migration that
# rebuilds the indexes.

_SPACELESS_RANGES = (
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
#: Punctuation and symbols inside those blocks: separators already, left as they are. A fixed
#: list, not Unicode categories, so that the copies never change with Python's Unicode version.
_SPACELESS_PUNCTUATION = (
    "\u0e3f\u0e4f\u0e5a\u0e5b\u0eaf\u104a\u104b\u104c\u104d\u104e\u104f\u109e\u109f"
    "\u17d4\u17d5\u17d6\u17d8\u17d9\u17da\u17db\u309b\u309c\u30a0\u30fb"
)
SPACELESS_CLASS = "".join(f"{low}-{high}" for low, high in _SPACELESS_RANGES)
#: GLOB pattern true for text that may contain a spaceless character (SQLite GLOB classes take
#: ranges of code points): the rows worth reading into Python to split.
SPACELESS_GLOB = f"*[{SPACELESS_CLASS}]*"
#: Inserted between spaceless characters: a control character (a separator to unicode61) that
#: imported text never contains (importing removes control characters).
SEPARATOR = "\x1f"
_SPACELESS_CHAR = re.compile(f"((?![{_SPACELESS_PUNCTUATION}])[{SPACELESS_CLASS}])")
_SEPARATORS = re.compile(f"{SEPARATOR}{{2,}}")
_NEEDLESS = re.compile(rf"^{SEPARATOR}|{SEPARATOR}$|{SEPARATOR}(?=\s)|(?<=\s){SEPARATOR}")


def split_spaceless(value: str | None) -> str | None:
    """`value` with SEPARATOR around every character of the scripts written without spaces
    (none at either end or next to whitespace); unchanged if it has none of them."""
    if not value or _SPACELESS_CHAR.search(value) is None:
        return value
    split = _SPACELESS_CHAR.sub(SEPARATOR + r"\1" + SEPARATOR, value)
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
_QUEUE_SLOTS = ("a", "b", "c")
_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"


def _search_ddl(
    table: str,
    index: str,
    split: str,
    content: str,
    columns: tuple[str, ...],
    unique: tuple[str, ...],
) -> str:
    cols = ", ".join(columns)
    slots = ", ".join(_QUEUE_SLOTS[: len(columns)])
    old = ", ".join(f"old.{c}" for c in columns)
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    collides = " OR ".join(f"{c} = new.{c}" for c in unique)
    either = ", ".join(f"coalesce(s.{c}, t.{c}) AS {c}" for c in columns)
    # Only documents are ranked (bm25, title words weigh more): the others keep no sizes.
    sizes = "" if table == "documents" else ", columnsize=0"
    return f"""
        CREATE TABLE {split} (row INTEGER PRIMARY KEY, {cols});
        CREATE VIEW {content} AS
            SELECT t.rowid AS row, {either}
            FROM {table} t LEFT JOIN {split} s ON s.row = t.rowid;
        CREATE VIRTUAL TABLE {index} USING fts5(
            {cols}, content='{content}', content_rowid='row'{sizes}, tokenize="{_TOKENIZER}"
        );
        -- Before an INSERT: the row an INSERT OR REPLACE deletes without a delete trigger
        -- (unless recursive triggers are on), or the row an upsert is about to update.
        CREATE TRIGGER {index}_before_insert BEFORE INSERT ON {table}
        BEGIN
            INSERT INTO search_queue (source, row, has_old, {slots})
            SELECT '{table}', rowid, 1, {cols} FROM {table} WHERE {collides};
        END;
        CREATE TRIGGER {index}_after_insert AFTER INSERT ON {table}
        BEGIN
            INSERT INTO search_queue (source, row) VALUES ('{table}', new.rowid);
        END;
        CREATE TRIGGER {index}_after_update AFTER UPDATE ON {table}
        WHEN {changed} OR old.rowid IS NOT new.rowid
        BEGIN
            INSERT INTO search_queue (source, row, has_old, {slots})
            VALUES ('{table}', old.rowid, 1, {old});
            INSERT INTO search_queue (source, row) VALUES ('{table}', new.rowid);
        END;
        CREATE TRIGGER {index}_after_delete AFTER DELETE ON {table}
        BEGIN
            INSERT INTO search_queue (source, row, has_old, {slots})
            VALUES ('{table}', old.rowid, 1, {old});
        END;
    """


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


@migrations(name="0005_search")
def _search(db: Database) -> None:
    _run(
        db,
        """
        -- Rows changed since the indexes were last brought up to date. For a row that was
        -- indexed, its first entry holds the values the index has (has_old = 1, in a, b, c).
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
        """,
    )
    for table, index, split, content, columns, unique in SEARCH_SOURCES:
        _run(db, _search_ddl(table, index, split, content, columns, unique))
        fill_split_copies(db.conn, table, split, columns)
        db.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
    db.execute(
        "INSERT INTO search_documents (search_documents, rank) VALUES ('rank', 'bm25(4.0, 1.0)')"
    )
    _stamp(db, 5)



@migrations(name="0006_listing_indexes")
def _listing_indexes(db: Database) -> None:
    # Measured on 10,000 documents / 1,000,000 annotations (benchmarks/scale.py): the names
    # offered for completion and the document list's catalog were full-table scans.
    _run(
        db,
        """
        CREATE INDEX annotations_by_speaker_name ON annotations(speaker_name)
            WHERE speaker_name IS NOT NULL;
        CREATE INDEX links_by_name ON links(name) WHERE name IS NOT NULL;
        CREATE INDEX documents_listing ON documents(published, title, id);
        """,
    )
    _stamp(db, 6)


@migrations(name="0007_sources")
def _sources(db: Database) -> None:
    # Real sources (web pages, PDFs, feeds): what the source says about itself, the page map
    # of paged sources, the original bytes (provenance), and syndicated copies found at import.
    _run(
        db,
        """
        ALTER TABLE documents ADD COLUMN outlet TEXT NOT NULL DEFAULT '';
        ALTER TABLE documents ADD COLUMN author TEXT NOT NULL DEFAULT '';
        ALTER TABLE documents ADD COLUMN url TEXT NOT NULL DEFAULT '';
        ALTER TABLE documents ADD COLUMN language TEXT NOT NULL DEFAULT '';
        -- JSON list: the code-point offset where each page starts ([] for unpaged sources).
        ALTER TABLE documents ADD COLUMN page_starts TEXT NOT NULL DEFAULT '[]';
        CREATE TRIGGER documents_page_map_is_immutable
        BEFORE UPDATE OF page_starts ON documents
        BEGIN
            SELECT RAISE(ABORT, 'a document''s page map never changes after import');
        END;
        -- The canonical address is a duplicate key beside the text hash.
        CREATE INDEX documents_by_url ON documents(url) WHERE url <> '';
        -- The document list's catalog reads these too: from the index, not past every text.
        DROP INDEX documents_listing;
        CREATE INDEX documents_listing ON documents(published, title, id, outlet, author, language);
        CREATE TABLE originals (
            document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            compression TEXT NOT NULL CHECK (compression IN ('zlib', 'none')),
            data BLOB NOT NULL
        );
        CREATE TRIGGER originals_are_immutable BEFORE UPDATE ON originals
        BEGIN
            SELECT RAISE(ABORT, 'an original source is kept as it was imported');
        END;
        -- A document found to be a syndicated copy of an earlier one (`original_id`: the
        -- first of its group to be imported).
        CREATE TABLE document_copies (
            document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            original_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            similarity REAL NOT NULL,
            found_at TEXT NOT NULL,
            CHECK (document_id <> original_id)
        );
        CREATE INDEX document_copies_by_original ON document_copies(original_id);
        -- MinHash signatures of the documents' word shingles, to find copies quickly.
        CREATE TABLE document_signatures (
            document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            scheme TEXT NOT NULL,
            signature BLOB NOT NULL
        );
        """,
    )
    _stamp(db, 7)


MIGRATION_NAMES: tuple[str, ...] = tuple(m.name for m in migrations._migrations)
SCHEMA_VERSION = len(MIGRATION_NAMES)
