"""The hub's schema in PostgreSQL: versioned migrations, each applied once by `init_hub`.

Never edit a migration that has shipped; add the next one. Each string runs in its own
transaction and is recorded in `annotator_hub.schema_version`.

What the schema guarantees, whoever connects (psql included):

* Every synced row carries `row_version`, drawn from one sequence under a transaction-level
  advisory lock, so versions become visible in the order they were drawn: a reader that sees
  version N sees every version below N (`row_version > last_pulled` never skips a row that
  commits late). `owner` is the login role that last wrote the row; triggers set both, so no
  client can choose them.
* Row-level security: analysts insert and change only their own layer's annotations and links,
  the comments they wrote and their own analyst row; only reviewers write the reviewed layer
  (analyst id ``reviewed``), the codebook (labels) and review decisions (their own); documents
  may be added by anyone and their text never changes; finished marks are each analyst's own;
  anyone creates a talking point and attaches claims (each attachment is its attacher's), only
  a talking point's creator or a reviewer renames or deletes it (migration 2). Nothing is ever
  deleted (rows carry a `deleted` tombstone); `history` takes inserts only. PUBLIC has no
  access to the database.
* Every committed write notifies the channel ``annotator_hub`` with the table's name.
"""

from __future__ import annotations

from annotator.core.hub.migration_groupings import TEAM_GROUPINGS

#: The id of the reviewed (adjudicated) layer, as in the projects (`records.REVIEWED_LAYER_ID`).
REVIEWED_LAYER = "reviewed"

#: Tables synced row by row (each with `row_version` and `owner`).
SYNCED_TABLES = (
    "analysts",
    "documents",
    "labels",
    "annotations",
    "links",
    "comments",
    "review_decisions",
    "finished_documents",
    "talking_points",
    "talking_point_claims",
)

_ROLES_AND_SCHEMA = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'annotator_analyst') THEN
        CREATE ROLE annotator_analyst NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'annotator_reviewer') THEN
        CREATE ROLE annotator_reviewer NOLOGIN;
    END IF;
    -- Reviewers may do everything analysts may (and their own extra rows).
    IF NOT pg_has_role('annotator_reviewer', 'annotator_analyst', 'MEMBER') THEN
        GRANT annotator_analyst TO annotator_reviewer;
    END IF;
    -- Nobody reads the hub without a login granted by `annotator hub grant`.
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
END
$$;
REVOKE ALL ON SCHEMA annotator_hub FROM PUBLIC;
GRANT USAGE ON SCHEMA annotator_hub TO annotator_analyst;

CREATE SEQUENCE annotator_hub.row_versions AS bigint;
CREATE SEQUENCE annotator_hub.history_ids AS bigint;
GRANT USAGE ON SEQUENCE annotator_hub.row_versions, annotator_hub.history_ids
    TO annotator_analyst;

CREATE FUNCTION annotator_hub.is_reviewer() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_has_role(current_user, 'annotator_reviewer', 'MEMBER')
$$;

-- Versions in commit order: the lock is held to the end of the writing transaction, so a
-- transaction that drew smaller versions has committed before a larger one can be drawn.
CREATE FUNCTION annotator_hub.stamp_row() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('annotator_hub.row_versions'));
    NEW.row_version := nextval('annotator_hub.row_versions');
    NEW.owner := current_user;
    RETURN NEW;
