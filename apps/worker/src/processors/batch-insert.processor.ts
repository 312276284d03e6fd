import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { errorMessage, isErrorNamed, parseBatchInsertPayload, type BatchInsertPayload, type DependencyError } from '@nonstop/core';
import type { BatchJobRunner, RunOutcome } from '@nonstop/pipeline';
import type { FairShare } from '../scheduling/fair-share';

/**
 * Thin: narrows the payload and hands the job to the runner, which works
 * from PostgreSQL. Maps the outcome onto BullMQ's states so Bull Board
 * shows what happened.
 */
export function batchInsertProcessor(
  runner: BatchJobRunner,
  shutdown: AbortSignal,
  /** Called once the job's final state is recorded (completed, failed, cancelled): enqueues its webhook. Must not throw. */
  onFinished?: (jobId: string, webhookUrl: string | null) => Promise<unknown>,
  /** Fair scheduling across accounts; without it every delivered job runs (FIFO under the global cap). */
  fair?: FairShare,
) {
  return async (job: Job<BatchInsertPayload>, token?: string): Promise<unknown> => {
    let payload: BatchInsertPayload;
    try {
      payload = parseBatchInsertPayload(job.data);
    } catch (error) {
      throw new UnrecoverableError(errorMessage(error));
    }
    // A failure an earlier attempt could not record is recorded now, slot or not.
    const admission = payload.system_failure === undefined && fair ? await fair.admit(payload.job_id) : undefined;
    if (admission && !admission.run) {
      // Its account has its share while others wait, or older jobs of its account come first.
      await job.moveToDelayed(Date.now() + admission.delayMs, token);
      throw new DelayedError();
    }
    const lease = admission?.lease;
    let outcome: RunOutcome;
    try {
      outcome =
        payload.system_failure !== undefined
          ? await failFromEarlierAttempt(runner, payload.job_id, payload.system_failure)
          : await runner.run(payload.job_id, {
              // A slot fairness takes back ends the run the way a shutdown does: between micro-batches, resumable.
              shutdown: lease ? AbortSignal.any([shutdown, lease.handBack]) : shutdown,
              onProgress: (progress) => job.updateProgress({ ...progress }),
            });
    } catch (error) {
      if (isErrorNamed(error, 'DependencyError') && (error as DependencyError).dependency === 'postgresql') {
        // The failure could not be recorded in PostgreSQL; remember it in the queue so the
        // retry (after backoff, once PostgreSQL answers) fails the job and rolls it back.
        await job.updateData({ ...payload, system_failure: payload.system_failure ?? errorMessage(error) });
      }
      throw error;
    } finally {
      await lease?.release();
    }
    if ((outcome.status === 'completed' || outcome.status === 'failed' || outcome.status === 'cancelled') && onFinished) {
      await onFinished(outcome.job.id, outcome.job.webhook_url);
    }
    switch (outcome.status) {
      case 'interrupted':
        // Hand the job back so another worker resumes it, without spending an attempt: at once on a
        // shutdown, after a fair-share check when its slot went to another account.
        await job.moveToDelayed(Date.now() + (lease?.handBack.aborted && fair ? fair.retryMs : 0), token);
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

async function failFromEarlierAttempt(runner: BatchJobRunner, jobId: string, failure: string): Promise<RunOutcome> {
  const job = await runner.failJob(jobId, 'postgresql_unavailable', failure);
  return job?.status === 'failed' ? { status: 'failed', job } : { status: 'skipped' };
}
