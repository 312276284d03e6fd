import { errorMessage, type Logger, type RetentionConfig } from '@nonstop/core';
import type { BatchJobRunner } from '@nonstop/pipeline';
import type { MilvusVectorStore, PgDocumentStore, PgJobStore } from '@nonstop/storage';

/**
 * Retention in PostgreSQL, for this deployment's jobs (queue prefix):
 * unfinished jobs past their expiry fail (and their documents are rolled
 * back), finished ones past retention are deleted, and vectors a rollback or
 * a failed document's removal could not delete while Milvus was away are
 * deleted now.
 */
export async function sweep(deps: {
  jobs: PgJobStore;
  documents: PgDocumentStore;
  runner: BatchJobRunner;
  vectors: MilvusVectorStore;
  queuePrefix: string;
  retention: RetentionConfig;
  logger: Logger;
}): Promise<void> {
  const { jobs, logger } = deps;
  const { expired, deleted } = await jobs.sweep(deps.queuePrefix, {
    completedHours: deps.retention.completedJobTtlHours,
    failedHours: deps.retention.failedJobTtlHours,
  });
  for (const jobId of expired) {
    await deps.runner.failJob(jobId, 'job_expired', `job did not finish within ${deps.retention.unfinishedJobTtlHours} h of its creation`);
  }
  for (const jobId of await jobs.jobsNeedingVectorCleanup(deps.queuePrefix, 100)) {
    try {
      await deps.vectors.deleteByJobId(jobId);
      await jobs.setVectorsCleanupPending(jobId, false);
    } catch (error) {
      logger.warn('vector cleanup still pending', { job_id: jobId, error: errorMessage(error) });
    }
  }
  const removedDocuments = await deps.documents.pendingVectorDeletes(deps.queuePrefix, 1_000);
  if (removedDocuments.length > 0) {
    try {
      await deps.vectors.deleteByDocumentIds(removedDocuments);
      await deps.documents.clearPendingVectorDeletes(removedDocuments);
    } catch (error) {
      logger.warn('vector cleanup of removed documents still pending', { documents: removedDocuments.length, error: errorMessage(error) });
    }
  }
  if (expired.length > 0 || deleted > 0) logger.info('retention sweep', { expired: expired.length, deleted });
}
