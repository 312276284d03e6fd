import { enqueueBatchInsert, type BatchInsertQueue, type Logger, type Metrics, type RetentionConfig } from '@nonstop/core';
import type { PgJobStore } from '@nonstop/storage';

/**
 * Makes sure every unfinished job in PostgreSQL has a live BullMQ job. A
 * Redis that was flushed, replaced or failed over loses jobs; PostgreSQL does
 * not, so the queue is rebuilt from it. Jobs whose worker died are resumed by
 * BullMQ's stalled-job check; this pass covers what Redis forgot.
 */
export async function recoverIncompleteJobs(deps: {
  jobs: PgJobStore;
  queue: BatchInsertQueue;
  queuePrefix: string;
  retention: RetentionConfig;
  abandonedSyncMs: number;
  logger: Logger;
  metrics?: Pick<Metrics, 'recordRecoveryPass'>;
}): Promise<{ found: number; reenqueued: number }> {
  const { jobs, queue, logger } = deps;
  logger.info('checking for incomplete jobs');
  const incomplete = await jobs.findIncompleteJobs(deps.queuePrefix, deps.abandonedSyncMs);
  let reenqueued = 0;
  for (const job of incomplete) {
    const queued = await queue.getJob(job.id);
    const state = queued ? await queued.getState() : 'missing';
    if (state === 'missing' || state === 'completed' || state === 'failed' || state === 'unknown') {
      if (queued) await queued.remove().catch(() => undefined);
      await enqueueBatchInsert(queue, job.id, deps.retention);
      reenqueued += 1;
      logger.info('re-enqueued incomplete job', { job_id: job.id, status: job.status, queue_state: state });
    }
  }
  // findIncompleteJobs answers oldest first.
  deps.metrics?.recordRecoveryPass({ reenqueued, oldestUnfinishedCreatedAt: incomplete[0]?.created_at });
  logger.info(
    `found ${incomplete.length} incomplete jobs; resumed ${incomplete.length} ` +
      `(${reenqueued} re-enqueued from PostgreSQL, ${incomplete.length - reenqueued} still queued in Redis)`,
  );
  return { found: incomplete.length, reenqueued };
}
