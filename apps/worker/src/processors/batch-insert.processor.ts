import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { parseBatchInsertPayload, type BatchInsertPayload } from '@nonstop/core';
import type { BatchJobRunner } from '@nonstop/pipeline';

/**
 * Thin: narrows the payload and hands the job to the runner, which works
 * from PostgreSQL. Maps the outcome onto BullMQ's states so Bull Board
 * shows what happened.
 */
export function batchInsertProcessor(runner: BatchJobRunner, shutdown: AbortSignal) {
  return async (job: Job<BatchInsertPayload>, token?: string): Promise<unknown> => {
    let payload: BatchInsertPayload;
    try {
      payload = parseBatchInsertPayload(job.data);
    } catch (error) {
      throw new UnrecoverableError((error as Error).message);
    }
    const outcome = await runner.run(payload.job_id, {
      shutdown,
      onProgress: (progress) => job.updateProgress({ ...progress }),
    });
    switch (outcome.status) {
      case 'interrupted':
        // Hand the job back at once so another worker resumes it, without spending an attempt.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      case 'failed':
        throw new UnrecoverableError(`${outcome.job.error_code}: ${outcome.job.error_message}`);
      case 'skipped':
        return { status: 'skipped' };
      default:
        return { status: outcome.status, success_count: outcome.job.success_count, failure_count: outcome.job.failure_count };
    }
  };
}
