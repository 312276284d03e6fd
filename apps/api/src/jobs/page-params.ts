import { ValidationFailedError, type FieldProblem } from '@nonstop/core';
import type { LedgerStatus } from '@nonstop/storage';

const STATUSES: readonly LedgerStatus[] = ['pending', 'succeeded', 'failed', 'cancelled', 'rolled_back'];
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1_000;

export interface PageParams {
  afterPosition?: number;
  limit: number;
  status?: LedgerStatus;
}

/** Query parameters of the results listing; a bad one is a 400 naming it. */
export function parsePageParams(query: Record<string, unknown>): PageParams {
  const problems: FieldProblem[] = [];
  const params: PageParams = { limit: DEFAULT_PAGE_LIMIT };
  const { cursor, limit, status } = query;
  if (cursor !== undefined) {
    if (typeof cursor === 'string' && /^\d{1,9}$/.test(cursor)) params.afterPosition = Number(cursor);
    else problems.push({ field: 'cursor', problem: 'must be a cursor returned by a previous page' });
  }
  if (limit !== undefined) {
    const parsed = typeof limit === 'string' && /^\d{1,5}$/.test(limit) ? Number(limit) : NaN;
    if (parsed >= 1 && parsed <= MAX_PAGE_LIMIT) params.limit = parsed;
    else problems.push({ field: 'limit', problem: `must be an integer from 1 to ${MAX_PAGE_LIMIT}` });
  }
  if (status !== undefined) {
    if (typeof status === 'string' && (STATUSES as readonly string[]).includes(status)) params.status = status as LedgerStatus;
    else problems.push({ field: 'status', problem: `must be one of ${STATUSES.join(', ')}` });
  }
  if (problems.length > 0) throw new ValidationFailedError(problems);
  return params;
}
