import { ApiError, isUuid, NotFoundError } from '@nonstop/core';
import type { JobRow, PgJobStore } from '@nonstop/storage';
import { echo } from '../validation/field-rules';
import type { Caller } from './api-key-auth';

/** A job of another account is invisible: the same 404 as a job that does not exist. The id is echoed quoted and cut short. */
export async function visibleJob(jobs: PgJobStore, jobId: string, caller: Caller): Promise<JobRow> {
  return visible(isUuid(jobId) ? await jobs.getJob(jobId) : undefined, jobId, caller);
}

/** The same check on a job read some other way (`found` is undefined when there is no such job). */
export function visible<T extends { account_name: string }>(found: T | undefined, jobId: string, caller: Caller): T {
  if (!found || (caller.account !== undefined && found.account_name !== caller.account)) {
    throw new NotFoundError(`job ${echo(jobId)} not found`);
  }
  return found;
}

/** A key may only write for its own account. */
export function assertOwnAccount(accountName: string, caller: Caller): void {
  if (caller.account !== undefined && accountName !== caller.account) {
    throw new ApiError(403, 'account_mismatch', `account_name "${accountName}" is not the account of this API key`);
  }
}
