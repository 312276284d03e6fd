import type { RunFence } from '@nonstop/core';
import { FencedOutError } from './fenced-out-error';
import type { JobRow, LedgerUpdate } from './job-rows';

/** Runs one statement: on the pool, or on the client of an open transaction. */
export type RunStatement = (sql: string, params: unknown[]) => Promise<{ rows: JobRow[] }>;

/**
 * Records finished documents in the ledger and moves the job's counters, in
 * one statement, only for the run that owns the job. Only rows still pending
 * change, so a replay after a crash counts nothing twice.
 */
export async function recordLedgerResults(run: RunStatement, fence: RunFence, updates: LedgerUpdate[]): Promise<JobRow> {
  const result = await run(
    `WITH owner AS (
       SELECT id FROM ingest_jobs WHERE id = $1 AND run_count = $8 AND status = 'processing' AND rolled_back_at IS NULL FOR UPDATE),
     -- the chunks of the rows about to finish, read before the update empties a success's chunks
     finishing AS (
       SELECT position, jsonb_array_length(chunks) AS chunks FROM job_documents
        WHERE job_id = (SELECT id FROM owner) AND position = ANY($2::int[]) AND status = 'pending'),
     changed AS (
       UPDATE job_documents j
          SET status = u.status, doc_id = u.doc_id, chunks_count = u.chunks_count, action = u.action,
              error_code = u.error_code, error_message = u.error_message,
              attempts = j.attempts + 1, finished_at = now(),
              -- the chunks now live in document_chunks; keep the ledger small
              chunks = CASE WHEN u.status = 'succeeded' THEN '[]'::jsonb ELSE j.chunks END
         FROM unnest($2::int[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::text[], $9::text[])
           AS u (position, status, doc_id, chunks_count, error_code, error_message, action), owner
        WHERE j.job_id = owner.id AND j.position = u.position AND j.status = 'pending'
        RETURNING u.status, u.position)
     UPDATE ingest_jobs SET
       processed_documents = processed_documents + (SELECT count(*) FROM changed),
       success_count = success_count + (SELECT count(*) FROM changed WHERE status = 'succeeded'),
       failure_count = failure_count + (SELECT count(*) FROM changed WHERE status = 'failed'),
       queued_chunks = GREATEST(0, queued_chunks - (SELECT COALESCE(SUM(f.chunks), 0) FROM changed JOIN finishing f USING (position))),
       updated_at = now()
     WHERE id = (SELECT id FROM owner) RETURNING *`,
    [
      fence.jobId,
      updates.map((u) => u.position),
      updates.map((u) => u.status),
      updates.map((u) => u.doc_id ?? null),
      updates.map((u) => u.chunks_count),
      updates.map((u) => u.error_code ?? null),
      updates.map((u) => u.error_message ?? null),
      fence.run,
      updates.map((u) => u.action ?? null),
    ],
  );
  const job = result.rows[0];
  if (!job) throw new FencedOutError(`run ${fence.run} of job ${fence.jobId} no longer owns it; its results are not recorded`);
  return job;
}
