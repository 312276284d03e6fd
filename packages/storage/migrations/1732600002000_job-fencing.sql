-- Up Migration
-- Set in the same transaction that removes a job's rows: from then on no run
-- of that job (a late batch, a duplicate delivery) may write documents for it.
ALTER TABLE ingest_jobs ADD COLUMN rolled_back_at timestamptz;
-- The BullMQ prefix of the deployment that accepted the job: recovery only
-- re-enqueues its own deployment's jobs when several share a database.
ALTER TABLE ingest_jobs ADD COLUMN queue_prefix text NOT NULL DEFAULT 'nonstop';
CREATE INDEX ingest_jobs_unfinished_by_queue ON ingest_jobs (queue_prefix, created_at) WHERE status IN ('pending', 'processing');

-- Down Migration
DROP INDEX ingest_jobs_unfinished_by_queue;
ALTER TABLE ingest_jobs DROP COLUMN queue_prefix;
ALTER TABLE ingest_jobs DROP COLUMN rolled_back_at;
