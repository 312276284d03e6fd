-- Up Migration
-- The W3C trace context (traceparent, tracestate) of the request that accepted
-- the job, so every run of it continues that trace: the first, and one a
-- recovery pass re-enqueued from PostgreSQL after Redis forgot the job.
-- NULL when tracing was off.
ALTER TABLE ingest_jobs ADD COLUMN trace_context jsonb;

-- Down Migration
ALTER TABLE ingest_jobs DROP COLUMN trace_context;
