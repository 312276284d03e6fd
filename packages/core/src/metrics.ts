import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DocumentResult } from './domain';
import { QueueName } from './queues';

/** The pipeline stages timed around the ports (see @nonstop/pipeline's timed ports). */
export type MetricsStage = 'postgres_write' | 'embedding' | 'milvus_write';

/** Queue states reported by `nonstop_queue_jobs`. */
export const METRICS_QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** What `nonstop_queue_jobs` and `nonstop_queue_oldest_waiting_age_seconds` read on each scrape (a BullMQ Queue fits). */
export interface QueueCountsSource {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
  /** With (['waiting'], 0, 0, true): the job that has waited longest, as BullMQ's Queue answers it. */
  getJobs(types: ['waiting'], start: number, end: number, asc: boolean): Promise<Array<{ timestamp: number } | undefined>>;
}

/** A cheap call that resolves while a dependency answers (Redis PING, PostgreSQL SELECT 1, Milvus health). */
export type DependencyProbe = () => Promise<unknown>;

/** A probe slower than this counts as down: a scrape must not hang on a dependency that does not answer. */
export const DEPENDENCY_PROBE_TIMEOUT_MS = 2_000;

/** How a webhook delivery attempt ended: delivered (or skipped), failed for good, or failed and retried later. */
export type WebhookAttemptOutcome = 'completed' | 'failed' | 'retrying';

/** Housekeeping passes of the worker, each counted by outcome. */
export type HousekeepingPass = 'recovery' | 'webhook_recovery' | 'retention_sweep';

export interface MetricsOptions {
  /** Queue whose job counts are read on every scrape; without it `nonstop_queue_jobs` stays empty. */
  queue?: QueueCountsSource;
  /** prom-client's default process metrics (CPU, memory, event loop, GC). Default true. */
  defaultMetrics?: boolean;
}

/**
 * The Prometheus series of one process, on a registry of its own (no global
 * state: tests create several apps in one process). Defined once here; the
 * API and the worker expose `registry` at `/metrics`.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly jobsTotal: Counter<'status'>;
  readonly documentsTotal: Counter<'result' | 'error_code'>;
  readonly chunksTotal: Counter<'result'>;
  readonly stageDuration: Histogram<'stage'>;
  readonly embeddingRetries: Counter<'reason'>;
  readonly embeddingRateLimited: Counter;
  readonly queueJobs: Gauge<'state'>;
  readonly activeJobs: Gauge;
  readonly queueOldestWaiting: Gauge<'queue'>;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly dependencyUp: Gauge<'dependency'>;
  readonly recoveryReenqueued: Counter;
  readonly oldestUnfinishedJob: Gauge;
  readonly housekeepingPasses: Counter<'pass' | 'outcome'>;
  readonly webhookDeliveries: Counter<'outcome'>;
  /** Times one stage; the histogram's seconds. */
  observeStage(stage: MetricsStage, seconds: number): void;
  /** A job ended with this final status (completed, failed, cancelled). */
  recordJobEnded(status: string): void;
  /** Per-document results the runner recorded in the ledger. */
  recordDocumentResults(results: readonly DocumentResult[]): void;
  /** The embedder's onRetry hook. */
  recordEmbeddingRetry(reason: string): void;
  /** Sets the queue `nonstop_queue_jobs` reads on each scrape (when it is created after the metrics). */
  watchQueue(queue: QueueCountsSource): void;
  /** Probes `nonstop_dependency_up` runs on each scrape, by dependency name. */
  watchDependencies(probes: Record<string, DependencyProbe>): void;
  /** One answered HTTP request; `route` is the matched route pattern, never the raw path. */
  observeHttpRequest(method: string, route: string, statusCode: number, seconds: number): void;
  /** A recovery pass: how many jobs it re-enqueued, and when the oldest unfinished job was created (none: undefined). */
  recordRecoveryPass(pass: { reenqueued: number; oldestUnfinishedCreatedAt: Date | undefined }): void;
  recordHousekeepingPass(pass: HousekeepingPass, outcome: 'ok' | 'failed'): void;
  recordWebhookAttempt(outcome: WebhookAttemptOutcome): void;
}

/** Methods outside this list are counted as "other", so odd requests cannot add series without bound. */
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

