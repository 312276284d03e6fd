import { isErrorNamed, type Metrics, type WebhookAttemptOutcome } from '@nonstop/core';
import type { JobRunnerOptions } from '@nonstop/pipeline';

/** The runner's hooks that feed the job and document counters. */
export function runnerMetricsHooks(metrics: Metrics): Pick<JobRunnerOptions, 'onResultsRecorded' | 'onJobEnded'> {
  return {
    onResultsRecorded: (results) => metrics.recordDocumentResults(results),
    onJobEnded: (status) => metrics.recordJobEnded(status),
  };
}

/** Wraps a BullMQ processor so `nonstop_active_jobs` counts the jobs this process is running. */
export function countingActiveJobs<A extends unknown[], R>(
  metrics: Metrics,
  processor: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    metrics.activeJobs.inc();
    try {
      return await processor(...args);
    } finally {
      metrics.activeJobs.dec();
    }
  };
}

/** A failed webhook attempt is final when BullMQ will not try it again: an UnrecoverableError, or its last attempt. */
export function failedWebhookAttemptOutcome(
  delivery: { attemptsMade: number; opts: { attempts?: number } } | undefined,
  error: Error,
): WebhookAttemptOutcome {
  const retried =
    delivery !== undefined && !isErrorNamed(error, 'UnrecoverableError') && delivery.attemptsMade < (delivery.opts.attempts ?? 1);
  return retried ? 'retrying' : 'failed';
}
