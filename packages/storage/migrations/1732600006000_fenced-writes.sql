-- Up Migration
-- 'sync': a POST /data/insert/batch request, run by the API itself through the
-- same ledger and runner as a job. Recovery leaves a sync job to its API while
-- that API keeps it moving, and resumes it in a worker once abandoned.
ALTER TABLE ingest_jobs ADD COLUMN origin text NOT NULL DEFAULT 'job' CHECK (origin IN ('job', 'sync'));

-- The cancel request that cancelled the job: a cancel whose COMMIT reply was
-- lost is retried, and finds its own request done instead of "already cancelled".
ALTER TABLE ingest_jobs ADD COLUMN cancel_request_id uuid;

-- Vectors of removed documents, recorded in the transaction that removes the
-- rows and cleared once Milvus has deleted them: a crash or a Milvus outage in
-- between leaves a record the sweeper finishes, never an orphan nobody knows of.
CREATE TABLE pending_vector_deletes (
  document_id  bigint      PRIMARY KEY,
  queue_prefix text        NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_vector_deletes_prefix ON pending_vector_deletes (queue_prefix, requested_at);
CREATE INDEX ingest_jobs_cleanup_by_queue ON ingest_jobs (queue_prefix) WHERE vectors_cleanup_pending;

-- Down Migration
DROP INDEX ingest_jobs_cleanup_by_queue;
DROP TABLE pending_vector_deletes;
ALTER TABLE ingest_jobs DROP COLUMN cancel_request_id;
ALTER TABLE ingest_jobs DROP COLUMN origin;
