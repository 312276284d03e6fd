import type { Pool } from 'pg';
import { runQuery } from './transaction';

export type WebhookDeliveryOutcome = 'delivered' | 'failed' | 'skipped';

export interface WebhookDeliveryRow {
  id: string;
  job_id: string;
  attempt: number;
  delivery_id: string | null;
  attempted_at: Date;
  outcome: WebhookDeliveryOutcome;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface NewWebhookDelivery {
  jobId: string;
  attempt: number;
  /** The delivery_id of the body sent; absent when nothing was sent (skipped). */
  deliveryId?: string;
  outcome: WebhookDeliveryOutcome;
  statusCode?: number;
  error?: string;
  durationMs: number;
}

/** The webhook side of a job: whether its delivery was enqueued, and every attempt. */
export class PgWebhookStore {
  constructor(private readonly pool: Pool) {}

  async markEnqueued(jobId: string): Promise<void> {
    await runQuery(this.pool, 'UPDATE ingest_jobs SET webhook_enqueued_at = now() WHERE id = $1 AND webhook_enqueued_at IS NULL', [jobId]);
  }

  /** Finished jobs of this deployment with a webhook whose delivery was never enqueued (Redis was down, a worker died). */
  async findUnenqueued(queuePrefix: string, limit = 500): Promise<string[]> {
    const result = await runQuery<{ id: string }>(
      this.pool,
      `SELECT id FROM ingest_jobs
        WHERE webhook_url IS NOT NULL AND webhook_enqueued_at IS NULL AND status IN ('completed', 'failed', 'cancelled')
          AND queue_prefix = $1
        ORDER BY finished_at LIMIT $2`,
      [queuePrefix, limit],
    );
    return result.rows.map((row) => row.id);
  }

  async recordAttempt(delivery: NewWebhookDelivery): Promise<void> {
    await runQuery(
      this.pool,
      `INSERT INTO webhook_deliveries (job_id, attempt, delivery_id, outcome, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        delivery.jobId,
        delivery.attempt,
        delivery.deliveryId ?? null,
        delivery.outcome,
        delivery.statusCode ?? null,
        delivery.error?.slice(0, 1000) ?? null,
        Math.max(0, Math.round(delivery.durationMs)),
      ],
    );
  }

  async listAttempts(jobId: string): Promise<WebhookDeliveryRow[]> {
    const result = await runQuery<WebhookDeliveryRow>(this.pool, 'SELECT * FROM webhook_deliveries WHERE job_id = $1 ORDER BY id', [jobId]);
    return result.rows;
  }
}
