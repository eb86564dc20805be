"""Hub migration 2: finished marks, talking points and their claims (see `migrations`).

Never edit it once shipped; add the next migration.
"""

from __future__ import annotations

# As in migration 1: the functions sit in scalar subqueries, run once per statement.
_ME = "(SELECT annotator_hub.my_analyst_id())"
_REVIEWER = "(SELECT annotator_hub.is_reviewer())"

# -- 2: finished marks, talking points and their claims ------------------------------------
#
# Finished marks: each analyst writes only their own (reviewers are not special); unmarking is
# a tombstone. Talking points: anyone creates one; only its creator or a reviewer renames or
# deletes it; names are unique among live ones, ignoring case as the projects do (SQLite's
# NOCASE folds A-Z only). A claim's membership ("attachment") is one row per claim, owned by
# the analyst who attached it: they (or a reviewer) move or detach it; once detached (a
# tombstone) anyone may attach the claim again, the row then being theirs.
TEAM_GROUPINGS = f"""
CREATE FUNCTION annotator_hub.name_key(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
$$;

CREATE TABLE annotator_hub.finished_documents (
    id text PRIMARY KEY,
    document_id text NOT NULL
        REFERENCES annotator_hub.documents(id) DEFERRABLE INITIALLY DEFERRED,
    analyst_id text NOT NULL
        REFERENCES annotator_hub.analysts(id) DEFERRABLE INITIALLY DEFERRED,
    finished text NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    owner name NOT NULL DEFAULT current_user,
    row_version bigint NOT NULL,
    CHECK (id = document_id || '/' || analyst_id)
);
CREATE TABLE annotator_hub.talking_points (
    id text PRIMARY KEY,
    name text NOT NULL CHECK (length(btrim(name)) > 0),
    created_by text NOT NULL
        REFERENCES annotator_hub.analysts(id) DEFERRABLE INITIALLY DEFERRED,
    created text NOT NULL,
    modified text NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    owner name NOT NULL DEFAULT current_user,
    row_version bigint NOT NULL
);
CREATE UNIQUE INDEX talking_points_by_name
    ON annotator_hub.talking_points (annotator_hub.name_key(name)) WHERE NOT deleted;
CREATE TABLE annotator_hub.talking_point_claims (
    id text PRIMARY KEY,
    annotation_id text NOT NULL
        REFERENCES annotator_hub.annotations(id) DEFERRABLE INITIALLY DEFERRED,
    talking_point_id text NOT NULL
        REFERENCES annotator_hub.talking_points(id) DEFERRABLE INITIALLY DEFERRED,
    analyst_id text NOT NULL
        REFERENCES annotator_hub.analysts(id) DEFERRABLE INITIALLY DEFERRED,
    added text NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    owner name NOT NULL DEFAULT current_user,
    row_version bigint NOT NULL,
    CHECK (id = annotation_id)
);
CREATE INDEX talking_point_claims_by_point
    ON annotator_hub.talking_point_claims (talking_point_id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['finished_documents', 'talking_points', 'talking_point_claims'] LOOP
        EXECUTE format('CREATE INDEX %I ON annotator_hub.%I (row_version)',
                       t || '_by_row_version', t);
        EXECUTE format('CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON annotator_hub.%I '
                       'FOR EACH ROW EXECUTE FUNCTION annotator_hub.stamp_row()', t);
        EXECUTE format('CREATE TRIGGER notify AFTER INSERT OR UPDATE ON annotator_hub.%I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION annotator_hub.notify_change()', t);
        EXECUTE format('ALTER TABLE annotator_hub.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('GRANT SELECT ON annotator_hub.%I TO annotator_analyst', t);
        EXECUTE format('CREATE POLICY read_all ON annotator_hub.%I FOR SELECT USING (true)', t);
    END LOOP;
END
$$;
CREATE TRIGGER keep_identity BEFORE UPDATE ON annotator_hub.finished_documents
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.keep_identity('id', 'document_id', 'analyst_id');
CREATE TRIGGER keep_identity BEFORE UPDATE ON annotator_hub.talking_points
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.keep_identity('id', 'created_by', 'created');
CREATE TRIGGER keep_identity BEFORE UPDATE ON annotator_hub.talking_point_claims
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.keep_identity('id', 'annotation_id');

CREATE POLICY mark_own ON annotator_hub.finished_documents FOR INSERT
    WITH CHECK (analyst_id = {_ME});
CREATE POLICY change_own ON annotator_hub.finished_documents FOR UPDATE
    USING (analyst_id = {_ME}) WITH CHECK (analyst_id = {_ME});
GRANT INSERT (id, document_id, analyst_id, finished, deleted)
    ON annotator_hub.finished_documents TO annotator_analyst;
GRANT UPDATE (finished, deleted) ON annotator_hub.finished_documents TO annotator_analyst;

CREATE POLICY create_own ON annotator_hub.talking_points FOR INSERT
    WITH CHECK (created_by = {_ME});
CREATE POLICY creator_or_reviewer_change ON annotator_hub.talking_points FOR UPDATE
    USING (created_by = {_ME} OR {_REVIEWER}) WITH CHECK (created_by = {_ME} OR {_REVIEWER});
GRANT INSERT (id, name, created_by, created, modified, deleted)
    ON annotator_hub.talking_points TO annotator_analyst;
GRANT UPDATE (name, modified, deleted) ON annotator_hub.talking_points TO annotator_analyst;

CREATE POLICY attach_own ON annotator_hub.talking_point_claims FOR INSERT
    WITH CHECK (analyst_id = {_ME});
CREATE POLICY change_own_or_detached ON annotator_hub.talking_point_claims FOR UPDATE
    USING (analyst_id = {_ME} OR deleted OR {_REVIEWER})
    WITH CHECK (analyst_id = {_ME} OR {_REVIEWER});
GRANT INSERT (id, annotation_id, talking_point_id, analyst_id, added, deleted)
    ON annotator_hub.talking_point_claims TO annotator_analyst;
GRANT UPDATE (talking_point_id, analyst_id, added, deleted)
    ON annotator_hub.talking_point_claims TO annotator_analyst;

REVOKE ALL ON FUNCTION annotator_hub.name_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION annotator_hub.name_key(text) TO annotator_analyst;
"""