async function answersWithin(probe: DependencyProbe, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      probe().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const jobsTotal = new Counter({
    name: 'nonstop_jobs_total',
    help: 'Batch-insert jobs ended, by final status.',
    labelNames: ['status'] as const,
    registers,
  });
  const documentsTotal = new Counter({
    name: 'nonstop_documents_total',
    help: 'Documents of jobs processed and recorded in the ledger, by result (succeeded, failed) and error code ("" on success).',
    labelNames: ['result', 'error_code'] as const,
    registers,
  });
  const chunksTotal = new Counter({
    name: 'nonstop_chunks_total',
    help: 'Chunks of the recorded documents, by the result of their document.',
    labelNames: ['result'] as const,
    registers,
  });
  const stageDuration = new Histogram({
    name: 'nonstop_stage_duration_seconds',
    help: 'Duration of one pipeline stage call (postgres_write: one multi-row insert; embedding: one embed call; milvus_write: one upsert).',
    labelNames: ['stage'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const embeddingRetries = new Counter({
    name: 'nonstop_embedding_retries_total',
    help: 'Embedding requests tried again, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const embeddingRateLimited = new Counter({
    name: 'nonstop_embedding_rate_limited_total',
    help: 'Embedding requests answered 429 (rate limited) and retried.',
    registers,
  });
  let queue = options.queue;
  const queueJobs = new Gauge({
    name: 'nonstop_queue_jobs',
    help: 'Jobs in the batch-insert queue by state, read from the queue when scraped.',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      if (!queue) return;
      try {
        const counts = await queue.getJobCounts(...METRICS_QUEUE_STATES);
        for (const state of METRICS_QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
      } catch {
        // Redis is away: report no value rather than a stale one, and keep the rest of the scrape.
        this.reset();
      }
    },
  });
  const activeJobs = new Gauge({ name: 'nonstop_active_jobs', help: 'Jobs this process is running now.', registers });
  const queueOldestWaiting = new Gauge({
    name: 'nonstop_queue_oldest_waiting_age_seconds',
    help: 'Seconds the longest-waiting job of the queue has waited (0 when none waits), read when scraped.',
    labelNames: ['queue'] as const,
    registers,
    async collect() {
      if (!queue) return;
      try {
        const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
        this.set({ queue: QueueName.batchInsert }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
      } catch {
        this.reset();
      }
    },
  });
  const httpRequestDuration = new Histogram({
    name: 'nonstop_http_request_duration_seconds',
    help: 'Duration of answered API requests, by method, matched route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  let dependencies: Record<string, DependencyProbe> = {};
  const dependencyUp = new Gauge({
    name: 'nonstop_dependency_up',
    help: `1 while a dependency answers its probe within ${DEPENDENCY_PROBE_TIMEOUT_MS} ms, else 0; probed when scraped.`,
    labelNames: ['dependency'] as const,
    registers,
    async collect() {
      const entries = Object.entries(dependencies);
      const up = await Promise.all(entries.map(([, probe]) => answersWithin(probe, DEPENDENCY_PROBE_TIMEOUT_MS)));
      entries.forEach(([dependency], i) => this.set({ dependency }, up[i] ? 1 : 0));
    },
  });
  const recoveryReenqueued = new Counter({
    name: 'nonstop_recovery_reenqueued_jobs_total',
    help: 'Unfinished jobs the recovery pass found missing from Redis (or finished there) and enqueued again from PostgreSQL.',
    registers,
  });
  let oldestUnfinishedCreatedAt: Date | undefined;
  const oldestUnfinishedJob = new Gauge({
    name: 'nonstop_oldest_unfinished_job_age_seconds',
    help:
      'Age of the oldest unfinished job the last recovery pass found (0 when none), aged to the scrape; ' +
      'a job that finished since then leaves the value until the next pass.',
    registers,
    collect() {
      this.set(oldestUnfinishedCreatedAt ? Math.max(0, (Date.now() - oldestUnfinishedCreatedAt.getTime()) / 1000) : 0);
    },
  });
  const housekeepingPasses = new Counter({
    name: 'nonstop_housekeeping_passes_total',
    help: 'Housekeeping passes of the worker (recovery, webhook_recovery, retention_sweep) by outcome (ok, failed).',
    labelNames: ['pass', 'outcome'] as const,
    registers,
  });
  const webhookDeliveries = new Counter({
    name: 'nonstop_webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts by outcome: completed (delivered or skipped), retrying (failed, tried again later), failed (failed for good).',
    labelNames: ['outcome'] as const,
    registers,
  });

  // Series without labels start at zero; show the labelled ones before their first event too.
  for (const status of ['completed', 'failed', 'cancelled']) jobsTotal.inc({ status }, 0);
  for (const stage of ['postgres_write', 'embedding', 'milvus_write'] as const) stageDuration.zero({ stage });
  for (const outcome of ['completed', 'failed', 'retrying'] as const) webhookDeliveries.inc({ outcome }, 0);
  for (const pass of ['recovery', 'webhook_recovery', 'retention_sweep'] as const) {
    for (const outcome of ['ok', 'failed'] as const) housekeepingPasses.inc({ pass, outcome }, 0);
  }

  return {
    registry,
    jobsTotal,
    documentsTotal,
    chunksTotal,
    stageDuration,
    embeddingRetries,
    embeddingRateLimited,
    queueJobs,
    activeJobs,
    queueOldestWaiting,
    httpRequestDuration,
    dependencyUp,
    recoveryReenqueued,
    oldestUnfinishedJob,
    housekeepingPasses,
    webhookDeliveries,
    observeStage(stage, seconds) {
      stageDuration.observe({ stage }, seconds);
    },
    recordJobEnded(status) {
      jobsTotal.inc({ status });
    },
    recordDocumentResults(results) {
      for (const result of results) {
        const outcome = result.success ? 'succeeded' : 'failed';
        documentsTotal.inc({ result: outcome, error_code: result.success ? '' : (result.error_code ?? 'internal') });
        if (result.chunks_count > 0) chunksTotal.inc({ result: outcome }, result.chunks_count);
      }
    },
    watchQueue(source) {
      queue = source;
    },
    watchDependencies(probes) {
      dependencies = probes;
    },
    observeHttpRequest(method, route, statusCode, seconds) {
      const normalized = HTTP_METHODS.has(method) ? method : 'other';
      httpRequestDuration.observe({ method: normalized, route, status_code: String(statusCode) }, seconds);
    },
    recordRecoveryPass(pass) {
      recoveryReenqueued.inc(pass.reenqueued);
      oldestUnfinishedCreatedAt = pass.oldestUnfinishedCreatedAt;
    },
    recordHousekeepingPass(pass, outcome) {
      housekeepingPasses.inc({ pass, outcome });
    },
    recordWebhookAttempt(outcome) {
      webhookDeliveries.inc({ outcome });
    },
    recordEmbeddingRetry(reason) {
      embeddingRetries.inc({ reason });
      if (reason === 'rate_limited') embeddingRateLimited.inc();
    },
  };
}
