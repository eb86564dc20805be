"""The project schema as a sequence of sqlite-utils migrations, recorded in the database itself.

Never edit a migration that has shipped: add a new one. `SCHEMA_VERSION` is the number of
migrations; it is also written to `PRAGMA user_version` so that other tools (and older or newer
Annotators) can tell what they are looking at without knowing the migration names.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

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
REVIEWED_LAYER_ID = "reviewed"


@migrations(name="0004_review")
def _review(db: Database) -> None:
    # The layer's display name is "reviewed" unless an analyst already carries that name.
    taken = db.execute("SELECT 1 FROM analysts WHERE name = 'reviewed'").fetchone()
    _run(
        db,
        f"""
        INSERT INTO analysts (id, name, created) VALUES (
            '{REVIEWED_LAYER_ID}', '{"reviewed layer" if taken else "reviewed"}',
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        );
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
        -- reviewed annotations as [{{"id", "modified"}}] (a later edit reopens the decision);
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


MIGRATION_NAMES: tuple[str, ...] = tuple(m.name for m in migrations._migrations)
SCHEMA_VERSION = len(MIGRATION_NAMES)
