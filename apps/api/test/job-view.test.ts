import type { JobRow, JobStatus, LedgerRow } from '@nonstop/storage';
import { ledgerResultView } from '@nonstop/pipeline';
import { jobView, pageOf } from '../src/jobs/job-view';
import { jobRowFixture } from '../../../test/support/job-row';

const JOB_ID = '8a6e0804-2bd0-4672-b79d-d97027f9071a';
const T0 = new Date('2024-05-01T00:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

function job(overrides: Partial<JobRow> = {}): JobRow {
  return jobRowFixture({
    id: JOB_ID,
    account_name: 'chatty',
    total_documents: 40,
    created_at: T0,
    updated_at: T0,
    expires_at: at(86_400),
    ...overrides,
  });
}

function row(position: number, overrides: Partial<LedgerRow> = {}): LedgerRow {
  return {
    position,
    chat_bot_id: 'bot001',
    content_name: `doc-${position}`,
    status: 'succeeded',
    doc_id: String(1000 + position),
    chunks_count: 2,
    action: null,
    error_code: null,
    error_message: null,
    ...overrides,
  };
}

describe('ledgerResultView', () => {
  it('shows a stored document with a numeric doc_id and no error', () => {
    const view = ledgerResultView(row(3, { doc_id: '9007199254740991', action: 'replaced' }));
    expect(view).toEqual({
      position: 3,
      content_name: 'doc-3',
      chat_bot_id: 'bot001',
      status: 'succeeded',
      success: true,
      doc_id: 9007199254740991,
      chunks_count: 2,
      action: 'replaced',
    });
    expect(typeof view.doc_id).toBe('number');
  });

  it('shows a failed document with its error and code and without doc_id', () => {
    const view = ledgerResultView(
      row(0, { status: 'failed', doc_id: null, chunks_count: 0, error_code: 'timeout', error_message: 'took too long' }),
    );
    expect(view).toEqual({
      position: 0,
      content_name: 'doc-0',
      chat_bot_id: 'bot001',
      status: 'failed',
      success: false,
      chunks_count: 0,
      error: 'took too long',
      error_code: 'timeout',
    });
    expect(view).not.toHaveProperty('doc_id');
  });

  it.each(['pending', 'failed', 'cancelled', 'rolled_back'] as const)('status %s is not a success', (status) => {
    expect(ledgerResultView(row(1, { status })).success).toBe(false);
  });
});

describe('pageOf', () => {
  const rows = (n: number): LedgerRow[] => Array.from({ length: n }, (_, i) => row(i * 2));

  it.each<[number, number, number, string | null]>([
    [0, 3, 0, null], // nothing at all
    [2, 3, 2, null], // a short last page
    [3, 3, 3, null], // exactly full, nothing follows
    [4, 3, 3, '4'], // one more row read: a next page exists, starting after position 4
    [1, 1, 1, null],
    [2, 1, 1, '0'],
  ])('%i rows with limit %i give a page of %i and cursor %p', (count, limit, pageLength, cursor) => {
    const { page, cursor: next } = pageOf(rows(count), limit);
    expect(page).toHaveLength(pageLength);
    expect(page).toEqual(rows(count).slice(0, limit));
    expect(next).toBe(cursor);
  });
});

describe('jobView', () => {
  it.each<[JobStatus, Partial<JobRow>, string]>([
    ['pending', {}, `Job is queued. Use GET /job/${JOB_ID} to check status.`],
    ['processing', {}, 'Job is processing...'],
    ['processing', { cancel_requested_at: at(5) }, 'Job is being cancelled...'],
    ['completed', { success_count: 38, failure_count: 2 }, 'Job completed: 38 succeeded, 2 failed.'],
    [
      'failed',
      { error_code: 'dependency_unavailable', error_message: 'PostgreSQL unavailable' },
      'Job failed: PostgreSQL unavailable. Every document it wrote was rolled back.',
    ],
    ['failed', {}, 'Job failed: unknown error. Every document it wrote was rolled back.'],
    ['cancelled', { success_count: 5, cancelled_count: 35 }, 'Job cancelled: 5 succeeded before the cancel, 35 not processed.'],
  ])('%s %j says %j', (status, overrides, message) => {
    expect(jobView(job({ status, ...overrides }), [], 100).message).toBe(message);
  });

  it('shows ids, progress, the first page with its cursor and ISO timings', () => {
    const view = jobView(
      job({ status: 'completed', processed_documents: 40, success_count: 40, started_at: at(1), updated_at: at(9), finished_at: at(9) }),
      [row(0), row(1), row(2)],
      2,
    );
    expect(view).toMatchObject({
      job_id: JOB_ID,
      account_name: 'chatty',
      status: 'completed',
      progress: { total_documents: 40, processed_documents: 40, success_count: 40, percentage: 100 },
      results_next_cursor: '1',
      timing: {
        created_at: '2024-05-01T00:00:00.000Z',
        started_at: '2024-05-01T00:00:01.000Z',
        updated_at: '2024-05-01T00:00:09.000Z',
        finished_at: '2024-05-01T00:00:09.000Z',
        estimated_completion: null,
        expires_at: '2024-05-02T00:00:00.000Z',
      },
    });
    expect((view.results as Array<{ position: number }>).map((result) => result.position)).toEqual([0, 1]);
    expect(view).not.toHaveProperty('error');
    expect(view).not.toHaveProperty('cancel_requested_at');
  });

  it('has null start and finish before the job starts', () => {
    expect(jobView(job(), [], 100).timing).toMatchObject({ started_at: null, finished_at: null });
  });

  it.each<[string, Partial<JobRow>]>([
    ['pending', { status: 'pending' }],
    ['processing with nothing processed yet', { status: 'processing', started_at: at(0), updated_at: at(30) }],
    ['processing without a start time', { status: 'processing', processed_documents: 10, updated_at: at(30) }],
    ['completed', { status: 'completed', processed_documents: 40, started_at: at(0), updated_at: at(30) }],
    ['cancelled', { status: 'cancelled', processed_documents: 10, started_at: at(0), updated_at: at(30) }],
  ])('has no estimated completion when %s', (_name, overrides) => {
    expect((jobView(job(overrides), [], 100).timing as Record<string, unknown>).estimated_completion).toBeNull();
  });

  it('estimates completion from the rate so far while processing', () => {
    // 10 of 40 documents in 60 s: 6 s each, 30 left => 180 s after the last update.
    const view = jobView(job({ status: 'processing', processed_documents: 10, started_at: at(0), updated_at: at(60) }), [], 100);
    expect((view.timing as Record<string, unknown>).estimated_completion).toBe(at(240).toISOString());
  });

  it('puts the estimate in the future for a job updated just now', () => {
    const now = Date.now();
    const view = jobView(
      job({
        status: 'processing',
        processed_documents: 1,
        total_documents: 3,
        started_at: new Date(now - 2_000),
        updated_at: new Date(now),
      }),
      [],
      100,
    );
    const estimate = (view.timing as Record<string, unknown>).estimated_completion as string;
    expect(new Date(estimate).toISOString()).toBe(estimate);
    expect(new Date(estimate).getTime()).toBe(now + 4_000);
    expect(new Date(estimate).getTime()).toBeGreaterThan(Date.now());
  });

  it('shows the error only when the job has one', () => {
    const failed = jobView(job({ status: 'failed', error_code: 'job_timeout', error_message: 'took longer than 600 s' }), [], 100);
    expect(failed.error).toEqual({ code: 'job_timeout', message: 'took longer than 600 s' });
    expect(jobView(job({ status: 'failed', error_code: 'job_timeout' }), [], 100)).not.toHaveProperty('error');
  });

  it('shows when a cancel was requested', () => {
    expect(jobView(job({ status: 'processing', cancel_requested_at: at(7) }), [], 100).cancel_requested_at).toBe(
      '2024-05-01T00:00:07.000Z',
    );
  });
});
