import { ledgerResultView, progressOf } from '@nonstop/pipeline';
import type { JobRow, LedgerRow } from '@nonstop/storage';

/**
 * Splits rows read with `limit + 1` into the page and the cursor of the next
 * one (the last position returned), which is null when nothing follows.
 */
export function pageOf(rows: LedgerRow[], limit: number): { page: LedgerRow[]; cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, cursor: rows.length > limit && last ? String(last.position) : null };
}

function messageFor(job: JobRow): string {
  switch (job.status) {
    case 'pending':
      return `Job is queued. Use GET /job/${job.id} to check status.`;
    case 'processing':
      return job.cancel_requested_at ? 'Job is being cancelled...' : 'Job is processing...';
    case 'completed':
      return `Job completed: ${job.success_count} succeeded, ${job.failure_count} failed.`;
    case 'failed':
      return `Job failed: ${job.error_message ?? 'unknown error'}. Every document it wrote was rolled back.`;
    case 'cancelled':
      return `Job cancelled: ${job.success_count} succeeded before the cancel, ${job.cancelled_count} not processed.`;
  }
}

/** From the observed rate of this job so far; absent until there is a rate to go by. */
function estimatedCompletion(job: JobRow): string | null {
  if (job.status !== 'processing' || !job.started_at || job.processed_documents === 0) return null;
  const elapsed = job.updated_at.getTime() - job.started_at.getTime();
  const remaining = job.total_documents - job.processed_documents;
  return new Date(job.updated_at.getTime() + (elapsed / job.processed_documents) * remaining).toISOString();
}

/** The status body; `firstRows` were read with `pageLimit + 1`. */
export function jobView(job: JobRow, firstRows: LedgerRow[], pageLimit: number): Record<string, unknown> {
  const { page, cursor } = pageOf(firstRows, pageLimit);
  return {
    job_id: job.id,
    account_name: job.account_name,
    kind: job.kind,
    status: job.status,
    progress: progressOf(job),
    results: page.map(ledgerResultView),
    results_next_cursor: cursor,
    timing: {
      created_at: job.created_at.toISOString(),
      started_at: job.started_at?.toISOString() ?? null,
      updated_at: job.updated_at.toISOString(),
      finished_at: job.finished_at?.toISOString() ?? null,
      estimated_completion: estimatedCompletion(job),
      expires_at: job.expires_at.toISOString(),
    },
    message: messageFor(job),
    ...(job.kind === 'insert' ? { on_existing: job.on_existing } : {}),
    ...(job.retry_of ? { retry_of: job.retry_of } : {}),
    ...(job.receipt ? { receipt: job.receipt } : {}),
    ...(job.cancel_requested_at ? { cancel_requested_at: job.cancel_requested_at.toISOString() } : {}),
    ...(job.error_message ? { error: { code: job.error_code, message: job.error_message } } : {}),
  };
}
