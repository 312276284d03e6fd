-- Up Migration
-- Batch-insert jobs. PostgreSQL is the source of truth; Redis only schedules.
CREATE TABLE ingest_jobs (
  id                  uuid        PRIMARY KEY,
  account_name        text        NOT NULL,
  status              text        NOT NULL
    CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
  total_documents     integer     NOT NULL,
  processed_documents integer     NOT NULL DEFAULT 0,
  success_count       integer     NOT NULL DEFAULT 0,
  failure_count       integer     NOT NULL DEFAULT 0,
  cancelled_count     integer     NOT NULL DEFAULT 0,
  rolled_back_count   integer     NOT NULL DEFAULT 0,
  webhook_url         text,
  idempotency_key     text,
  request_hash        text        NOT NULL,
  error_code          text,
  error_message       text,
  cancel_requested_at timestamptz,
  rollback_requested  boolean     NOT NULL DEFAULT false,
  -- Set when a rollback removed the rows but Milvus was unreachable: the
  -- sweeper deletes the job's vectors once Milvus answers again.
  vectors_cleanup_pending boolean NOT NULL DEFAULT false,
  run_count           integer     NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL DEFAULT now(),
  started_at          timestamptz,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  expires_at          timestamptz NOT NULL,
  CONSTRAINT ingest_jobs_idempotency UNIQUE (account_name, idempotency_key)
);
CREATE INDEX ingest_jobs_unfinished ON ingest_jobs (created_at) WHERE status IN ('pending', 'processing');
CREATE INDEX ingest_jobs_expires_at ON ingest_jobs (expires_at);
CREATE INDEX ingest_jobs_cleanup ON ingest_jobs (id) WHERE vectors_cleanup_pending;

-- The per-document ledger: the durable record of each document's progress
-- and result, in submission order.
CREATE TABLE job_documents (
  job_id        uuid        NOT NULL REFERENCES ingest_jobs (id) ON DELETE CASCADE,
  position      integer     NOT NULL,
  chat_bot_id   text        NOT NULL,
  content_name  text        NOT NULL,
  chunks        jsonb       NOT NULL,
  metadata      jsonb,
  status        text        NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled', 'rolled_back')),
  doc_id        bigint,
  chunks_count  integer     NOT NULL DEFAULT 0,
  error_code    text,
  error_message text,
  attempts      integer     NOT NULL DEFAULT 0,
  started_at    timestamptz,
  finished_at   timestamptz,
  PRIMARY KEY (job_id, position)
);
CREATE INDEX job_documents_pending ON job_documents (job_id, position) WHERE status = 'pending';

-- Down Migration
DROP TABLE job_documents;
DROP TABLE ingest_jobs;
