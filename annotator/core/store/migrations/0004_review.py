"""0004: review: the reviewed layer, comments on annotations, review decisions."""

SQL = """
        -- The adjudicated layer is stored as the annotations of the reserved analyst id
        -- 'reviewed'. Its name is "reviewed" unless an analyst already carries that name, then
        -- "reviewed layer", "reviewed layer 2", … the first one free.
        INSERT INTO analysts (id, name, created)
        WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 998),
        candidates(position, name) AS (
            SELECT 0, 'reviewed'
            UNION ALL SELECT 1, 'reviewed layer'
            UNION ALL SELECT i, 'reviewed layer ' || i FROM n
        )
        SELECT 'reviewed', name, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        FROM candidates WHERE name NOT IN (SELECT name FROM analysts)
        ORDER BY position LIMIT 1;
        -- A thread of comments on an annotation, in the order written.
        CREATE TABLE comments (
            id TEXT PRIMARY KEY,
            annotation_id TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
            author_id TEXT NOT NULL REFERENCES analysts(id),
            created TEXT NOT NULL,
            body TEXT NOT NULL CHECK (length(trim(body)) > 0)
        );
        CREATE INDEX comments_by_annotation ON comments(annotation_id, created);
        -- One reviewer's decision on a disagreement between two layers. `sources` holds the
        -- reviewed annotations as [{"id", "modified"}] (a later edit reopens the decision);
        -- `results` the ids of the reviewed-layer annotations the decision left.
        CREATE TABLE review_decisions (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            reviewer_id TEXT NOT NULL REFERENCES analysts(id),
            decided TEXT NOT NULL,
            decision TEXT NOT NULL
                CHECK (decision IN ('first', 'second', 'both', 'reject', 'edit', 'agreed')),
            first_layer TEXT NOT NULL,
            second_layer TEXT NOT NULL,
            sources TEXT NOT NULL,
            results TEXT NOT NULL
        );
        CREATE INDEX review_decisions_by_document ON review_decisions(document_id, decided);
        CREATE INDEX annotations_by_analyst ON annotations(analyst_id, document_id);
        CREATE INDEX annotations_by_modified ON annotations(modified);
        """
