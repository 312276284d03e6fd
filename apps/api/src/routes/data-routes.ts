import { Router } from 'express';
import { ValidationFailedError, type LimitsConfig } from '@nonstop/core';
import type { PgDocumentStore } from '@nonstop/storage';
import { callerOf } from '../auth/api-key-auth';
import { assertOwnAccount } from '../auth/tenancy';
import { idempotencyKeyOf } from '../http/idempotency-key';
import type { BodyMemoryBudget } from '../http/body-memory-budget';
import { jsonBody } from '../http/json-body';
import { requestHash as hashOf } from '../http/request-hash';
import { onExistingOf, validateBatchInsertBody } from '../validation/validate-body';
import { dryRunAnswer } from './dry-run';
import { runSyncInsert, type SyncInsertDeps } from './sync-insert';

/** The synchronous API the mission keeps: the same pipeline, answered in the request, for small batches. */
export function dataRoutes(deps: {
  sync: SyncInsertDeps;
  documents: PgDocumentStore;
  limits: LimitsConfig;
  bodyMemory?: BodyMemoryBudget;
}): Router {
  const router = Router();
  router.post('/data/insert/batch', jsonBody(deps.limits.maxSyncBodyBytes, deps.bodyMemory), async (req, res) => {
    const idempotencyKey = idempotencyKeyOf(req);
    const request = validateBatchInsertBody(req.body, {
      maxDocuments: deps.limits.maxDocumentsPerRequest,
      maxChunksPerDocument: deps.limits.maxChunksPerDocument,
      maxChunkTextLength: deps.limits.maxChunkTextLength,
      maxMetadataBytes: deps.limits.maxMetadataBytes,
    });
    if (request.webhook_url !== undefined) {
      // Accepting and ignoring it would leave a caller waiting for a notification that never comes.
      throw new ValidationFailedError([
        { field: 'webhook_url', problem: 'is only for POST /job/batch-insert; this synchronous answer carries the results' },
      ]);
    }
    assertOwnAccount(request.account_name, callerOf(res));
    if (request.dry_run) {
      res.json(await dryRunAnswer(deps.documents, request));
      return;
    }
    // 'sync' in the hash: the same key and body sent to POST /job/batch-insert is another request.
    const requestHash = hashOf({ origin: 'sync', ...request });
    const { job, results } = await runSyncInsert(deps.sync, {
      accountName: request.account_name,
      documents: request.documents,
      onExisting: onExistingOf(request),
      requestHash,
      idempotencyKey,
    });
    res.json({
      job_id: job.id,
      account_name: request.account_name,
      total_documents: job.total_documents,
      success_count: job.success_count,
      failure_count: job.failure_count,
      results,
    });
  });
  return router;
}
