import { randomUUID } from 'node:crypto';
import { ApiError, isErrorNamed, type AppConfig, type DocumentInput, type Logger, type OnExisting } from '@nonstop/core';
import { BatchJobRunner, findDuplicatesInRequest, ledgerResultView, type Runtime } from '@nonstop/pipeline';
import type { JobRow, PgJobStore } from '@nonstop/storage';

export interface SyncInsertDeps {
  jobs: PgJobStore;
  /** A runner with the synchronous limits: SYNC_REQUEST_TIMEOUT_MS, and no outage grace (the caller is waiting). */
  runner: BatchJobRunner;
  queuePrefix: string;
  retentionHours: number;
}

/** The runner of synchronous requests: the caller is waiting, so an outage fails the request at once, rolled back. */
export function createSyncRunner(
  runtime: Pick<Runtime, 'jobs' | 'pipeline' | 'vectors'>,
  config: Pick<AppConfig, 'limits'>,
  logger: Logger,
): BatchJobRunner {
  return new BatchJobRunner(runtime.jobs, runtime.pipeline, runtime.vectors, logger, {
    jobTimeoutMs: config.limits.syncRequestTimeoutMs,
    outageGraceMs: 0,
    pageSize: 500,
  });
}

/**
 * A synchronous insert is a job run by the API itself: staged in the ledger
 * in one transaction, then run by the same BatchJobRunner a worker uses, so
 * it gets every guarantee of a job (fenced writes, documents failing alone,
 * roll back of both stores on a system failure) from one write path. It is
 * never queued, so it never waits behind large jobs.
 */
export async function runSyncInsert(
  deps: SyncInsertDeps,
  request: {
    accountName: string;
    documents: DocumentInput[];
    onExisting: OnExisting;
    requestHash: string;
    idempotencyKey?: string | undefined;
  },
): Promise<{ job: JobRow; results: Record<string, unknown>[] }> {
  const { accountName, documents } = request;
  const staging = () =>
    deps.jobs.createJob({
      id: randomUUID(),
      accountName,
      documents,
      onExisting: request.onExisting,
      requestHash: request.requestHash,
      origin: 'sync',
      queuePrefix: deps.queuePrefix,
      expiresAt: new Date(Date.now() + deps.retentionHours * 3600_000),
      duplicates: findDuplicatesInRequest(documents),
      ...(request.idempotencyKey !== undefined ? { idempotencyKey: request.idempotencyKey } : {}),
    });
  let { job: staged, created } = await staging();
  if (!created && staged.status === 'failed') {
    // A failed request kept nothing: its key is free for the retry.
    await deps.jobs.releaseIdempotencyKey(staged.id);
    ({ job: staged, created } = await staging());
  }
  if (!created) return replay(deps, staged);
  let job: JobRow | undefined;
  try {
    const outcome = await deps.runner.run(staged.id);
    job = outcome.status === 'completed' ? outcome.job : await deps.jobs.getJob(staged.id);
  } catch (error) {
    if (!isErrorNamed(error, 'DependencyError')) throw error;
    throw notStored(staged.id, undefined);
  }
  if (!job || job.status !== 'completed') {
    if (job?.status === 'failed') await deps.jobs.releaseIdempotencyKey(job.id).catch(() => undefined);
    throw notStored(staged.id, job);
  }
  return { job, results: await resultsOf(deps, job) };
}

/** The same Idempotency-Key and body again: the first request's answer, once it has one. */
async function replay(deps: SyncInsertDeps, job: JobRow): Promise<{ job: JobRow; results: Record<string, unknown>[] }> {
  if (job.status === 'completed') return { job, results: await resultsOf(deps, job) };
  throw new ApiError(
    409,
    'request_in_progress',
    `A request with this Idempotency-Key is still running as job ${job.id}; retry shortly for its answer (GET /job/${job.id} shows it).`,
  );
}

async function resultsOf(deps: SyncInsertDeps, job: JobRow): Promise<Record<string, unknown>[]> {
  const rows = await deps.jobs.listResults(job.id, { limit: job.total_documents });
  return rows.map(ledgerResultView);
}

function notStored(jobId: string, job: JobRow | undefined): ApiError {
  if (job?.status === 'failed') {
    const code = job.error_code === 'job_timeout' ? 'sync_timeout' : (job.error_code ?? 'internal_error');
    return new ApiError(503, code, `${job.error_message ?? 'the request failed'}. Nothing from this request was kept; retry later.`);
  }
  // The failure could not be recorded (PostgreSQL is away): the request stays staged and a worker
  // resumes it once PostgreSQL answers; GET /job/{id} tells how it ends.
  return new ApiError(
    503,
    'postgresql_unavailable',
    `PostgreSQL is unavailable. The request is staged as job ${jobId} and completes when PostgreSQL is back; ` +
      `see GET /job/${jobId} before retrying (documents it stored answer "already exists").`,
  );
}
