-- Up Migration
-- Fair scheduling: the job slots held right now, one row per running job, as a
-- lease. The worker running the job renews it every few seconds; a worker
-- killed with kill -9 stops renewing, and its slot counts for nobody once
-- expires_at has passed. What a slot allows is decided in PostgreSQL under a
-- per-account advisory lock, so it holds across every worker process.
CREATE TABLE job_slots (
  job_id       uuid        PRIMARY KEY REFERENCES ingest_jobs (id) ON DELETE CASCADE,
  account_name text        NOT NULL,
  queue_prefix text        NOT NULL,
  -- The run (one BullMQ delivery) that holds it: only that run renews or releases it.
  holder       text        NOT NULL,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX job_slots_account ON job_slots (queue_prefix, account_name);

-- The queued-chunks quota: chunks of the job's documents not processed yet
-- (set when the job is staged, lowered as its documents finish).
ALTER TABLE ingest_jobs ADD COLUMN queued_chunks bigint NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE ingest_jobs DROP COLUMN queued_chunks;
DROP TABLE job_slots;
