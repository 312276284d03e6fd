import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import {
  ApiError,
  enqueueBatchInsert,
  errorMessage,
  isErrorNamed,
  isUuid,
  type AppConfig,
  type BatchInsertQueue,
  type Logger,
} from '@nonstop/core';
import type { PgDocumentStore, PgWebhookStore } from '@nonstop/storage';
import { checkWebhookUrl, enqueueWebhookAfterCancel, webhookDeliveriesView, type WebhookQueue } from './job-webhooks';
import { findDuplicatesInRequest, ledgerResultView } from '@nonstop/pipeline';
import { FINAL_JOB_STATUSES, QueuedQuotaExceededError, type JobRow, type PgJobStore, type QueuedQuota } from '@nonstop/storage';
import { callerOf } from '../auth/api-key-auth';
import { assertOwnAccount, visible, visibleJob } from '../auth/tenancy';
import { idempotencyKeyOf } from '../http/idempotency-key';
import type { BodyMemoryBudget } from '../http/body-memory-budget';
import { jsonBody } from '../http/json-body';
import { requestHash } from '../http/request-hash';
import { validateBatchDeleteBody } from '../validation/batch-delete.dto';
import { onExistingOf, validateBatchInsertBody } from '../validation/validate-body';
import { dryRunAnswer } from '../routes/dry-run';
import { retryJob } from './job-retry';
import { queuedBy } from './queued-by';
import { jobView, pageOf } from './job-view';
import { parseRollback } from './cancel-params';
import { JobStatusReader } from './job-status-reader';
import { DEFAULT_PAGE_LIMIT, parsePageParams } from './page-params';

export interface JobRouteDeps {
  jobs: PgJobStore;
  /** Read by dry runs. */
  documents: PgDocumentStore;
  queue: BatchInsertQueue;
  config: Pick<AppConfig, 'limits' | 'retention' | 'queuePrefix'> & Partial<Pick<AppConfig, 'webhook' | 'jobStatusCacheMs'>>;
  /** The queued quotas per account (documents and chunks accepted and not yet processed); none when absent. */
  quota?: {
    maxQueuedDocuments: number;
    maxQueuedChunks: number;
    queuedTotals: (accountName: string) => Promise<{ documents: number; chunks: number }>;
  };
  logger: Logger;
  /** Webhook deliveries: the queue the API enqueues on when it cancels a pending job, and the attempts' record. */
  webhookQueue?: WebhookQueue;
  webhooks?: PgWebhookStore;
  /** How long DELETE waits for the worker to stop a processing job before answering. */
  cancelWaitMs?: number;
  /** The process's memory for request bodies; without it bodies are bounded by their size limit alone. */
  bodyMemory?: BodyMemoryBudget;
}

