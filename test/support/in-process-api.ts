import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import {
  createBatchInsertQueue,
  createRedis,
  redisTargetOf,
  createWebhookQueue,
  type AppConfig,
  type BatchInsertQueue,
  type RedisClient,
  type WebhookQueue,
} from '@nonstop/core';
import { PgApiKeyStore, PgWebhookSecretStore, PgWebhookStore } from '@nonstop/storage';
import { createRuntime, type Runtime } from '@nonstop/pipeline';
import { createApp } from '../../apps/api/src/app';
import { createSyncRunner } from '../../apps/api/src/routes/sync-insert';
import { dependencyReadiness } from '../../apps/api/src/readiness';
import { createJobEvents, type JobEvents } from '../../apps/api/src/stream/job-event-hub';
import { testLogger } from './test-env';

export interface InProcessApi {
  app: Express;
  runtime: Runtime;
  queue: BatchInsertQueue;
  webhookQueue: WebhookQueue;
  redis: RedisClient;
  jobEvents: JobEvents;
  close(): Promise<void>;
}

/** The real app and real adapters, bound in-process for supertest. With `withAuth`, API keys, rate limits and quotas are on as config.auth says (`API_AUTH` etc.). */
export async function startInProcessApi(
  config: AppConfig,
  options: { cancelWaitMs?: number; withAuth?: boolean } = {},
): Promise<InProcessApi> {
  const runtime = await createRuntime(config, testLogger, { applicationName: 'nonstop-test' });
  const redis = createRedis(redisTargetOf(config), 'producer');
  // The producer connection queues nothing while connecting (enableOfflineQueue: false): start on a ready one.
  await new Promise((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
  const queue = createBatchInsertQueue(redis, config.queuePrefix);
  const webhookQueue = createWebhookQueue(redis, config.queuePrefix);
  redis.on('error', (error: Error) => testLogger.warn('redis connection error', { error: error.message }));
  for (const emitter of [queue, webhookQueue]) {
    emitter.on('error', (error: Error) => testLogger.warn('queue error', { error: error.message }));
  }
  const readiness = dependencyReadiness({ redis, pool: runtime.pool, vectors: runtime.vectors, embedder: runtime.embedder });
  const jobEvents = createJobEvents(redisTargetOf(config), config.queuePrefix, testLogger);
  const { withAuth, ...appOptions } = options;
  const auth = withAuth
    ? {
        mode: config.auth.apiAuth,
        keys: new PgApiKeyStore(runtime.pool),
        redis,
        rateLimitPerMinute: config.auth.rateLimitPerMinute,
        maxQueuedDocumentsPerAccount: config.auth.maxQueuedDocumentsPerAccount,
        maxQueuedChunksPerAccount: config.auth.maxQueuedChunksPerAccount,
        failuresPerWindow: config.auth.failuresPerWindow,
        failureWindowSeconds: config.auth.failureWindowSeconds,
      }
    : undefined;
  const app = createApp({
    config,
    logger: testLogger,
    consistency: runtime,
    search: runtime,
    syncRunner: createSyncRunner(runtime, config, testLogger),
    jobs: runtime.jobs,
    documents: runtime.documents,
    queue,
    readiness,
    jobEvents: jobEvents.hub,
    ...appOptions,
    webhookQueue,
    webhooks: new PgWebhookStore(runtime.pool),
    webhookSecrets: new PgWebhookSecretStore(runtime.pool),
    ...(auth ? { auth } : {}),
  });
  return {
    app,
    runtime,
    queue,
    webhookQueue,
    redis,
    jobEvents,
    async close() {
      readiness.close?.();
      await jobEvents.close();
      await queue.close();
      await webhookQueue.close();
      redis.disconnect();
      await runtime.close();
    },
  };
}

/** Binds the in-process app to a loopback port for clients that need a URL (SDK, CLI, SSE). */
export async function listenOnLoopback(api: InProcessApi): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
