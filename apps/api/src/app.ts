import express, { type Express } from 'express';
import {
  ApiError,
  createMetrics,
  isErrorNamed,
  type AppConfig,
  type BatchInsertQueue,
  type DependencyError,
  type Logger,
  type Metrics,
  type RedisClient,
} from '@nonstop/core';
import type { BatchJobRunner, ConsistencyAuditStores } from '@nonstop/pipeline';
import type { PgApiKeyStore, PgDocumentStore, PgJobStore, PgWebhookSecretStore, PgWebhookStore } from '@nonstop/storage';
import { apiKeyAuth } from './auth/api-key-auth';
import { FailedAuthLimit } from './auth/failed-auth-limit';
import { rateLimit } from './auth/rate-limit';
import type { WebhookQueue } from './jobs/job-webhooks';
import { adminRoutes } from './admin/admin-routes';
import { metricsRoutes } from './admin/metrics-routes';
import { BodyMemoryBudget } from './http/body-memory-budget';
import { errorMiddleware } from './http/error-middleware';
import { notFoundMiddleware } from './http/not-found-middleware';
import { requestId } from './http/request-id';
import { requestLog } from './http/request-log';
import { requestMetrics } from './http/request-metrics';
import { requestSpan } from './http/request-span';
import { jobRoutes } from './jobs/job-routes';
import { openApiRoutes } from './openapi/openapi-routes';
import type { Readiness } from './readiness';
import type { JobEventHub } from './stream/job-event-hub';
import { jobStreamRoutes } from './stream/job-stream-routes';
import { OpenStreams } from './stream/open-streams';
import { dataRoutes } from './routes/data-routes';
import { healthRoutes } from './routes/health-routes';
import { searchRoutes, type SearchStores } from './routes/search-routes';

export interface AppDependencies {
  config: Pick<AppConfig, 'limits' | 'retention' | 'queuePrefix'> &
    Partial<Pick<AppConfig, 'adminToken' | 'stream' | 'webhook' | 'jobStatusCacheMs' | 'trustProxy'>>;
  logger: Logger;
  /** Runs POST /data/insert/batch requests in this process (see routes/sync-insert.ts). */
  syncRunner: BatchJobRunner;
  /** The stores GET /admin/consistency audits; the route answers 404 without them. */
  consistency?: ConsistencyAuditStores;
  jobs: PgJobStore;
  /** Read by dry runs (what an insert would do) and batch deletes (what they remove). */
  documents: PgDocumentStore;
  queue: BatchInsertQueue;
  readiness: Readiness;
  cancelWaitMs?: number;
  /** The process's queue events, shared by every job stream (see src/stream). */
  jobEvents?: JobEventHub;
  /** Webhooks: the delivery queue (a pending job cancelled here is announced) and the record of attempts. */
  webhookQueue?: WebhookQueue;
  webhooks?: PgWebhookStore;
  /** The accounts' webhook signing secrets, listed and rotated at /admin/accounts/{account}/webhook-secrets. */
  webhookSecrets?: PgWebhookSecretStore;
  /** The process's Prometheus series, served at /metrics (admin); one is made when not given. */
  metrics?: Metrics;
  /** What POST /search reads (the embedder, Milvus, PostgreSQL: the Runtime); the route answers 404 without them. */
  search?: SearchStores;
  /**
   * API keys, per-key rate limits, queued-documents quotas and the failed-authentication limit per client
   * address (config.auth); without it every caller sees every account.
   */
  auth?: {
    mode: 'required' | 'disabled';
    keys: PgApiKeyStore;
    redis: RedisClient;
    rateLimitPerMinute: number;
    maxQueuedDocumentsPerAccount: number;
    maxQueuedChunksPerAccount: number;
    failuresPerWindow: number;
    failureWindowSeconds: number;
  };
}

