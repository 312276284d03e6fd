import { randomUUID } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import { errorMessage, parseWebhookDeliveryPayload, type Logger, type WebhookConfig, type WebhookDeliveryPayload } from '@nonstop/core';
import { FINAL_JOB_STATUSES, type PgJobStore, type PgWebhookSecretStore, type PgWebhookStore } from '@nonstop/storage';
import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@nonstop/sdk';
import { buildWebhookBody, WEBHOOK_RESULTS_PAGE } from '../webhooks/webhook-body';
import { postWebhook } from '../webhooks/webhook-sender';

export interface WebhookDeliveryDeps {
  jobs: PgJobStore;
  webhooks: PgWebhookStore;
  secrets: PgWebhookSecretStore;
  config: WebhookConfig;
  logger: Logger;
}

/**
 * One attempt to deliver a finished job's webhook. Every attempt is recorded
 * in webhook_deliveries; a 2xx ends the delivery. A URL refused at delivery
 * time (its host now resolves to an internal address, or it is not a usable
 * URL) fails the delivery for good: retrying cannot make it public, and every
 * retry would probe the internal address again. Anything else throws so
 * BullMQ retries with exponential backoff.
 */
export function webhookDeliveryProcessor(deps: WebhookDeliveryDeps) {
  const { jobs, webhooks, config, logger } = deps;
  return async (delivery: Job<WebhookDeliveryPayload>): Promise<unknown> => {
    let payload: WebhookDeliveryPayload;
    try {
      payload = parseWebhookDeliveryPayload(delivery.data);
    } catch (error) {
      throw new UnrecoverableError(errorMessage(error));
    }
    const attempt = delivery.attemptsMade + 1;
    const job = await jobs.getJob(payload.job_id);
    if (!job || !job.webhook_url) return { status: 'skipped', reason: job ? 'no webhook_url' : 'job gone' };
    if (!FINAL_JOB_STATUSES.includes(job.status)) throw new UnrecoverableError(`job ${job.id} is ${job.status}, not finished`);
    const secrets = await signingSecretsOf(deps, job.account_name);
    if (secrets.length === 0) {
      logger.warn('webhook not delivered: the account has no webhook secret and WEBHOOK_SECRET is not set', {
        job_id: job.id,
        account_name: job.account_name,
      });
      await webhooks.recordAttempt({
        jobId: job.id,
        attempt,
        outcome: 'skipped',
        error: 'no webhook secret for the account',
        durationMs: 0,
      });
      return { status: 'skipped', reason: 'no secret' };
    }
    const rows = await jobs.listResults(job.id, { limit: WEBHOOK_RESULTS_PAGE + 1 });
    const deliveryId = randomUUID();
    const body = JSON.stringify(buildWebhookBody(job, rows, deliveryId));
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await postWebhook(
      job.webhook_url,
      body,
      {
        [TIMESTAMP_HEADER]: String(timestamp),
        // one signature per secret: during a rotation, receivers holding either secret accept it
        [SIGNATURE_HEADER]: secrets.map((secret) => signWebhook(secret, timestamp, body)).join(','),
      },
      { allowPrivate: config.allowPrivate, timeoutMs: config.timeoutMs, dnsTimeoutMs: config.dnsTimeoutMs },
    );
    const delivered = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    const error = delivered
      ? undefined
      : (result.error ??
        (result.statusCode! >= 300 && result.statusCode! < 400
          ? `answered ${result.statusCode} (redirects are not followed)`
          : `answered ${result.statusCode}`));
    await webhooks.recordAttempt({
      jobId: job.id,
      attempt,
      deliveryId,
      outcome: delivered ? 'delivered' : 'failed',
      durationMs: result.durationMs,
      ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
      ...(error !== undefined ? { error } : {}),
    });
    if (result.refused === 'forbidden' || result.refused === 'invalid') {
      throw new UnrecoverableError(`webhook delivery of job ${job.id} refused, not retried: ${error}`);
    }
    if (!delivered) throw new Error(`webhook delivery of job ${job.id} failed: ${error}`);
    return { status: 'delivered', status_code: result.statusCode, attempt };
  };
}

/**
 * The account's own secrets; WEBHOOK_SECRET only for an account that has none
 * (created before per-account secrets, or development without keys).
 */
async function signingSecretsOf(deps: Pick<WebhookDeliveryDeps, 'secrets' | 'config'>, accountName: string): Promise<string[]> {
  const own = await deps.secrets.signingSecrets(accountName);
  if (own.length > 0) return own;
  return deps.config.secret !== undefined ? [deps.config.secret] : [];
}
