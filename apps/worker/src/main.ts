import { Worker } from 'bullmq';
import {
  ConfigError,
  exitOnUncaughtErrors,
  createBatchInsertQueue,
  createMetrics,
  createLogger,
  createRedis,
  describeRedisTarget,
  redisTargetOf,
  createWebhookQueue,
  inspectRedisDurability,
  loadConfig,
  startTracing,
  QueueName,
  type BatchInsertPayload,
  type HousekeepingPass,
  type WebhookDeliveryPayload,
} from '@nonstop/core';
import { BatchJobRunner, createRuntime } from '@nonstop/pipeline';
import { migrate, PgJobSlots, PgWebhookSecretStore, PgWebhookStore } from '@nonstop/storage';
import { FairShare } from './scheduling/fair-share';
import { startHealthServer } from './health-server';
import { countingActiveJobs, failedWebhookAttemptOutcome, runnerMetricsHooks } from './worker-metrics';
import { sweep } from './housekeeping';
import { batchInsertProcessor } from './processors/batch-insert.processor';
import { recoverIncompleteJobs } from './recovery';
import { webhookDeliveryProcessor } from './processors/webhook-delivery.processor';
import { enqueueJobWebhook, recoverWebhookDeliveries } from './webhooks/webhook-enqueue';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, service: 'worker' });
  exitOnUncaughtErrors(logger);
  // Off unless OTEL_TRACES_EXPORTER / OTEL_EXPORTER_OTLP_ENDPOINT say where spans go (README, Observability).
  const tracing = await startTracing(config.tracing, { defaultServiceName: 'nonstop-ingest-worker' });
  if (tracing.enabled) logger.info('tracing on', { exporters: config.tracing?.exporters.join(',') });
  if (config.migrateOnStart) await migrate(config.databaseUrl);
  const metrics = createMetrics();
  const runtime = await createRuntime(config, logger, { applicationName: 'nonstop-worker', metrics });
  const redis = createRedis(redisTargetOf(config), 'worker');
  redis.on('error', (error) => logger.warn('redis connection error', { error: error.message }));

  const durability = await inspectRedisDurability(redis);
  if (durability.problems.length > 0) {
    const message = `${describeRedisTarget(redisTargetOf(config))} can lose queued jobs: ${durability.problems.join('; ')}`;
    if (config.redisRequireDurable) throw new Error(`${message}. Refusing to start (REDIS_REQUIRE_DURABLE=true).`);
    logger.warn(`WARNING: ${message}. PostgreSQL keeps every job, and recovery re-enqueues lost ones, but fix Redis.`);
  }

  const queue = createBatchInsertQueue(redis, config.queuePrefix);
  queue.on('error', (error) => logger.warn('queue error', { error: error.message }));
  metrics.watchQueue(queue);
  await queue.setGlobalConcurrency(config.worker.maxActiveJobs);

  const runner = new BatchJobRunner(
    runtime.jobs,
    runtime.pipeline,
    runtime.vectors,
    logger,
    {
      jobTimeoutMs: config.worker.jobTimeoutMs,
      outageGraceMs: config.worker.storeOutageGraceMs,
      pageSize: 500,
      ...runnerMetricsHooks(metrics),
    },
    runtime.deletion,
  );
  const shutdown = new AbortController();
  // Webhooks: a delivery job is enqueued right after a job's final state is recorded.
  const webhookConfig = config.webhook!;
  const webhookQueue = createWebhookQueue(redis, config.queuePrefix);
  webhookQueue.on('error', (error) => logger.warn('webhook queue error', { error: error.message }));
  const webhooks = new PgWebhookStore(runtime.pool);
  const webhookDeps = { queue: webhookQueue, webhooks, config: webhookConfig, logger, queuePrefix: config.queuePrefix };
  if (!webhookConfig.secret)
    logger.info('WEBHOOK_SECRET is not set: deliveries for an account without its own webhook secret are skipped (recorded as skipped)');
  const onJobFinished = async (jobId: string, webhookUrl: string | null): Promise<void> => {
    if (webhookUrl) await enqueueJobWebhook(webhookDeps, jobId);
  };
  const fair = new FairShare(new PgJobSlots(runtime.pool), {
    share: config.worker.maxActiveJobsPerAccount,
    leaseMs: config.worker.lockDurationMs,
    checkMs: config.worker.fairShareCheckMs,
    logger,
  });
  const processor = batchInsertProcessor(runner, shutdown.signal, onJobFinished, fair);
  const worker = new Worker<BatchInsertPayload>(QueueName.batchInsert, countingActiveJobs(metrics, processor), {
    connection: redis,
    prefix: config.queuePrefix,
    concurrency: config.worker.concurrency,
    // Short locks so a job whose worker was killed is picked up again within seconds.
    lockDuration: config.worker.lockDurationMs,
    stalledInterval: config.worker.stalledIntervalMs,
    // A kill -9 must never fail a job: the ledger makes every rerun safe.
    maxStalledCount: 1_000,
  });
  worker.on('error', (error) => logger.error('worker error', { error: error.message }));
  worker.on('failed', (job, error) =>
    logger.warn('job attempt failed', { job_id: job?.id, attempt: job?.attemptsMade, error: error.message }),
  );
  worker.on('stalled', (jobId) => logger.warn('job stalled (its worker died); resuming', { job_id: jobId }));
  const webhookWorker = new Worker<WebhookDeliveryPayload>(
    QueueName.webhookDelivery,
    webhookDeliveryProcessor({
      jobs: runtime.jobs,
      webhooks,
      secrets: new PgWebhookSecretStore(runtime.pool),
      config: webhookConfig,
      logger,
    }),
    {
      connection: redis,
      prefix: config.queuePrefix,
      concurrency: 16,
      lockDuration: Math.max(config.worker.lockDurationMs, webhookConfig.dnsTimeoutMs + webhookConfig.timeoutMs + 5_000),
      stalledInterval: config.worker.stalledIntervalMs,
    },
  );
  webhookWorker.on('error', (error) => logger.error('webhook worker error', { error: error.message }));
  webhookWorker.on('failed', (job, error) => {
    metrics.recordWebhookAttempt(failedWebhookAttemptOutcome(job, error));
    logger.warn('webhook delivery attempt failed', { job_id: job?.data?.job_id, attempt: job?.attemptsMade, error: error.message });
  });
  webhookWorker.on('completed', () => metrics.recordWebhookAttempt('completed'));

  const housekeepingDeps = {
    jobs: runtime.jobs,
    documents: runtime.documents,
    queue,
    queuePrefix: config.queuePrefix,
    runner,
    vectors: runtime.vectors,
    retention: config.retention,
    abandonedSyncMs: 2 * config.limits.syncRequestTimeoutMs,
    logger,
    metrics,
  };
  // A failed pass is logged and tried again at the next interval; it never ends the process.
  const pass = (name: HousekeepingPass, work: () => Promise<unknown>) => (): Promise<void> =>
    work().then(
      () => {
        metrics.recordHousekeepingPass(name, 'ok');
      },
      (e: Error) => {
        metrics.recordHousekeepingPass(name, 'failed');
        logger.warn(`${name} pass failed`, { error: e.message });
      },
    );
  const recoveryPass = pass('recovery', () => recoverIncompleteJobs(housekeepingDeps));
  const webhookRecoveryPass = pass('webhook_recovery', () => recoverWebhookDeliveries(webhookDeps));
  await recoverIncompleteJobs(housekeepingDeps);
  metrics.recordHousekeepingPass('recovery', 'ok');
  await webhookRecoveryPass();
  const timers = [
    setInterval(recoveryPass, config.worker.recoveryIntervalMs),
    setInterval(webhookRecoveryPass, config.worker.recoveryIntervalMs),
    setInterval(
      pass('retention_sweep', () => sweep(housekeepingDeps)),
      config.retention.sweepIntervalMs,
    ),
  ];
  const dependencyProbes = {
    redis: () => redis.ping(),
    postgres: () => runtime.pool.query('SELECT 1'),
    milvus: () => runtime.vectors.ping(),
  };
  metrics.watchDependencies(dependencyProbes);
  const health =
    config.worker.healthPort > 0
      ? startHealthServer(
          config.worker.healthPort,
          async () => {
            await Promise.all(Object.values(dependencyProbes).map((probe) => probe()));
          },
          metrics.registry,
        )
      : undefined;
  logger.info(
    `worker consuming "${QueueName.batchInsert}" (concurrency ${config.worker.concurrency}, at most ${config.worker.maxActiveJobs} jobs at once across workers, ` +
      `${config.worker.maxActiveJobsPerAccount} per account while other accounts wait)`,
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: finishing the work in hand, handing jobs back`);
    const forced = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    forced.unref();
    timers.forEach(clearInterval);
    shutdown.abort();
    await Promise.allSettled([worker.close(), webhookWorker.close()]);
    health?.close();
    await Promise.allSettled([queue.close(), webhookQueue.close(), runtime.close()]);
    redis.disconnect();
    await tracing.shutdown(); // the spans still buffered
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
