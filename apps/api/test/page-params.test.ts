import { ValidationFailedError } from '@nonstop/core';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, parsePageParams, type PageParams } from '../src/jobs/page-params';

/** The field names a rejected query was reported for (fails the test if it was accepted). */
function rejectedFields(query: Record<string, unknown>): string[] {
  let caught: unknown;
  try {
    parsePageParams(query);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationFailedError);
  const error = caught as ValidationFailedError;
  expect(error.status).toBe(400);
  expect(error.code).toBe('validation_failed');
  return (error.details ?? []).map((problem) => problem.field);
}

describe('parsePageParams', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_PAGE_LIMIT).toBe(100);
    expect(MAX_PAGE_LIMIT).toBe(1000);
  });

  it.each<[Record<string, unknown>, PageParams]>([
    [{}, { limit: 100 }],
    [{ cursor: '0' }, { afterPosition: 0, limit: 100 }],
    [{ cursor: '41' }, { afterPosition: 41, limit: 100 }],
    [{ cursor: '999999999' }, { afterPosition: 999_999_999, limit: 100 }],
    [{ limit: '1' }, { limit: 1 }],
    [{ limit: '1000' }, { limit: 1000 }],
    [{ limit: '0050' }, { limit: 50 }],
    [{ status: 'failed' }, { limit: 100, status: 'failed' }],
    [{ status: 'rolled_back' }, { limit: 100, status: 'rolled_back' }],
    [
      { cursor: '7', limit: '25', status: 'succeeded' },
      { afterPosition: 7, limit: 25, status: 'succeeded' },
    ],
    [{ other: 'ignored' }, { limit: 100 }],
  ])('accepts %j', (query, expected) => {
    expect(parsePageParams(query)).toEqual(expected);
  });

  it.each<[Record<string, unknown>, string[]]>([
    [{ cursor: '' }, ['cursor']],
    [{ cursor: '-1' }, ['cursor']],
    [{ cursor: '1.5' }, ['cursor']],
    [{ cursor: 'abc' }, ['cursor']],
    [{ cursor: ' 1' }, ['cursor']],
    [{ cursor: '1000000000' }, ['cursor']],
    [{ cursor: 5 }, ['cursor']],
    [{ cursor: ['1', '2'] }, ['cursor']],
    [{ limit: '0' }, ['limit']],
    [{ limit: '1001' }, ['limit']],
    [{ limit: '-5' }, ['limit']],
    [{ limit: '2.5' }, ['limit']],
    [{ limit: '1e3' }, ['limit']],
    [{ limit: 'ten' }, ['limit']],
    [{ limit: '' }, ['limit']],
    [{ limit: '100000' }, ['limit']],
    [{ limit: 10 }, ['limit']],
    [{ status: 'done' }, ['status']],
    [{ status: 'FAILED' }, ['status']],
    [{ status: '' }, ['status']],
    [{ status: ['failed'] }, ['status']],
    [{ cursor: 'x', limit: '0', status: 'nope' }, ['cursor', 'limit', 'status']],
    [{ cursor: '3', limit: 'many', status: 'failed' }, ['limit']],
  ])('rejects %j naming %j', (query, fields) => {
    expect(rejectedFields(query)).toEqual(fields);
  });

  it('explains each problem in the message', () => {
    expect(() => parsePageParams({ limit: '0', status: 'x' })).toThrow(
      'Invalid request: limit: must be an integer from 1 to 1000; status: must be one of pending, succeeded, failed, cancelled, rolled_back',
    );
  });
});
