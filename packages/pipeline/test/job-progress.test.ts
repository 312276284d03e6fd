import type { JobRow } from '@nonstop/storage';
import { progressOf } from '../src/job-progress';
import { jobRowFixture } from '../../../test/support/job-row';

function job(counts: Partial<JobRow>): JobRow {
  const at = new Date('2024-05-01T00:00:00.000Z');
  return jobRowFixture({ status: 'processing', run_count: 1, started_at: at, ...counts });
}

describe('progressOf', () => {
  it.each<[number, number, number]>([
    [0, 0, 100], // nothing to do counts as done, never NaN
    [10, 0, 0],
    [10, 10, 100],
    [4, 1, 25],
    [3, 1, 33.3], // one decimal
    [3, 2, 66.6], // rounded down to one decimal
    [7, 1, 14.2],
    [8, 1, 12.5],
    [1000, 1, 0.1],
    [2000, 1, 0], // 0.05 rounds down
    [3000, 1, 0], // 0.033 rounds down
    [1000, 999, 99.9],
    [10000, 9999, 99.9], // never 100 before the last document
  ])('total %i, processed %i gives %d%%', (total, processed, percentage) => {
    expect(progressOf(job({ total_documents: total, processed_documents: processed })).percentage).toBe(percentage);
  });

  it('copies the counters', () => {
    const counts = { total_documents: 9, processed_documents: 6, success_count: 3, failure_count: 2, cancelled_count: 1 };
    expect(progressOf(job({ ...counts, rolled_back_count: 5 }))).toEqual({ ...counts, percentage: 66.6 });
  });
});
