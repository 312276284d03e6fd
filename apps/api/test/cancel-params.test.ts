import { ValidationFailedError } from '@nonstop/core';
import { parseRollback } from '../src/jobs/cancel-params';

describe('parseRollback', () => {
  it.each<[Record<string, unknown>, boolean]>([
    [{}, false],
    [{ rollback: 'true' }, true],
    [{ rollback: '1' }, true],
    [{ rollback: 'false' }, false],
    [{ rollback: '0' }, false],
  ])('%j is %s', (query, expected) => {
    expect(parseRollback(query)).toBe(expected);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an unknown word', { rollback: 'maybe' }],
    ['capitals', { rollback: 'TRUE' }],
    ['an empty value', { rollback: '' }],
    ['a repeated parameter', { rollback: ['true', 'false'] }],
    ['a name inherited from Object.prototype', { rollback: 'toString' }],
  ])('refuses %s naming the parameter', (_name, query) => {
    expect(() => parseRollback(query)).toThrow(ValidationFailedError);
    expect(() => parseRollback(query)).toThrow('rollback: must be one of true, 1, false, 0');
  });
});
