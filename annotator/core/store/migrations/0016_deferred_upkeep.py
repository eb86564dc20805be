"""0016: indexes and triggers set aside while a large load fills an empty table.

A first sync of an empty project (a clone of the team hub) writes up to millions of rows. Kept
up row by row, the tables' secondary indexes and the triggers that queue rows for search and
keep `analysis_names` cost three quarters of the time; built once at the end they cost little.
`annotator.core.store.deferred_upkeep` drops them for the load and recreates them after, from
Annotator's own schema (never from text stored in the file).

Each row here is one index or trigger that is set aside, with the process that did it: when
that process is gone (killed in the middle), the next opening of the project puts them back.
"""

SQL = """
        CREATE TABLE deferred_upkeep (
            name TEXT PRIMARY KEY,
            type TEXT NOT NULL CHECK (type IN ('index', 'trigger')),
            tbl TEXT NOT NULL,
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            since TEXT NOT NULL
        );
"""
