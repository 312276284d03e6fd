import type { Pool } from 'pg';
import type { RunFence } from '@nonstop/core';
import { assertRunMayWrite } from './pg-document-store';
import { recordLedgerResults } from './ledger-results';
import type { JobRow, LedgerUpdate, PendingDocument } from './job-rows';
import { runQuery, withTransaction } from './transaction';

/**
 * A delete job's writes in PostgreSQL. Documents are deleted by identity
 * (account, chat_bot_id, content_name) as they are when the job reaches them:
 * the active version and any superseded one still waiting for its job's end
 * (so a rollback of that job cannot bring it back). A staged version, whose
 * ingest is still in flight, is left to that ingest: it becomes active after
 * the delete, and the later write wins.
 */
export class PgDocumentDeletes {
  constructor(private readonly pool: Pool) {}

  /**
   * Deletes one page of the job's ledger in one fenced transaction: the rows,
   * a record of their vectors under the job's id (deleted next, and checked
   * gone before the job completes), and the ledger results (`deleted` or
   * `not_found`) with the job's counters. Returns the removed document ids.
   */
  async deletePage(fence: RunFence, accountName: string, page: PendingDocument[]): Promise<{ job: JobRow; removedDocIds: number[] }> {
    return withTransaction(this.pool, async (client) => {
      await assertRunMayWrite(client, fence);
      const removed = await client.query<{ position: number; ids: string[]; active_id: string | null; chunks: number }>(
        `WITH targets AS (
           SELECT * FROM unnest($2::text[], $3::text[], $4::int[]) AS t (chat_bot_id, content_name, position)),
         removed AS (
           DELETE FROM documents d USING targets t
            WHERE d.account_name = $1 AND d.chat_bot_id = t.chat_bot_id AND d.state IN ('active', 'superseded')
              AND d.content_name_digest = sha256(convert_to(t.content_name, 'UTF8')) AND d.content_name = t.content_name
           RETURNING d.id, t.position, d.chunks_count, d.state),
         recorded AS (
           INSERT INTO pending_vector_deletes (document_id, queue_prefix, job_id)
           SELECT removed.id, j.queue_prefix, j.id FROM removed, ingest_jobs j WHERE j.id = $5
           ON CONFLICT (document_id) DO UPDATE SET job_id = EXCLUDED.job_id)
         SELECT position, array_agg(id) AS ids,
                min(id) FILTER (WHERE state = 'active') AS active_id,
                COALESCE(sum(chunks_count) FILTER (WHERE state = 'active'), 0)::int AS chunks
           FROM removed GROUP BY position`,
        [accountName, page.map((d) => d.chat_bot_id), page.map((d) => d.content_name), page.map((d) => d.position), fence.jobId],
      );
      const byPosition = new Map(removed.rows.map((row) => [row.position, row]));
      const updates = page.map((document): LedgerUpdate => {
        const row = byPosition.get(document.position);
        if (!row) return { position: document.position, status: 'succeeded', chunks_count: 0, action: 'not_found' };
        const docId = row.active_id ?? row.ids[0]!;
        return { position: document.position, status: 'succeeded', doc_id: Number(docId), chunks_count: row.chunks, action: 'deleted' };
      });
      const job = await recordLedgerResults((sql, params) => client.query<JobRow>(sql, params), fence, updates);
      return { job, removedDocIds: removed.rows.flatMap((row) => row.ids.map(Number)) };
    });
  }

  /** The documents the job listed when it was accepted (the receipt's "before"). */
  async listedDocIds(jobId: string): Promise<number[]> {
    const result = await runQuery<{ doc_id: string }>(
      this.pool,
      'SELECT doc_id FROM job_documents WHERE job_id = $1 AND doc_id IS NOT NULL ORDER BY position',
      [jobId],
    );
    return result.rows.map((row) => Number(row.doc_id));
  }

  /** The receipt's "deleted" counts, from the ledger. */
  async deletedCounts(jobId: string): Promise<{ deleted: number; chunks: number; not_found: number }> {
    const result = await runQuery<{ deleted: number; chunks: number; not_found: number }>(
      this.pool,
      `SELECT count(*) FILTER (WHERE action = 'deleted')::int AS deleted,
              COALESCE(sum(chunks_count) FILTER (WHERE action = 'deleted'), 0)::int AS chunks,
              count(*) FILTER (WHERE action = 'not_found')::int AS not_found
         FROM job_documents WHERE job_id = $1`,
      [jobId],
    );
    return result.rows[0]!;
  }

  /** Merges fields into the job's receipt (a delete job's counts and times). */
  async updateReceipt(jobId: string, fields: Record<string, unknown>): Promise<JobRow> {
    const result = await runQuery<JobRow>(
      this.pool,
      `UPDATE ingest_jobs SET receipt = COALESCE(receipt, '{}'::jsonb) || $2::jsonb WHERE id = $1 RETURNING *`,
      [jobId, JSON.stringify(fields)],
    );
    return result.rows[0]!;
  }

  /** Rows still present for the identities of the job's deleted documents (non-zero only when an ingest wrote them again). */
  async remainingOf(jobId: string, accountName: string): Promise<{ documents: number; chunks: number }> {
    const result = await runQuery<{ documents: number; chunks: number }>(
      this.pool,
      `SELECT count(d.id)::int AS documents, COALESCE(sum(d.chunks_count), 0)::int AS chunks
         FROM job_documents j
         JOIN documents d ON d.account_name = $2 AND d.chat_bot_id = j.chat_bot_id
          AND d.content_name_digest = sha256(convert_to(j.content_name, 'UTF8')) AND d.content_name = j.content_name
        WHERE j.job_id = $1 AND j.action = 'deleted' AND d.state <> 'staged'`,
      [jobId, accountName],
    );
    return result.rows[0]!;
  }
}
