"""0011: what this project knows of the team hub it syncs with (`annotator sync`).

Nothing here is project content: it says where the hub is and how far the last sync got, so
that a sync killed at any moment resumes without losing or repeating anything.
"""

SQL = """
        -- One row: the hub's address without its password, the analyst this project writes
        -- as (its local id) and the history entry up to which its own changes were sent.
        CREATE TABLE hub_sync (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            url TEXT NOT NULL,
            analyst_id TEXT,
            pushed_through INTEGER NOT NULL DEFAULT 0,
            synced_at TEXT,
            last_error TEXT
        );
        -- Per hub table, the highest row_version pulled into this project (rows are pulled in
        -- the order of their version, table by table, so this is a resumable cursor).
        CREATE TABLE hub_pulled (
            tbl TEXT PRIMARY KEY,
            row_version INTEGER NOT NULL
        ) WITHOUT ROWID;
        -- The hub's row_version of each synced row as this project last saw it (pulled, or
        -- written by its own push): a conflict is a row both sides changed since this version.
        CREATE TABLE hub_rows (
            tbl TEXT NOT NULL,
            id TEXT NOT NULL,
            row_version INTEGER NOT NULL,
            PRIMARY KEY (tbl, id)
        ) WITHOUT ROWID;
        -- Analysts, labels and documents this project and the hub know under different ids
        -- (the same name, label name or text); every other id is the same on both sides.
        CREATE TABLE hub_ids (
            kind TEXT NOT NULL,
            local_id TEXT NOT NULL,
            hub_id TEXT NOT NULL,
            PRIMARY KEY (kind, local_id),
            UNIQUE (kind, hub_id)
        ) WITHOUT ROWID;
        -- Own changes the hub could not take yet (e.g. a label not in the team's codebook),
        -- tried again by every sync, with why they wait.
        CREATE TABLE hub_waiting (
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (entity, entity_id)
        ) WITHOUT ROWID;
        """
