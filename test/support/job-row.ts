import type { JobRow } from '@nonstop/storage';

export const FIXTURE_JOB_ID = '8a6e0804-2bd0-4672-b79d-d97027f9071a';

/**
 * A jobs row as PostgreSQL returns it, for unit tests of what is built from
 * one (views, progress, webhook bodies): a pending insert job of nothing yet,
 * with each test setting the fields it is about.
 */
export function jobRowFixture(overrides: Partial<JobRow> = {}): JobRow {
  const at = new Date('2024-05-01T00:00:00.000Z');
  return {
    id: FIXTURE_JOB_ID,
    account_name: 'acct',
    status: 'pending',
    total_documents: 0,
    processed_documents: 0,
    success_count: 0,
    failure_count: 0,
    cancelled_count: 0,
    rolled_back_count: 0,
    webhook_url: null,
    idempotency_key: null,
    request_hash: 'h',
    error_code: null,
    error_message: null,
    cancel_requested_at: null,
    rollback_requested: false,
    vectors_cleanup_pending: false,
    rolled_back_at: null,
    queue_prefix: 'nonstop',
    run_count: 0,
    kind: 'insert',
    on_existing: 'fail',
    retry_of: null,
    receipt: null,
    created_at: at,
    started_at: null,
    updated_at: at,
    finished_at: null,
    expires_at: at,
    ...overrides,
  };
}
