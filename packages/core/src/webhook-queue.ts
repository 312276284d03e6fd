import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from './redis';
import type { WebhookConfig } from './config';
import { QueueName, type WebhookDeliveryPayload } from './queues';

export type WebhookQueue = Queue<WebhookDeliveryPayload>;

export function createWebhookQueue(connection: RedisClient, prefix: string): WebhookQueue {
  return new Queue<WebhookDeliveryPayload>(QueueName.webhookDelivery, { connection, prefix });
}

/**
 * `webhook-<job_id>`: a job's end is announced once even if it is recorded
 * twice. (Not `webhook:<job_id>`: BullMQ 5 refuses custom ids containing `:`.)
 */
export function webhookDeliveryJobId(jobId: string): string {
  return `webhook-${jobId}`;
}

export function webhookDeliveryJobOptions(jobId: string, webhook: Pick<WebhookConfig, 'maxAttempts' | 'backoffMs'>): JobsOptions {
  return {
    jobId: webhookDeliveryJobId(jobId),
    attempts: webhook.maxAttempts,
    backoff: { type: 'exponential', delay: webhook.backoffMs },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export async function enqueueWebhookDelivery(
  queue: WebhookQueue,
  jobId: string,
  webhook: Pick<WebhookConfig, 'maxAttempts' | 'backoffMs'>,
): Promise<void> {
  await queue.add(QueueName.webhookDelivery, { job_id: jobId }, webhookDeliveryJobOptions(jobId, webhook));
}
