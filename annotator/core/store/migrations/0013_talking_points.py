"""0013: talking points: named groups of claims that restate one another across the corpus."""

SQL = """
        -- A named talking point ("external forces instigate a color revolution"). Names are
        -- unique ignoring case, so two analysts' projects merge theirs by name.
        CREATE TABLE talking_points (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            created_by TEXT REFERENCES analysts(id),
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE UNIQUE INDEX talking_points_by_name ON talking_points(name COLLATE NOCASE);
        -- Which talking point a claim belongs to: at most one per claim (the primary key).
        -- Removing a claim removes its membership explicitly (and undo puts it back); the
        -- cascade only guards the rows a bulk delete of a document leaves behind.
        CREATE TABLE talking_point_claims (
            annotation_id TEXT PRIMARY KEY REFERENCES annotations(id) ON DELETE CASCADE,
            talking_point_id TEXT NOT NULL REFERENCES talking_points(id),
            analyst_id TEXT REFERENCES analysts(id),
            added TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX talking_point_claims_by_point
            ON talking_point_claims(talking_point_id, annotation_id);
        """