/** The Express app without `listen`, so tests bind it in-process with supertest. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  const metrics = deps.metrics ?? createMetrics({ queue: deps.queue });
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.config.trustProxy ?? false);
  app.use(requestSpan());
  app.use(requestId());
  app.use(requestLog(deps.logger));
  app.use(requestMetrics(metrics));
  app.use(healthRoutes(deps.readiness));
  app.use(openApiRoutes());
  app.use(
    adminRoutes({
      queue: deps.queue,
      adminToken: deps.config.adminToken,
      consistency: deps.consistency,
      ...(deps.webhookSecrets ? { webhookSecrets: deps.webhookSecrets } : {}),
      ...(deps.webhookQueue ? { webhookQueue: deps.webhookQueue } : {}),
    }),
  );
  app.use(metricsRoutes({ metrics, adminToken: deps.config.adminToken }));
  if (deps.auth) {
    const failures = new FailedAuthLimit({
      redis: deps.auth.redis,
      prefix: deps.config.queuePrefix,
      logger: deps.logger,
      perWindow: deps.auth.failuresPerWindow,
      windowSeconds: deps.auth.failureWindowSeconds,
    });
    app.use(apiKeyAuth({ mode: deps.auth.mode, keys: deps.auth.keys, failures }));
    app.use(
      rateLimit({ redis: deps.auth.redis, prefix: deps.config.queuePrefix, perMinute: deps.auth.rateLimitPerMinute, logger: deps.logger }),
    );
  }
  // One budget for both insert endpoints: their bodies share the process's memory.
  const bodyMemory = new BodyMemoryBudget(deps.config.limits.bodyMemoryBytes, deps.config.limits.bodyMemoryPerKeyBytes);
  app.use(
    dataRoutes({
      limits: deps.config.limits,
      documents: deps.documents,
      bodyMemory,
      sync: {
        jobs: deps.jobs,
        runner: deps.syncRunner,
        queuePrefix: deps.config.queuePrefix,
        retentionHours: deps.config.retention.unfinishedJobTtlHours,
      },
    }),
  );
  if (deps.search) app.use(searchRoutes(deps.search));
  const keys = deps.auth?.keys;
  app.use(
    jobRoutes({
      jobs: deps.jobs,
      documents: deps.documents,
      queue: deps.queue,
      logger: deps.logger,
      config: deps.config,
      bodyMemory,
      ...(deps.auth && keys
        ? {
            quota: {
              maxQueuedDocuments: deps.auth.maxQueuedDocumentsPerAccount,
              maxQueuedChunks: deps.auth.maxQueuedChunksPerAccount,
              queuedTotals: (account: string) => keys.queuedTotals(account),
            },
          }
        : {}),
      ...(deps.cancelWaitMs !== undefined ? { cancelWaitMs: deps.cancelWaitMs } : {}),
      ...(deps.webhookQueue ? { webhookQueue: deps.webhookQueue } : {}),
      ...(deps.webhooks ? { webhooks: deps.webhooks } : {}),
    }),
  );
  const stream = deps.config.stream;
  app.use(
    jobStreamRoutes({
      jobs: deps.jobs,
      logger: deps.logger,
      ...(deps.jobEvents ? { hub: deps.jobEvents } : {}),
      ...(stream
        ? {
            heartbeatMs: stream.heartbeatMs,
            pollMs: stream.pollMs,
            openStreams: new OpenStreams({
              maxPerKey: stream.maxStreamsPerKey,
              maxTotal: stream.maxStreams,
              keyRecheckMs: stream.keyRecheckMs,
              logger: deps.logger,
              ...(keys ? { activeKeys: (keyIds: string[]) => keys.activeKeyIds(keyIds) } : {}),
            }),
          }
        : {}),
    }),
  );
  app.use(notFoundMiddleware());
  app.use(dependencyErrorsAs503);
  app.use(errorMiddleware(deps.logger));
  return app;
}

/** A store that is down is not the client's fault and not a bug: 503 naming the dependency. */
function dependencyErrorsAs503(error: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction): void {
  if (isErrorNamed(error, 'DependencyError')) {
    const dependency = (error as DependencyError).dependency;
    next(new ApiError(503, `${dependency}_unavailable`, `${(error as Error).message}. Nothing from this request was kept; retry later.`));
    return;
  }
  next(error);
}