export function jobRoutes(deps: JobRouteDeps): Router {
  const router = Router();
  const { limits, retention } = deps.config;
  const statuses = new JobStatusReader(deps.jobs, deps.config.jobStatusCacheMs ?? 0);

  router.post('/job/batch-insert', jsonBody(limits.maxJobBodyBytes, deps.bodyMemory), async (req, res) => {
    const idempotencyKey = idempotencyKeyOf(req);
    const request = validateBatchInsertBody(req.body, {
      maxDocuments: limits.maxDocumentsPerJob,
      maxChunksPerDocument: limits.maxChunksPerDocument,
      maxChunkTextLength: limits.maxChunkTextLength,
      maxMetadataBytes: limits.maxMetadataBytes,
    });
    assertOwnAccount(request.account_name, callerOf(res));
    if (request.webhook_url !== undefined) await checkWebhookUrl(request.webhook_url, deps.config.webhook);
    if (request.dry_run) {
      res.json(await dryRunAnswer(deps.documents, request));
      return;
    }
    const duplicates = findDuplicatesInRequest(request.documents);
    await assertWithinQuota(deps, res, request.account_name, queuedBy(request.documents, duplicates));
    const { job, created } = await withinQuota(deps, res, request.account_name, () =>
      deps.jobs.createJob({
        id: randomUUID(),
        accountName: request.account_name,
        documents: request.documents,
        onExisting: onExistingOf(request),
        ...(request.webhook_url !== undefined ? { webhookUrl: request.webhook_url } : {}),
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
        requestHash: requestHash(request),
        expiresAt: new Date(Date.now() + retention.unfinishedJobTtlHours * 3600_000),
        duplicates,
        queuePrefix: deps.config.queuePrefix,
        ...quotaOf(deps),
      }),
    );
    await answerAccepted(deps, res, job, created);
  });

  router.post('/job/batch-delete', jsonBody(limits.maxJobBodyBytes), async (req, res) => {
    const idempotencyKey = idempotencyKeyOf(req);
    const request = validateBatchDeleteBody(req.body);
    assertOwnAccount(request.account_name, callerOf(res));
    if (request.webhook_url !== undefined) await checkWebhookUrl(request.webhook_url, deps.config.webhook);
    const { job, created } = await deps.jobs.createDeleteJob({
      id: randomUUID(),
      accountName: request.account_name,
      scope: request.scope,
      ...(request.webhook_url !== undefined ? { webhookUrl: request.webhook_url } : {}),
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      requestHash: requestHash({ kind: 'delete', ...request }),
      expiresAt: new Date(Date.now() + retention.unfinishedJobTtlHours * 3600_000),
      queuePrefix: deps.config.queuePrefix,
    });
    await answerAccepted(deps, res, job, created);
  });

  router.post('/job/:jobId/retry', async (req, res) => {
    const idempotencyKey = idempotencyKeyOf(req);
    const original = await visibleJob(deps.jobs, req.params.jobId, callerOf(res));
    const { job, created } = await withinQuota(deps, res, original.account_name, () =>
      retryJob(
        deps,
        original,
        idempotencyKey,
        (adding) => assertWithinQuota(deps, res, original.account_name, adding),
        deps.quota ? quotaOf(deps).quota : undefined,
      ),
    );
    await answerAccepted(deps, res, job, created, { retry_of: original.id });
  });

  router.get('/job/:jobId', async (req, res) => {
    const { jobId } = req.params;
    const status = visible(isUuid(jobId) ? await statuses.read(jobId) : undefined, jobId, callerOf(res));
    res.type('json').set('ETag', status.etag).send(status.body);
  });

  router.get('/job/:jobId/results', async (req, res) => {
    const page = parsePageParams(req.query);
    const job = await visibleJob(deps.jobs, req.params.jobId, callerOf(res));
    const rows = await deps.jobs.listResults(job.id, { ...page, limit: page.limit + 1 });
    const { page: results, cursor } = pageOf(rows, page.limit);
    res.json({ job_id: job.id, results: results.map(ledgerResultView), next_cursor: cursor });
  });

  router.delete('/job/:jobId', async (req, res) => {
    const rollback = parseRollback(req.query);
    const job = await visibleJob(deps.jobs, req.params.jobId, callerOf(res));
    if (rollback && job.kind === 'delete') {
      throw new ApiError(
        409,
        'rollback_not_possible',
        'a delete job cannot be rolled back (what it deleted is gone); cancel it without rollback',
      );
    }
    const flagged = await deps.jobs.requestCancel(job.id, rollback);
    statuses.forget(job.id);
    if (flagged.status === 'cancelled') {
      await deps.queue.remove(job.id).catch(() => undefined); // never started; the worker would skip it anyway
      if (flagged.webhook_url) await enqueueWebhookAfterCancel(deps, job.id);
    }
    const settled = await waitUntilFinal(deps.jobs, job.id, deps.cancelWaitMs ?? 10_000);
    statuses.forget(job.id);
    const view = jobView(settled, [], DEFAULT_PAGE_LIMIT);
    const final = FINAL_JOB_STATUSES.includes(settled.status);
    res.status(final ? 200 : 202).json({
      ...view,
      message: final ? 'Job cancelled successfully' : 'Cancel requested; the worker stops after the document in hand',
    });
  });

  router.get('/job/:jobId/webhook-deliveries', async (req, res) => {
    const job = await visibleJob(deps.jobs, req.params.jobId, callerOf(res));
    const attempts = deps.webhooks ? await deps.webhooks.listAttempts(job.id) : [];
    res.json(webhookDeliveriesView(job, attempts));
  });

  return router;
}

