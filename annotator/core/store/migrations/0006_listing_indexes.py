"""0006: indexes for the names offered for completion and the document list.

Measured on 10,000 documents / 1,000,000 annotations (benchmarks/scale.py): both were
full-table scans.
"""

SQL = """
        CREATE INDEX annotations_by_speaker_name ON annotations(speaker_name)
            WHERE speaker_name IS NOT NULL;
        CREATE INDEX links_by_name ON links(name) WHERE name IS NOT NULL;
        CREATE INDEX documents_listing ON documents(published, title, id);
        """
