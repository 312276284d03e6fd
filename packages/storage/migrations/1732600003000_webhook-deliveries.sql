-- Up Migration
-- Set when the job's webhook delivery was enqueued: recovery enqueues the
-- deliveries of finished jobs that have a webhook_url and no such mark.
ALTER TABLE ingest_jobs ADD COLUMN webhook_enqueued_at timestamptz;
CREATE INDEX ingest_jobs_webhook_unenqueued ON ingest_jobs (finished_at)
  WHERE webhook_url IS NOT NULL AND webhook_enqueued_at IS NULL AND status IN ('completed', 'failed', 'cancelled');
-- Jobs that ended before webhooks were delivered are not announced now, long after.
UPDATE ingest_jobs SET webhook_enqueued_at = COALESCE(finished_at, now())
 WHERE webhook_url IS NOT NULL AND status IN ('completed', 'failed', 'cancelled');

-- Every attempt to deliver a job's webhook.
CREATE TABLE webhook_deliveries (
  id           bigserial   PRIMARY KEY,
  job_id       uuid        NOT NULL REFERENCES ingest_jobs (id) ON DELETE CASCADE,
  attempt      integer     NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  -- 'delivered', 'failed' or 'skipped' (no WEBHOOK_SECRET configured)
  outcome      text        NOT NULL CHECK (outcome IN ('delivered', 'failed', 'skipped')),
  status_code  integer,
  error        text,
  duration_ms  integer     NOT NULL DEFAULT 0
);
CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id, id);

-- Down Migration
DROP TABLE webhook_deliveries;
DROP INDEX ingest_jobs_webhook_unenqueued;
ALTER TABLE ingest_jobs DROP COLUMN webhook_enqueued_at;
