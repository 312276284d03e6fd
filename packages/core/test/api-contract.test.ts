import { apiBody } from '../src';

/**
 * apiBody's checks are compile-time: each `@ts-expect-error` below must stay
 * an error, or `npm run typecheck` fails ("unused directive"). The run-time
 * part is only that the body comes back unchanged.
 */
const progress = { total_documents: 2, processed_documents: 1, success_count: 1, failure_count: 0, cancelled_count: 0, percentage: 50 };
const state = { job_id: 'j', status: 'processing' as const, progress, updated_at: '2026-01-01T00:00:00.000Z' };

function spreadOnlySometimes(flag: boolean): unknown {
  // @ts-expect-error a field the schema lacks, spread in (the plain excess-property check misses it)
  return apiBody('JobStreamState', { ...state, ...(flag ? { queue_position: 3 } : {}) });
}

function nestedInANamedValue(): unknown {
  const withExtra = { ...progress, eta_seconds: 9 };
  // @ts-expect-error a field the schema lacks, inside a value of another type
  return apiBody('JobStreamState', { ...state, progress: withExtra });
}

function inAnArrayItem(): unknown {
  const result = {
    position: 0,
    content_name: 'c',
    chat_bot_id: 'b',
    status: 'failed' as const,
    success: false,
    chunks_count: 0,
    retry_hint: 'x',
  };
  // @ts-expect-error a field the schema lacks, in an array item
  return apiBody('ResultsPage', { job_id: 'j', results: [result], next_cursor: null });
}

function missingARequiredField(): unknown {
  const { updated_at: _dropped, ...withoutUpdatedAt } = state;
  // @ts-expect-error updated_at is required by JobStreamState
  return apiBody('JobStreamState', withoutUpdatedAt);
}

describe('apiBody', () => {
  it('returns the body unchanged, optional fields spread in or not', () => {
    const body = { ...state, ...(Date.now() > 0 ? { cancel_requested_at: '2026-01-01T00:00:01.000Z' } : {}) };
    expect(apiBody('JobStreamState', body)).toBe(body);
    expect(apiBody('SearchResponse', { results: [] })).toEqual({ results: [] });
  });

  it('keeps its compile-time refusals (see the @ts-expect-error lines)', () => {
    expect(
      [spreadOnlySometimes, nestedInANamedValue, inAnArrayItem, missingARequiredField].every((check) => typeof check === 'function'),
    ).toBe(true);
  });
});
