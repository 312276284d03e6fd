import { ApiError, isUuid, NotFoundError } from '@nonstop/core';
import type { JobRow, PgJobStore } from '@nonstop/storage';
import { echo } from '../validation/field-rules';
import type { Caller } from './api-key-auth';

/** A job of another account is invisible: the same 404 as a job that does not exist. The id is echoed quoted and cut short. */
export async function visibleJob(jobs: PgJobStore, jobId: string, caller: Caller): Promise<JobRow> {
  const job = isUuid(jobId) ? await jobs.getJob(jobId) : undefined;
  if (!job || (caller.account !== undefined && job.account_name !== caller.account)) {
    throw new NotFoundError(`job ${echo(jobId)} not found`);
  }
  return job;
}

/** A key may only write for its own account. */
export function assertOwnAccount(accountName: string, caller: Caller): void {
  if (caller.account !== undefined && accountName !== caller.account) {
    throw new ApiError(403, 'account_mismatch', `account_name "${accountName}" is not the account of this API key`);
  }
}