/** 202 for a new job (enqueued now, or by recovery once Redis answers); 200 for the job an Idempotency-Key already made. */
async function answerAccepted(
  deps: JobRouteDeps,
  res: Response,
  job: JobRow,
  created: boolean,
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (created) {
    try {
      await enqueueBatchInsert(deps.queue, job.id, deps.config.retention);
    } catch (error) {
      // The job is staged in PostgreSQL: the worker's recovery pass enqueues it once Redis is back.
      deps.logger.warn('job staged but not enqueued; recovery will enqueue it', { job_id: job.id, error: errorMessage(error) });
    }
  }
  res.status(created ? 202 : 200).json({
    job_id: job.id,
    kind: job.kind,
    status: job.status,
    total_documents: job.total_documents,
    created_at: job.created_at.toISOString(),
    ...extra,
    message: created
      ? `Job created successfully. Use GET /job/${job.id} to check status.`
      : 'A job was already created with this Idempotency-Key and body; returning it.',
  });
}

function quotaOf(deps: JobRouteDeps): { quota?: QueuedQuota } {
  return deps.quota ? { quota: { maxDocuments: deps.quota.maxQueuedDocuments, maxChunks: deps.quota.maxQueuedChunks } } : {};
}

/**
 * Past the account's queued quota (documents or chunks) a new job waits: 429 instead of an unbounded
 * queue. This early check spares staging a body that is plainly over; the check that holds against
 * parallel requests is the one createJob makes in its own transaction (see withinQuota).
 */
async function assertWithinQuota(
  deps: JobRouteDeps,
  res: Response,
  accountName: string,
  adding: { documents: number; chunks: number },
): Promise<void> {
  if (!deps.quota) return;
  const queued = await deps.quota.queuedTotals(accountName);
  if (queued.documents + adding.documents > deps.quota.maxQueuedDocuments) {
    throw quotaExceeded(
      res,
      accountName,
      new QueuedQuotaExceededError('documents', queued.documents, adding.documents, deps.quota.maxQueuedDocuments),
    );
  }
  if (queued.chunks + adding.chunks > deps.quota.maxQueuedChunks) {
    throw quotaExceeded(res, accountName, new QueuedQuotaExceededError('chunks', queued.chunks, adding.chunks, deps.quota.maxQueuedChunks));
  }
}

/** The staging transaction's own quota check (atomic with the insert) answered as 429 too. */
async function withinQuota<T>(deps: JobRouteDeps, res: Response, accountName: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (isErrorNamed(error, 'QueuedQuotaExceededError')) throw quotaExceeded(res, accountName, error as QueuedQuotaExceededError);
    throw error;
  }
}

function quotaExceeded(res: Response, accountName: string, exceeded: QueuedQuotaExceededError): ApiError {
  res.set('Retry-After', '30');
  return new ApiError(
    429,
    exceeded.limit === 'documents' ? 'queued_documents_quota' : 'queued_chunks_quota',
    `Account ${accountName} has ${exceeded.queued} ${exceeded.limit} queued; ${exceeded.adding} more would pass its quota of ${exceeded.max}. ` +
      'Retry when jobs finish.',
  );
}

async function waitUntilFinal(jobs: PgJobStore, jobId: string, waitMs: number): Promise<JobRow> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const job = (await jobs.getJob(jobId))!;
    if (FINAL_JOB_STATUSES.includes(job.status) || Date.now() >= deadline) return job;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
