import type { JobRow, LedgerRow } from '@nonstop/storage';
import { buildWebhookBody, WEBHOOK_RESULTS_PAGE } from '../src/webhooks/webhook-body';
import { jobRowFixture } from '../../../test/support/job-row';

const JOB_ID = '8a6e0804-2bd0-4672-b79d-d97027f9071a';
const DELIVERY_ID = '5d1b7b2e-94b4-4a43-9a55-0f4d6f0e7c11';

function job(overrides: Partial<JobRow> = {}): JobRow {
  const now = new Date('2026-01-01T00:00:00Z');
  return jobRowFixture({
    id: JOB_ID,
    status: 'completed',
    total_documents: 3,
    processed_documents: 3,
    success_count: 2,
    failure_count: 1,
    webhook_url: 'https://hooks.example.com/x',
    run_count: 1,
    created_at: now,
    started_at: now,
    updated_at: now,
    finished_at: now,
    expires_at: now,
    ...overrides,
  });
}

function rows(count: number): LedgerRow[] {
  return Array.from({ length: count }, (_, position) => ({
    position,
    chat_bot_id: 'bot',
    content_name: `doc-${position}`,
    status: position === 1 ? 'failed' : 'succeeded',
    doc_id: position === 1 ? null : String(100 + position),
    chunks_count: position === 1 ? 0 : 2,
    action: position === 1 ? null : 'inserted',
    error_code: position === 1 ? 'already_exists' : null,
    error_message: position === 1 ? 'document already exists' : null,
  }));
}

describe('buildWebhookBody', () => {
  it('carries the delivery id, the account, job_id, status, progress and every result of a small job, with no results_url', () => {
    const body = buildWebhookBody(job(), rows(3), DELIVERY_ID);
    expect(body).toEqual({
      delivery_id: DELIVERY_ID,
      account_name: 'acct',
      job_id: JOB_ID,
      kind: 'insert',
      status: 'completed',
      progress: { total_documents: 3, processed_documents: 3, success_count: 2, failure_count: 1, cancelled_count: 0, percentage: 100 },
      results: [
        {
          position: 0,
          content_name: 'doc-0',
          chat_bot_id: 'bot',
          status: 'succeeded',
          success: true,
          doc_id: 100,
          chunks_count: 2,
          action: 'inserted',
        },
        {
          position: 1,
          content_name: 'doc-1',
          chat_bot_id: 'bot',
          status: 'failed',
          success: false,
          chunks_count: 0,
          error: 'document already exists',
          error_code: 'already_exists',
        },
        {
          position: 2,
          content_name: 'doc-2',
          chat_bot_id: 'bot',
          status: 'succeeded',
          success: true,
          doc_id: 102,
          chunks_count: 2,
          action: 'inserted',
        },
      ],
      results_next_cursor: null,
    });
  });

  it('for a larger job sends the first page, the cursor and results_url', () => {
    const body = buildWebhookBody(job({ total_documents: 500, processed_documents: 500 }), rows(WEBHOOK_RESULTS_PAGE + 1), DELIVERY_ID);
    expect(body.results).toHaveLength(WEBHOOK_RESULTS_PAGE);
    expect(body.results_next_cursor).toBe(String(WEBHOOK_RESULTS_PAGE - 1));
    expect(body.results_url).toBe(`/job/${JOB_ID}/results`);
  });

  it('exactly one page is not "more"', () => {
    const body = buildWebhookBody(job(), rows(WEBHOOK_RESULTS_PAGE), DELIVERY_ID);
    expect(body.results).toHaveLength(WEBHOOK_RESULTS_PAGE);
    expect(body.results_next_cursor).toBeNull();
    expect(body).not.toHaveProperty('results_url');
  });

  it('says why a failed job failed', () => {
    const body = buildWebhookBody(job({ status: 'failed', error_code: 'job_timeout', error_message: 'over 1 h' }), [], DELIVERY_ID);
    expect(body).toMatchObject({ status: 'failed', results: [], error: { code: 'job_timeout', message: 'over 1 h' } });
  });
});
