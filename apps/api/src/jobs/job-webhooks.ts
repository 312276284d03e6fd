import {
  ApiError,
  DEFAULT_WEBHOOK_DNS_TIMEOUT_MS,
  enqueueWebhookDelivery,
  errorMessage,
  resolveWebhookTarget,
  WebhookUrlError,
  type Logger,
  type WebhookConfig,
  type WebhookQueue,
} from '@nonstop/core';
import type { JobRow, PgWebhookStore, WebhookDeliveryRow } from '@nonstop/storage';

export type { WebhookQueue };

/**
 * Refuses a webhook_url that is not http(s), does not resolve, or resolves to
 * an internal address (unless WEBHOOK_ALLOW_PRIVATE=true): 400 invalid_webhook_url.
 * The worker checks again at delivery time.
 */
export async function checkWebhookUrl(
  url: string,
  config: Pick<WebhookConfig, 'allowPrivate' | 'dnsTimeoutMs'> | undefined,
): Promise<void> {
  try {
    await resolveWebhookTarget(url, {
      allowPrivate: config?.allowPrivate ?? false,
      dnsTimeoutMs: config?.dnsTimeoutMs ?? DEFAULT_WEBHOOK_DNS_TIMEOUT_MS,
    });
  } catch (error) {
    if (!(error instanceof WebhookUrlError)) throw error;
    throw new ApiError(400, 'invalid_webhook_url', `webhook_url ${error.message}`, [{ field: 'webhook_url', problem: error.message }]);
  }
}

/** A pending job cancelled by the API ends here, so the API enqueues its webhook; recovery covers a failure. */
export async function enqueueWebhookAfterCancel(
  deps: { webhookQueue?: WebhookQueue; webhooks?: PgWebhookStore; config: { webhook?: WebhookConfig }; logger: Logger },
  jobId: string,
): Promise<void> {
  if (!deps.webhookQueue || !deps.webhooks || !deps.config.webhook) return; // the worker's recovery pass enqueues it
  try {
    await enqueueWebhookDelivery(deps.webhookQueue, jobId, deps.config.webhook);
    await deps.webhooks.markEnqueued(jobId);
  } catch (error) {
    deps.logger.warn('webhook delivery not enqueued; recovery will enqueue it', { job_id: jobId, error: errorMessage(error) });
  }
}

export function webhookDeliveriesView(job: JobRow, attempts: WebhookDeliveryRow[]): Record<string, unknown> {
  return {
    job_id: job.id,
    webhook_url: job.webhook_url,
    deliveries: attempts.map((row) => ({
      attempt: row.attempt,
      delivery_id: row.delivery_id,
      attempted_at: row.attempted_at.toISOString(),
      outcome: row.outcome,
      status_code: row.status_code,
      error: row.error,
      duration_ms: row.duration_ms,
    })),
  };
}
