import { ValidationFailedError } from '@nonstop/core';

const ROLLBACK_VALUES: Readonly<Record<string, boolean>> = { true: true, 1: true, false: false, 0: false };

/** `?rollback=` of DELETE /job/{id}: a value that is neither yes nor no is refused rather than read as no. */
export function parseRollback(query: Record<string, unknown>): boolean {
  const { rollback } = query;
  if (rollback === undefined) return false;
  if (typeof rollback === 'string' && Object.hasOwn(ROLLBACK_VALUES, rollback)) return ROLLBACK_VALUES[rollback]!;
  throw new ValidationFailedError([{ field: 'rollback', problem: 'must be one of true, 1, false, 0' }]);
}