END
$$;
CREATE FUNCTION annotator_hub.notify_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_notify('annotator_hub', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE FUNCTION annotator_hub.refuse(message text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = message;
END
$$;
CREATE FUNCTION annotator_hub.keep_identity() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- TG_ARGV: the columns that never change once written.
    FOR i IN 0 .. TG_NARGS - 1 LOOP
        IF (to_jsonb(NEW) -> TG_ARGV[i]) IS DISTINCT FROM (to_jsonb(OLD) -> TG_ARGV[i]) THEN
            PERFORM annotator_hub.refuse(format('%s.%s never changes once written',
                                                TG_TABLE_NAME, TG_ARGV[i]));
        END IF;
    END LOOP;
    RETURN NEW;
END
$$;
CREATE FUNCTION annotator_hub.append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM annotator_hub.refuse('the hub''s history is append-only');
    RETURN NULL;
END
$$;
"""

_TABLES = """
CREATE TABLE annotator_hub.analysts (
    id text PRIMARY KEY,
    name text NOT NULL UNIQUE,
    role_name name UNIQUE,
    owner name NOT NULL DEFAULT current_user,
    row_version bigint NOT NULL
);
CREATE TABLE annotator_hub.documents (
    id text PRIMARY KEY,
    text_sha256 text NOT NULL UNIQUE CHECK (text_sha256 ~ '^[0-9a-f]{64}$'),
    title text NOT NULL,
    text text NOT NULL,
    source text NOT NULL DEFAULT '',
    published text,
    outlet text NOT NULL DEFAULT '',
    author text NOT NULL DEFAULT '',
    url text NOT NULL DEFAULT '',
    language text NOT NULL DEFAULT '',
    page_starts text NOT NULL DEFAULT '[]',
    added_by text REFERENCES annotator_hub.analysts(id) DEFERRABLE INITIALLY DEFERRED,
    added_at timestamptz NOT NULL DEFAULT now(),
    owner name NOT NULL DEFAULT current_user,
    row_version bigint NOT NULL
);
CREATE TABLE annotator_hub.labels (
    id text PRIMARY KEY,
    name text NOT NULL,
    role text CHECK (role IN ('claim', 'speaker', 'target')),
    shortcut text NOT NULL DEFAULT '',
    color text NOT NULL,
    description text NOT NULL DEFAULT '',
    position integer NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    owner name NOT NULL DEFAULT current_user,
    row_version bigint NOT NULL
);
CREATE TABLE annotator_hub.annotations (
    id text PRIMARY KEY,
    document_id text NOT NULL
        REFERENCES annotator_hub.documents(id) DEFERRABLE INITIALLY DEFERRED,
    analyst_id text NOT NULL
        REFERENCES annotator_hub.analysts(id) DEFERRABLE INITIALLY DEFERRED,
    label_id text NOT NULL REFERENCES annotator_hub.labels(id) DEFERRABLE INITIALLY DEFERRED,
    start integer NOT NULL CHECK (start >= 0),
    "end" integer NOT NULL CHECK ("end" > start),
    quote text,
    prefix text,
    suffix text,
    sentiment text,
    note text NOT NULL DEFAULT '',
    speaker_name text,
    target_name text,
    created text NOT NULL,
    modified text NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    owner name NOT NULL DEFAULT current_user,
    row_version bigint NOT NULL
);
CREATE TABLE annotator_hub.links (
    id text PRIMARY KEY,
    source_id text NOT NULL
        REFERENCES annotator_hub.annotations(id) DEFERRABLE INITIALLY DEFERRED,
    kind text NOT NULL CHECK (kind IN ('said_by', 'about')),
    target_id text REFERENCES annotator_hub.annotations(id) DEFERRABLE INITIALLY DEFERRED,
    name text,
    analyst_id text NOT NULL
        REFERENCES annotator_hub.analysts(id) DEFERRABLE INITIALLY DEFERRED,
    created text NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    owner name NOT NULL DEFAULT current_user,
    row_version bigint NOT NULL,
    CHECK (target_id IS NOT NULL OR name IS NOT NULL)
);
CREATE TABLE annotator_hub.comments (
    id text PRIMARY KEY,
    annotation_id text NOT NULL
        REFERENCES annotator_hub.annotations(id) DEFERRABLE INITIALLY DEFERRED,
    author_id text NOT NULL
        REFERENCES annotator_hub.analysts(id) DEFERRABLE INITIALLY DEFERRED,
    created text NOT NULL,
    body text NOT NULL CHECK (length(btrim(body)) > 0),
    deleted boolean NOT NULL DEFAULT false,
    owner name NOT NULL DEFAULT current_user,
    row_version bigint NOT NULL
);
CREATE TABLE annotator_hub.review_decisions (
    id text PRIMARY KEY,
    document_id text NOT NULL
        REFERENCES annotator_hub.documents(id) DEFERRABLE INITIALLY DEFERRED,
    reviewer_id text NOT NULL
        REFERENCES annotator_hub.analysts(id) DEFERRABLE INITIALLY DEFERRED,
    decided text NOT NULL,
    decision text NOT NULL
        CHECK (decision IN ('first', 'second', 'both', 'reject', 'edit', 'agreed')),
    first_layer text NOT NULL,
    second_layer text NOT NULL,
    sources text NOT NULL,
    results text NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    owner name NOT NULL DEFAULT current_user,
    row_version bigint NOT NULL
);
CREATE TABLE annotator_hub.history (
    id bigint PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    owner name NOT NULL DEFAULT current_user,
    kind text NOT NULL,
    payload jsonb NOT NULL
);

-- The reviewed layer: written by reviewers, no login of its own.
INSERT INTO annotator_hub.analysts (id, name, role_name, row_version)
VALUES ('reviewed', 'reviewed', NULL, nextval('annotator_hub.row_versions'));
"""

_INDEXES_AND_TRIGGERS = """
-- The analyst id of the login role running the statement (NULL before it registered).
CREATE FUNCTION annotator_hub.my_analyst_id() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT id FROM annotator_hub.analysts WHERE role_name = current_user
$$;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['analysts', 'documents', 'labels', 'annotations', 'links',
                             'comments', 'review_decisions'] LOOP
        EXECUTE format('CREATE INDEX %I ON annotator_hub.%I (row_version)',
                       t || '_by_row_version', t);
        EXECUTE format('CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON annotator_hub.%I '
                       'FOR EACH ROW EXECUTE FUNCTION annotator_hub.stamp_row()', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['analysts', 'documents', 'labels', 'annotations', 'links',
                             'comments', 'review_decisions', 'history'] LOOP
        EXECUTE format('CREATE TRIGGER notify AFTER INSERT OR UPDATE ON annotator_hub.%I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION annotator_hub.notify_change()', t);
        EXECUTE format('ALTER TABLE annotator_hub.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('GRANT SELECT ON annotator_hub.%I TO annotator_analyst', t);
    END LOOP;
END
$$;
CREATE INDEX annotations_by_document ON annotator_hub.annotations (document_id, start);
CREATE INDEX history_by_at ON annotator_hub.history (at);

CREATE TRIGGER keep_identity BEFORE UPDATE ON annotator_hub.analysts
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.keep_identity('id', 'role_name');
CREATE TRIGGER keep_identity BEFORE UPDATE ON annotator_hub.documents
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.keep_identity(
        'id', 'text', 'text_sha256', 'added_by', 'added_at');
CREATE TRIGGER keep_identity BEFORE UPDATE ON annotator_hub.labels
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.keep_identity('id');
CREATE TRIGGER keep_identity BEFORE UPDATE ON annotator_hub.annotations
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.keep_identity('id', 'analyst_id', 'document_id');
CREATE TRIGGER keep_identity BEFORE UPDATE ON annotator_hub.links
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.keep_identity('id', 'analyst_id', 'source_id');
CREATE TRIGGER keep_identity BEFORE UPDATE ON annotator_hub.comments
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.keep_identity('id', 'author_id', 'annotation_id');
CREATE TRIGGER keep_identity BEFORE UPDATE ON annotator_hub.review_decisions
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.keep_identity('id', 'reviewer_id', 'document_id');

-- History: ids drawn under the same lock as row versions (read in commit order, too); the
-- writer is always the login role; no update, delete or truncate, whoever asks.
CREATE FUNCTION annotator_hub.stamp_history() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('annotator_hub.row_versions'));
    NEW.id := nextval('annotator_hub.history_ids');
    NEW.owner := current_user;
    RETURN NEW;
END
$$;
CREATE TRIGGER stamp BEFORE INSERT ON annotator_hub.history
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.stamp_history();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON annotator_hub.history
    FOR EACH ROW EXECUTE FUNCTION annotator_hub.append_only();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON annotator_hub.history
    FOR EACH STATEMENT EXECUTE FUNCTION annotator_hub.append_only();
"""

# In policies the functions sit in scalar subqueries, so that they run once per statement,
# not once per row.
_ME = "(SELECT annotator_hub.my_analyst_id())"
_REVIEWER = "(SELECT annotator_hub.is_reviewer())"
# A layer's writer: its analyst, or any reviewer for the reviewed layer.
_LAYER = f"CASE WHEN analyst_id = 'reviewed' THEN {_REVIEWER} ELSE analyst_id = {_ME} END"

_POLICIES = f"""
-- Nothing is granted to PUBLIC; members of annotator_analyst read everything and write only
-- through these policies. No table grants DELETE: removals are tombstones (`deleted`).
CREATE POLICY read_all ON annotator_hub.analysts FOR SELECT USING (true);
CREATE POLICY register_self ON annotator_hub.analysts FOR INSERT
    WITH CHECK (role_name = current_user AND id <> 'reviewed');
CREATE POLICY rename_self ON annotator_hub.analysts FOR UPDATE
    USING (role_name = current_user) WITH CHECK (role_name = current_user);
GRANT INSERT (id, name, role_name) ON annotator_hub.analysts TO annotator_analyst;
GRANT UPDATE (name) ON annotator_hub.analysts TO annotator_analyst;

CREATE POLICY read_all ON annotator_hub.documents FOR SELECT USING (true);
CREATE POLICY add_own ON annotator_hub.documents FOR INSERT WITH CHECK (added_by = {_ME});
CREATE POLICY describe_own ON annotator_hub.documents FOR UPDATE
    USING (added_by = {_ME} OR {_REVIEWER}) WITH CHECK (added_by = {_ME} OR {_REVIEWER});
GRANT INSERT (id, text_sha256, title, text, source, published, outlet, author, url, language,
              page_starts, added_by, added_at) ON annotator_hub.documents TO annotator_analyst;
GRANT UPDATE (title, source, published, outlet, author, url, language)
    ON annotator_hub.documents TO annotator_analyst;

CREATE POLICY read_all ON annotator_hub.labels FOR SELECT USING (true);
CREATE POLICY reviewers_add ON annotator_hub.labels FOR INSERT WITH CHECK ({_REVIEWER});
CREATE POLICY reviewers_change ON annotator_hub.labels FOR UPDATE
    USING ({_REVIEWER}) WITH CHECK ({_REVIEWER});
GRANT INSERT (id, name, role, shortcut, color, description, position, deleted)
    ON annotator_hub.labels TO annotator_analyst;
GRANT UPDATE (name, role, shortcut, color, description, position, deleted)
    ON annotator_hub.labels TO annotator_analyst;

CREATE POLICY read_all ON annotator_hub.annotations FOR SELECT USING (true);
CREATE POLICY add_own_layer ON annotator_hub.annotations FOR INSERT WITH CHECK ({_LAYER});
CREATE POLICY change_own_layer ON annotator_hub.annotations FOR UPDATE
    USING ({_LAYER}) WITH CHECK ({_LAYER});
GRANT INSERT (id, document_id, analyst_id, label_id, start, "end", quote, prefix, suffix,
              sentiment, note, speaker_name, target_name, created, modified, deleted)
    ON annotator_hub.annotations TO annotator_analyst;
GRANT UPDATE (label_id, start, "end", quote, prefix, suffix, sentiment, note, speaker_name,
              target_name, created, modified, deleted)
    ON annotator_hub.annotations TO annotator_analyst;

CREATE POLICY read_all ON annotator_hub.links FOR SELECT USING (true);
CREATE POLICY add_own_layer ON annotator_hub.links FOR INSERT WITH CHECK ({_LAYER});
CREATE POLICY change_own_layer ON annotator_hub.links FOR UPDATE
    USING ({_LAYER}) WITH CHECK ({_LAYER});
GRANT INSERT (id, source_id, kind, target_id, name, analyst_id, created, deleted)
    ON annotator_hub.links TO annotator_analyst;
GRANT UPDATE (kind, target_id, name, created, deleted)
    ON annotator_hub.links TO annotator_analyst;

CREATE POLICY read_all ON annotator_hub.comments FOR SELECT USING (true);
CREATE POLICY add_own ON annotator_hub.comments FOR INSERT WITH CHECK (author_id = {_ME});
CREATE POLICY change_own ON annotator_hub.comments FOR UPDATE
    USING (author_id = {_ME}) WITH CHECK (author_id = {_ME});
GRANT INSERT (id, annotation_id, author_id, created, body, deleted)
    ON annotator_hub.comments TO annotator_analyst;
GRANT UPDATE (created, body, deleted) ON annotator_hub.comments TO annotator_analyst;

CREATE POLICY read_all ON annotator_hub.review_decisions FOR SELECT USING (true);
CREATE POLICY reviewers_add_own ON annotator_hub.review_decisions FOR INSERT
    WITH CHECK ({_REVIEWER} AND reviewer_id = {_ME});
CREATE POLICY reviewers_change_own ON annotator_hub.review_decisions FOR UPDATE
    USING ({_REVIEWER} AND reviewer_id = {_ME})
    WITH CHECK ({_REVIEWER} AND reviewer_id = {_ME});
GRANT INSERT (id, document_id, reviewer_id, decided, decision, first_layer, second_layer,
              sources, results, deleted) ON annotator_hub.review_decisions TO annotator_analyst;
GRANT UPDATE (decided, decision, first_layer, second_layer, sources, results, deleted)
    ON annotator_hub.review_decisions TO annotator_analyst;

CREATE POLICY read_all ON annotator_hub.history FOR SELECT USING (true);
CREATE POLICY append ON annotator_hub.history FOR INSERT WITH CHECK (true);
GRANT INSERT (at, kind, payload) ON annotator_hub.history TO annotator_analyst;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA annotator_hub FROM PUBLIC;
GRANT EXECUTE ON FUNCTION annotator_hub.my_analyst_id(), annotator_hub.is_reviewer(),
    annotator_hub.stamp_row(), annotator_hub.stamp_history(), annotator_hub.notify_change(),
    annotator_hub.keep_identity(), annotator_hub.append_only(), annotator_hub.refuse(text)
    TO annotator_analyst;
"""

#: The hub's migrations in order; migration n (1-based) is MIGRATIONS[n - 1].
MIGRATIONS: tuple[str, ...] = (
    _ROLES_AND_SCHEMA + _TABLES + _INDEXES_AND_TRIGGERS + _POLICIES,
    TEAM_GROUPINGS,
)
