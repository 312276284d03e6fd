import { randomUUID } from 'node:crypto';
import type { DocumentInput, RunFence } from '@nonstop/core';
import type { PgJobStore } from '@nonstop/storage';

/**
 * A job staged with `documents` and started: the fencing token that a
 * pipeline call outside the job runner (a test, a bench) writes under.
 */
export async function startedRun(
  jobs: PgJobStore,
  accountName: string,
  documents: DocumentInput[] = [],
  queuePrefix = 'test',
): Promise<RunFence> {
  const id = randomUUID();
  await jobs.createJob({
    id,
    accountName,
    documents,
    requestHash: 'started-run',
    duplicates: new Map(),
    queuePrefix,
    expiresAt: new Date(Date.now() + 3600_000),
  });
  const started = await jobs.startJob(id);
  return { jobId: id, run: started!.run_count };
}
