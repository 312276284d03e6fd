import { enqueueWebhookDelivery, errorMessage, type Logger, type WebhookConfig, type WebhookQueue } from '@nonstop/core';
import type { PgWebhookStore } from '@nonstop/storage';

/**
 * Enqueues the webhook delivery of a finished job and marks it enqueued.
 * Never throws: a failure is left to the recovery pass, which enqueues every
 * finished job with a webhook_url and no webhook_enqueued_at.
 */
export async function enqueueJobWebhook(
  deps: { queue: WebhookQueue; webhooks: PgWebhookStore; config: WebhookConfig; logger: Logger },
  jobId: string,
): Promise<boolean> {
  try {
    await enqueueWebhookDelivery(deps.queue, jobId, deps.config);
    await deps.webhooks.markEnqueued(jobId);
    return true;
  } catch (error) {
    deps.logger.warn('webhook delivery not enqueued; recovery will enqueue it', { job_id: jobId, error: errorMessage(error) });
    return false;
  }
}

/** The recovery side: finished jobs whose delivery was never enqueued. */
export async function recoverWebhookDeliveries(deps: {
  queue: WebhookQueue;
  webhooks: PgWebhookStore;
  config: WebhookConfig;
  logger: Logger;
  queuePrefix: string;
}): Promise<number> {
  const missing = await deps.webhooks.findUnenqueued(deps.queuePrefix);
  let enqueued = 0;
  for (const jobId of missing) {
    if (await enqueueJobWebhook(deps, jobId)) enqueued += 1;
  }
  if (missing.length > 0) deps.logger.info(`enqueued ${enqueued} of ${missing.length} webhook deliveries that were never enqueued`);
  return enqueued;
}
