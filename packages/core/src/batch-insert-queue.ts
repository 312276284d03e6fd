import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from './redis';
import type { RetentionConfig } from './config';
import { QueueName, type BatchInsertPayload } from './queues';

export type BatchInsertQueue = Queue<BatchInsertPayload>;

export function createBatchInsertQueue(connection: RedisClient, prefix: string): BatchInsertQueue {
  return new Queue<BatchInsertPayload>(QueueName.batchInsert, { connection, prefix });
}

/**
 * Options for every batch-insert job, whoever enqueues it (API or recovery).
 * The BullMQ job id is the ingest job id, so enqueueing twice is a no-op.
 * Attempts are generous because a failed attempt means "PostgreSQL was
 * unreachable" (documents' own failures never fail a BullMQ attempt).
 */
export function batchInsertJobOptions(jobId: string, retention: RetentionConfig): JobsOptions {
  return {
    jobId,
    attempts: 25,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: retention.completedJobTtlHours * 3600 },
    removeOnFail: { age: retention.failedJobTtlHours * 3600 },
  };
}

export async function enqueueBatchInsert(queue: BatchInsertQueue, jobId: string, retention: RetentionConfig): Promise<void> {
  await queue.add(QueueName.batchInsert, { job_id: jobId }, batchInsertJobOptions(jobId, retention));
}
