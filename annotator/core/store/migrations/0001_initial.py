"""0001: analysts, documents (their text immutable), labels, annotations and links."""

SQL = """
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
        """
