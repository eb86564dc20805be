"""0003: the undo log.

Undo lives in the data layer: each step stores its forward and inverse operations, so undo and
redo survive a restart and every undo is itself a saved change.
"""

SQL = """
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
        """
