import { errorMessage, type Logger, type RetentionConfig } from '@nonstop/core';
import type { BatchJobRunner } from '@nonstop/pipeline';
import type { MilvusVectorStore, PgJobStore } from '@nonstop/storage';

/**
 * Retention in PostgreSQL: unfinished jobs past their expiry fail (and their
 * documents are rolled back), finished ones past retention are deleted, and
 * vectors a rollback could not delete while Milvus was away are deleted now.
 */
export async function sweep(
  deps: { jobs: PgJobStore; runner: BatchJobRunner; vectors: MilvusVectorStore; retention: RetentionConfig; logger: Logger },
): Promise<void> {
  const { jobs, logger } = deps;
  const { expired, deleted } = await jobs.sweep({
    completedHours: deps.retention.completedJobTtlHours, failedHours: deps.retention.failedJobTtlHours,
  });
  for (const jobId of expired) {
    await deps.runner.failJob(jobId, 'job_expired', `job did not finish within ${deps.retention.unfinishedJobTtlHours} h of its creation`);
  }
  for (const jobId of await jobs.jobsNeedingVectorCleanup(100)) {
    try {
      await deps.vectors.deleteByJobId(jobId);
      await jobs.setVectorsCleanupPending(jobId, false);
    } catch (error) {
      logger.warn('vector cleanup still pending', { job_id: jobId, error: errorMessage(error) });
    }
  }
  if (expired.length > 0 || deleted > 0) logger.info('retention sweep', { expired: expired.length, deleted });
}
