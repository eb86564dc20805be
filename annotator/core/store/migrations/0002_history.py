"""0002: the append-only change history."""

SQL = """
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
        """
