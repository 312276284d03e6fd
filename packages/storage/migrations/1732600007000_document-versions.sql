-- Up Migration
-- Document versions (a living corpus). A row is one version of a document:
--   staged     written by a job, its vectors on the way; no reader sees it;
--   active     the version readers see: at most one per identity;
--   superseded replaced by a newer version of a job still running; kept (with
--              its vectors) until that job ends, so a rollback can restore it.
-- A new version becomes active in one transaction that also supersedes the
-- old one, after its vectors are written: a reader sees one whole version.
-- At most one staged version per identity: two jobs never write the same
-- document at once (the second is told so, per document).
ALTER TABLE documents ADD COLUMN state text NOT NULL DEFAULT 'active' CHECK (state IN ('staged', 'active', 'superseded'));
-- The active version a staged one replaces (NULL for a new document): the result's action.
ALTER TABLE documents ADD COLUMN replaces bigint;
-- The job whose new version superseded this one: its end deletes this row, its rollback restores it.
ALTER TABLE documents ADD COLUMN superseded_by_job uuid;
-- SHA-256 of the metadata's jsonb text, which is canonical (key order and spacing do not
-- matter): a change of metadata alone needs no embedding. Generated, so every writer agrees;
-- the function is immutable in fact (the database's encoding is fixed), as a generated column needs.
CREATE FUNCTION document_metadata_hash(metadata jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT encode(sha256(convert_to(metadata::text, 'UTF8')), 'hex') $$;
ALTER TABLE documents ADD COLUMN metadata_hash text NOT NULL GENERATED ALWAYS AS (document_metadata_hash(metadata)) STORED;

ALTER TABLE documents DROP CONSTRAINT documents_identity;
CREATE UNIQUE INDEX documents_active_identity ON documents (account_name, chat_bot_id, content_name_digest) WHERE state = 'active';
CREATE UNIQUE INDEX documents_staged_identity ON documents (account_name, chat_bot_id, content_name_digest) WHERE state = 'staged';
CREATE INDEX documents_identity_lookup ON documents (account_name, chat_bot_id, content_name_digest);
CREATE INDEX documents_superseded_by_job ON documents (superseded_by_job) WHERE superseded_by_job IS NOT NULL;

-- Jobs: what they do, how an insert treats an existing document, what they retry.
ALTER TABLE ingest_jobs ADD COLUMN kind text NOT NULL DEFAULT 'insert' CHECK (kind IN ('insert', 'delete'));
ALTER TABLE ingest_jobs ADD COLUMN on_existing text NOT NULL DEFAULT 'fail' CHECK (on_existing IN ('fail', 'skip_unchanged', 'replace'));
ALTER TABLE ingest_jobs ADD COLUMN retry_of uuid REFERENCES ingest_jobs (id) ON DELETE SET NULL;
-- A delete job's receipt: counts before and after, timestamps.
ALTER TABLE ingest_jobs ADD COLUMN receipt jsonb;

-- What happened to each document: inserted, replaced, unchanged, metadata_updated (inserts),
-- deleted, not_found (deletes); NULL on failure.
ALTER TABLE job_documents ADD COLUMN action text;

-- The delete job whose vectors these are: it verifies them gone before it completes.
ALTER TABLE pending_vector_deletes ADD COLUMN job_id uuid;
CREATE INDEX pending_vector_deletes_job ON pending_vector_deletes (job_id) WHERE job_id IS NOT NULL;

-- Down Migration
DROP INDEX pending_vector_deletes_job;
ALTER TABLE pending_vector_deletes DROP COLUMN job_id;
ALTER TABLE job_documents DROP COLUMN action;
ALTER TABLE ingest_jobs DROP COLUMN receipt;
ALTER TABLE ingest_jobs DROP COLUMN retry_of;
ALTER TABLE ingest_jobs DROP COLUMN on_existing;
ALTER TABLE ingest_jobs DROP COLUMN kind;
DELETE FROM documents WHERE state <> 'active';
DROP INDEX documents_superseded_by_job;
DROP INDEX documents_identity_lookup;
DROP INDEX documents_staged_identity;
DROP INDEX documents_active_identity;
ALTER TABLE documents ADD CONSTRAINT documents_identity UNIQUE (account_name, chat_bot_id, content_name_digest);
ALTER TABLE documents DROP COLUMN metadata_hash;
DROP FUNCTION document_metadata_hash(jsonb);
ALTER TABLE documents DROP COLUMN superseded_by_job;
ALTER TABLE documents DROP COLUMN replaces;
ALTER TABLE documents DROP COLUMN state;
