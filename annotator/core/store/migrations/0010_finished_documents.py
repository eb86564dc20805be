"""0010: finished documents: an analyst's mark that they read a document through."""

SQL = """
        -- One row per (document, analyst) who marked the document done, with when. A document
        -- finished with no annotation means "read, nothing here" for agreement; unmarking
        -- deletes the row (the history keeps both changes).
        CREATE TABLE finished_documents (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            analyst_id TEXT NOT NULL REFERENCES analysts(id),
            finished TEXT NOT NULL,
            PRIMARY KEY (document_id, analyst_id)
        ) WITHOUT ROWID;
        CREATE INDEX finished_documents_by_analyst ON finished_documents(analyst_id);
        """
