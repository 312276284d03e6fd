import 'reflect-metadata';
import type { Server } from 'node:http';
import {
  ConfigError,
  errorMessage,
  exitOnUncaughtErrors,
  createBatchInsertQueue,
  createLogger,
  createMetrics,
  createRedis,
  redisTargetOf,
  createWebhookQueue,
  loadConfig,
  startTracing,
} from '@nonstop/core';
import { createRuntime } from '@nonstop/pipeline';
import { createSyncRunner } from './routes/sync-insert';
import { migrate, PgApiKeyStore, PgWebhookSecretStore, PgWebhookStore } from '@nonstop/storage';
import { createApp } from './app';
import { answerClientErrors } from './http/client-errors';
import { dependencyReadiness } from './readiness';
import { createJobEvents } from './stream/job-event-hub';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, service: 'api' });
  exitOnUncaughtErrors(logger);
  // Off unless OTEL_TRACES_EXPORTER / OTEL_EXPORTER_OTLP_ENDPOINT say where spans go (README, Observability).
  const tracing = await startTracing(config.tracing, { defaultServiceName: 'nonstop-ingest-api' });
  if (tracing.enabled) logger.info('tracing on', { exporters: config.tracing?.exporters.join(',') });
  if (config.migrateOnStart) await migrate(config.databaseUrl);
  const metrics = createMetrics();
  // Jobs are accepted with PostgreSQL and Redis alone: a Milvus restart must not keep the API from starting.
  const runtime = await createRuntime(config, logger, { applicationName: 'nonstop-api', metrics, milvusAtStart: 'background' });
  runtime.collectionReady.catch((error: unknown) => {
    logger.error(`${errorMessage(error)}; exiting`);
    setTimeout(() => process.exit(1), 100);
  });
  const redis = createRedis(redisTargetOf(config), 'producer');
  redis.on('error', (error) => logger.warn('redis connection error', { error: error.message }));
  const queue = createBatchInsertQueue(redis, config.queuePrefix);
  queue.on('error', (error) => logger.warn('queue error', { error: error.message }));
  metrics.watchQueue(queue);
  const webhookQueue = createWebhookQueue(redis, config.queuePrefix);
  webhookQueue.on('error', (error) => logger.warn('webhook queue error', { error: error.message }));
  const webhooks = new PgWebhookStore(runtime.pool);
  const readiness = dependencyReadiness({ redis, pool: runtime.pool, vectors: runtime.vectors, embedder: runtime.embedder });
  const jobEvents = createJobEvents(redisTargetOf(config), config.queuePrefix, logger);
  if (config.auth.apiAuth === 'disabled') {
    logger.warn(
      'WARNING: API_AUTH=disabled: every caller can read and write every account. Development only; ' +
        'set API_AUTH=required and create keys with `npm run keys -- create --account NAME`.',
    );
  }
  const keys = new PgApiKeyStore(runtime.pool);
  if (config.nodeEnv === 'production' && (await keys.countActive()) === 0) {
    throw new Error(
      'NODE_ENV=production and no API key exists: create one with `npm run keys -- create --account NAME` before starting the API',
    );
  }
  const auth = {
    mode: config.auth.apiAuth,
    keys,
    redis,
    rateLimitPerMinute: config.auth.rateLimitPerMinute,
    maxQueuedDocumentsPerAccount: config.auth.maxQueuedDocumentsPerAccount,
    maxQueuedChunksPerAccount: config.auth.maxQueuedChunksPerAccount,
    failuresPerWindow: config.auth.failuresPerWindow,
    failureWindowSeconds: config.auth.failureWindowSeconds,
  };
  const app = createApp({
    metrics,
    config,
    logger,
    consistency: runtime,
    search: runtime,
    syncRunner: createSyncRunner(runtime, config, logger),
    jobs: runtime.jobs,
    documents: runtime.documents,
    queue,
    readiness,
    jobEvents: jobEvents.hub,
    webhookQueue,
    webhooks,
    webhookSecrets: new PgWebhookSecretStore(runtime.pool),
    auth,
  });
  const listening = (): void => {
    logger.info(`API listening on ${config.host ?? ''}:${config.port}`);
  };
  const server: Server = config.host === undefined ? app.listen(config.port, listening) : app.listen(config.port, config.host, listening);
  answerClientErrors(server);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: closing the API`);
    const forced = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    forced.unref();
    jobEvents.hub.endStreams(); // open streams would hold server.close until the forced exit
    server.close(async () => {
      readiness.close?.();
      await Promise.allSettled([queue.close(), webhookQueue.close(), jobEvents.close(), runtime.close()]);
      redis.disconnect();
      await tracing.shutdown(); // the spans still buffered
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
