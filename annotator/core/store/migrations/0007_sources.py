"""0007: real sources (web pages, PDFs, feeds).

What the source says about itself, the page map of paged sources, the original bytes
(provenance), and syndicated copies found at import.
"""

SQL = """
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
        """
