import type { PoolClient } from 'pg';

/**
 * The end of the versions a job superseded. They stay, vectors and all,
 * while the job runs, so that its rollback can bring them back; readers never
 * see them (they are not active).
 */

/**
 * A job that ends kept (completed, or cancelled without rollback): the
 * versions it replaced are deleted in the transaction that ends it, and their
 * vectors recorded for deletion under its id (the runner deletes them next;
 * after a crash, the sweeper does).
 */
export async function retireSupersededVersions(client: PoolClient, jobId: string): Promise<void> {
  await client.query(
    `WITH retired AS (DELETE FROM documents WHERE superseded_by_job = $1 RETURNING id)
     INSERT INTO pending_vector_deletes (document_id, queue_prefix, job_id)
     SELECT retired.id, j.queue_prefix, j.id FROM retired, ingest_jobs j WHERE j.id = $1
     ON CONFLICT (document_id) DO NOTHING`,
    [jobId],
  );
}

/**
 * A rollback, after the job's own rows are gone: each version it superseded
 * is active again, unless another version became active meanwhile (a delete
 * or a later job decided otherwise); those are retired instead.
 */
export async function restoreSupersededVersions(client: PoolClient, jobId: string): Promise<void> {
  await client.query(
    `UPDATE documents d SET state = 'active', superseded_by_job = NULL
      WHERE d.superseded_by_job = $1
        AND NOT EXISTS (SELECT 1 FROM documents a
                         WHERE a.account_name = d.account_name AND a.chat_bot_id = d.chat_bot_id
                           AND a.content_name_digest = d.content_name_digest AND a.state = 'active')`,
    [jobId],
  );
  await retireSupersededVersions(client, jobId);
}
