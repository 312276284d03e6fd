import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DocumentResult } from './domain';

/** The pipeline stages timed around the ports (see @nonstop/pipeline's timed ports). */
export type MetricsStage = 'postgres_write' | 'embedding' | 'milvus_write';

/** Queue states reported by `nonstop_queue_jobs`. */
export const METRICS_QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** What `nonstop_queue_jobs` reads on each scrape (a BullMQ Queue fits). */
export interface QueueCountsSource {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

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
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const jobsTotal = new Counter({
    name: 'nonstop_jobs_total', help: 'Batch-insert jobs ended, by final status.', labelNames: ['status'] as const, registers,
  });
  const documentsTotal = new Counter({
    name: 'nonstop_documents_total',
    help: 'Documents of jobs processed and recorded in the ledger, by result (succeeded, failed) and error code ("" on success).',
    labelNames: ['result', 'error_code'] as const, registers,
  });
  const chunksTotal = new Counter({
    name: 'nonstop_chunks_total', help: 'Chunks of the recorded documents, by the result of their document.', labelNames: ['result'] as const, registers,
  });
  const stageDuration = new Histogram({
    name: 'nonstop_stage_duration_seconds',
    help: 'Duration of one pipeline stage call (postgres_write: one multi-row insert; embedding: one embed call; milvus_write: one upsert).',
    labelNames: ['stage'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const embeddingRetries = new Counter({
    name: 'nonstop_embedding_retries_total', help: 'Embedding requests tried again, by reason.', labelNames: ['reason'] as const, registers,
  });
  const embeddingRateLimited = new Counter({
    name: 'nonstop_embedding_rate_limited_total', help: 'Embedding requests answered 429 (rate limited) and retried.', registers,
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

  // Series without labels start at zero; show the labelled ones before their first event too.
  for (const status of ['completed', 'failed', 'cancelled']) jobsTotal.inc({ status }, 0);
  for (const stage of ['postgres_write', 'embedding', 'milvus_write'] as const) stageDuration.zero({ stage });

  return {
    registry, jobsTotal, documentsTotal, chunksTotal, stageDuration, embeddingRetries, embeddingRateLimited, queueJobs, activeJobs,
    observeStage(stage, seconds) {
      stageDuration.observe({ stage }, seconds);
    },
    recordJobEnded(status) {
      jobsTotal.inc({ status });
    },
    recordDocumentResults(results) {
      for (const result of results) {
        const outcome = result.success ? 'succeeded' : 'failed';
        documentsTotal.inc({ result: outcome, error_code: result.success ? '' : result.error_code ?? 'internal' });
        if (result.chunks_count > 0) chunksTotal.inc({ result: outcome }, result.chunks_count);
      }
    },
    watchQueue(source) {
      queue = source;
    },
    recordEmbeddingRetry(reason) {
      embeddingRetries.inc({ reason });
      if (reason === 'rate_limited') embeddingRateLimited.inc();
    },
  };
}
