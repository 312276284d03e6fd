import { Router } from 'express';
import { ValidationFailedError, type LimitsConfig } from '@nonstop/core';
import type { IngestionPipeline } from '@nonstop/pipeline';
import { callerOf } from '../auth/api-key-auth';
import { assertOwnAccount } from '../auth/tenancy';
import { jsonBody } from '../http/json-body';
import { validateBatchInsertBody } from '../validation/validate-body';

/** The synchronous API the mission keeps: the same pipeline, answered in the request, for small batches. */
export function dataRoutes(deps: { pipeline: IngestionPipeline; limits: LimitsConfig }): Router {
  const router = Router();
  router.post('/data/insert/batch', jsonBody(deps.limits.maxSyncBodyBytes), async (req, res) => {
    const request = validateBatchInsertBody(req.body, {
      maxDocuments: deps.limits.maxDocumentsPerRequest,
      maxChunksPerDocument: deps.limits.maxChunksPerDocument,
      maxChunkTextLength: deps.limits.maxChunkTextLength,
      maxMetadataBytes: deps.limits.maxMetadataBytes,
    });
    if (request.webhook_url !== undefined) {
      // Accepting and ignoring it would leave a caller waiting for a notification that never comes.
      throw new ValidationFailedError([{ field: 'webhook_url', problem: 'is only for POST /job/batch-insert; this synchronous answer carries the results' }]);
    }
    assertOwnAccount(request.account_name, callerOf(res));
    const results = await deps.pipeline.ingestAll({ accountName: request.account_name, jobId: null }, request.documents);
    const successCount = results.filter((result) => result.success).length;
    res.json({
      account_name: request.account_name,
      total_documents: results.length,
      success_count: successCount,
      failure_count: results.length - successCount,
      results,
    });
  });
  return router;
}
