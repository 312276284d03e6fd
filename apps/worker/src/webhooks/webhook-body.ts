import { ledgerResultView, progressOf } from '@nonstop/pipeline';
import type { JobRow, LedgerRow } from '@nonstop/storage';

/** Results carried in the webhook body itself; larger jobs point to GET /job/{id}/results for the rest. */
export const WEBHOOK_RESULTS_PAGE = 100;

export interface WebhookBody {
  /** This attempt's own id: receivers refuse one they have seen (a replay); a retry is a new delivery. */
  delivery_id: string;
  /** The job's account: a receiver refuses a delivery about another account's job. */
  account_name: string;
  job_id: string;
  kind: JobRow['kind'];
  status: string;
  progress: ReturnType<typeof progressOf>;
  results: Array<Record<string, unknown>>;
  results_next_cursor: string | null;
  results_url?: string;
  error?: { code: string | null; message: string };
  /** A delete job's receipt. */
  receipt?: Record<string, unknown>;
}

/**
 * The body POSTed when a job ends: `{delivery_id, account_name, job_id, kind, status, progress, results}`.
 * `firstRows` were read with `WEBHOOK_RESULTS_PAGE + 1`, so a next page is
 * known to exist; then `results_next_cursor` and `results_url` say where it is.
 */
export function buildWebhookBody(job: JobRow, firstRows: LedgerRow[], deliveryId: string): WebhookBody {
  const page = firstRows.slice(0, WEBHOOK_RESULTS_PAGE);
  const more = firstRows.length > WEBHOOK_RESULTS_PAGE;
  const last = page[page.length - 1];
  const cursor = more && last ? String(last.position) : null;
  return {
    delivery_id: deliveryId,
    account_name: job.account_name,
    job_id: job.id,
    kind: job.kind,
    status: job.status,
    progress: progressOf(job),
    results: page.map(ledgerResultView),
    results_next_cursor: cursor,
    ...(more ? { results_url: `/job/${job.id}/results` } : {}),
    ...(job.error_message ? { error: { code: job.error_code, message: job.error_message } } : {}),
    ...(job.receipt ? { receipt: job.receipt } : {}),
  };
}
