"""0014: the index behind "find this claim elsewhere" (annotator.core.recurrences).

Every document is cut into sentence-sized windows; each window keeps its code-point range and
its distinctive words as `annotator.core.recurrences.terms` normalises them (case, diacritics,
British/American spellings, light suffixes; common function words left out), space-separated.
`recurrence_terms` indexes those words (FTS5, external content, positions not kept: only which
windows hold a word is asked) and `recurrence_vocab` tells in how many windows a word occurs,
which weighs it. `recurrence_indexed` records which documents are indexed and under which
scheme: a document of another scheme is indexed again.

Nothing here is written by triggers (FTS5 tables cannot be under `trusted_schema = OFF`);
`annotator.core.recurrences.update_index` keeps the tables in step with `documents`, deleting a
window's words from the index with the very text it was given. Window ids are AUTOINCREMENT
so that an id is never reused while the index might still name it.
"""

SQL = """
        CREATE TABLE recurrence_windows (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            terms TEXT NOT NULL
        );
        CREATE INDEX recurrence_windows_by_document ON recurrence_windows(document_id);
        CREATE VIRTUAL TABLE recurrence_terms USING fts5(
            terms, content='recurrence_windows', content_rowid='id', columnsize=0,
            detail=none, tokenize='ascii'
        );
        CREATE VIRTUAL TABLE recurrence_vocab USING fts5vocab(recurrence_terms, 'row');
        CREATE TABLE recurrence_indexed (
            document_id TEXT PRIMARY KEY,
            scheme TEXT NOT NULL
        ) WITHOUT ROWID;
        """
