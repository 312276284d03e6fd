/**
 * The queue contract shared by producers (API) and consumers (worker).
 *
 * DO NOT CHANGE these string values: they are names of data persisted in
 * Redis. Renaming one strands every job already queued under the old name.
 * New payload fields must be optional so queued jobs still parse after a deploy.
 */
export const QueueName = {
  batchInsert: 'batch-insert',
  webhookDelivery: 'webhook-delivery',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** The BullMQ job id is the ingest job's id; documents stay in PostgreSQL, never in Redis. */
export interface BatchInsertPayload {
  job_id: string;
  /**
   * Set when an attempt ended on a system failure it could not record
   * (PostgreSQL unreachable): the next attempt fails the job and rolls it
   * back instead of resuming it.
   */
  system_failure?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Redis holds plain JSON: a payload is checked again where it leaves the queue. */
export function parseBatchInsertPayload(data: unknown): BatchInsertPayload {
  const { job_id: jobId, system_failure: systemFailure } = (data ?? {}) as { job_id?: unknown; system_failure?: unknown };
  if (!isUuid(jobId)) throw new Error(`invalid batch-insert payload: job_id must be a UUID, got ${JSON.stringify(jobId)}`);
  return typeof systemFailure === 'string' ? { job_id: jobId, system_failure: systemFailure } : { job_id: jobId };
}

/** A webhook delivery: the ingest job whose end is announced. BullMQ job id `webhook-<job_id>`. */
export interface WebhookDeliveryPayload {
  job_id: string;
}

export function parseWebhookDeliveryPayload(data: unknown): WebhookDeliveryPayload {
  const { job_id: jobId } = (data ?? {}) as { job_id?: unknown };
  if (!isUuid(jobId)) throw new Error(`invalid webhook-delivery payload: job_id must be a UUID, got ${JSON.stringify(jobId)}`);
  return { job_id: jobId };
}
