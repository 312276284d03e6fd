import type { PoolClient } from 'pg';

/** What an account may have accepted and not yet processed. */
export interface QueuedQuota {
  maxDocuments: number;
  maxChunks: number;
}

export interface QueuedTotals {
  documents: number;
  chunks: number;
}

/** A new job would take its account past a queued quota; the transaction that staged it is rolled back. */
export class QueuedQuotaExceededError extends Error {
  override name = 'QueuedQuotaExceededError';

  constructor(
    readonly limit: 'documents' | 'chunks',
    /** Queued before this job. */
    readonly queued: number,
    readonly adding: number,
    readonly max: number,
  ) {
    super(`${adding} more queued ${limit} would pass the account's quota of ${max} (${queued} queued)`);
  }
}

/** Documents and chunks accepted for the account and not processed yet (its unfinished jobs). */
export const QUEUED_TOTALS_SQL = `
  SELECT COALESCE(SUM(total_documents - processed_documents), 0) AS documents, COALESCE(SUM(queued_chunks), 0) AS chunks
    FROM ingest_jobs WHERE account_name = $1 AND status IN ('pending', 'processing')`;

export function queuedTotalsOf(row: { documents: string; chunks: string } | undefined): QueuedTotals {
  return { documents: Number(row?.documents ?? 0), chunks: Number(row?.chunks ?? 0) };
}

/**
 * Records the new job's queued chunks and, with a quota, checks the account's
 * totals (this job included) under a per-account advisory lock held to COMMIT:
 * two submissions of one account check one after the other, the second
 * seeing the first's committed job, so parallel requests cannot all pass.
 * Called last in the staging transaction, so the lock is held only for this
 * query and the COMMIT, not while documents are written.
 */
export async function reserveQueuedQuota(
  client: PoolClient,
  job: { id: string; accountName: string; documents: number },
  chunks: number,
  quota: QueuedQuota | undefined,
): Promise<void> {
  await client.query('UPDATE ingest_jobs SET queued_chunks = $2 WHERE id = $1', [job.id, chunks]);
  if (!quota) return;
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended('queued-quota:' || $1, 0))", [job.accountName]);
  const totals = queuedTotalsOf((await client.query<{ documents: string; chunks: string }>(QUEUED_TOTALS_SQL, [job.accountName])).rows[0]);
  if (totals.documents > quota.maxDocuments) {
    throw new QueuedQuotaExceededError('documents', totals.documents - job.documents, job.documents, quota.maxDocuments);
  }
  if (totals.chunks > quota.maxChunks) throw new QueuedQuotaExceededError('chunks', totals.chunks - chunks, chunks, quota.maxChunks);
}
