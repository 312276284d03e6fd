import { randomUUID } from 'node:crypto';
import { ApiError } from '@nonstop/core';
import { findDuplicatesInRequest } from '@nonstop/pipeline';
import { FINAL_JOB_STATUSES, type JobRow, type PgJobStore, type QueuedQuota } from '@nonstop/storage';
import { queuedBy } from './queued-by';

/**
 * `POST /job/{id}/retry`: a new job of the original's failed documents, read
 * from its ledger (their chunks are kept there for this), with the same
 * on_existing and webhook, linked by `retry_of`. Only a finished insert job
 * can be retried: while it runs, its failures are not final.
 */
export async function retryJob(
  deps: { jobs: PgJobStore; config: { queuePrefix: string; retention: { unfinishedJobTtlHours: number } } },
  original: JobRow,
  idempotencyKey: string | undefined,
  /** The account's queued quotas, as for any new job: an early check, then the one atomic with the insert. */
  assertWithinQuota: (adding: { documents: number; chunks: number }) => Promise<void>,
  quota?: QueuedQuota,
): Promise<{ job: JobRow; created: boolean }> {
  if (!FINAL_JOB_STATUSES.includes(original.status)) {
    throw new ApiError(409, 'job_not_finished', `job ${original.id} is still ${original.status}; retry it once it has finished`);
  }
  if (original.kind !== 'insert')
    throw new ApiError(409, 'not_retryable', 'only insert jobs can be retried; submit a new delete job instead');
  const documents = await deps.jobs.failedDocuments(original.id);
  if (documents.length === 0) throw new ApiError(409, 'nothing_to_retry', `job ${original.id} has no failed documents`);
  const duplicates = findDuplicatesInRequest(documents);
  await assertWithinQuota(queuedBy(documents, duplicates));
  return deps.jobs.createJob({
    id: randomUUID(),
    accountName: original.account_name,
    documents,
    duplicates,
    ...(quota ? { quota } : {}),
    onExisting: original.on_existing,
    retryOf: original.id,
    ...(original.webhook_url ? { webhookUrl: original.webhook_url } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    requestHash: `retry:${original.id}`,
    expiresAt: new Date(Date.now() + deps.config.retention.unfinishedJobTtlHours * 3600_000),
    queuePrefix: deps.config.queuePrefix,
  });
}
