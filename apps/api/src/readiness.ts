import type { Pool } from 'pg';
import { type Embedder, type RedisClient } from '@nonstop/core';
import type { MilvusVectorStore } from '@nonstop/storage';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string; latency_ms: number }>;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  close?(): void;
}

type CheckResult = ReadinessReport['checks'][string];

const CHECK_TIMEOUT_MS = 3_000;
/** /readyz is unauthenticated: requests within this window share one round of store probes. */
const REPORT_CACHE_MS = 1_000;
/** An embedding call may be billed (a remote provider) or heavy (the local model): it is probed in the background only. */
const EMBEDDING_PROBE_INTERVAL_MS = 60_000;

/**
 * Probes Redis, PostgreSQL and Milvus (cheap round trips, each with a short
 * timeout, shared by the requests of one second) and reports the embedder's
 * last background probe. Errors name the dependency and what happened, never
 * a host or an address: /readyz answers anyone.
 */
export function dependencyReadiness(
  deps: { redis: RedisClient; pool: Pool; vectors: MilvusVectorStore; embedder: Embedder },
  options: { embeddingProbeIntervalMs?: number } = {},
): Readiness {
  const probes: Record<string, () => Promise<unknown>> = {
    redis: () => deps.redis.ping(),
    postgresql: () => deps.pool.query('SELECT 1'),
    milvus: () => deps.vectors.ping(),
  };
  let embedding: Promise<CheckResult> = probe(() => deps.embedder.embed(['readiness probe']));
  const refresh = setInterval(() => {
    const next = probe(() => deps.embedder.embed(['readiness probe']));
    // Keep the last answer until the next one is in: a slow probe never blanks the report.
    void next.then(() => {
      embedding = next;
    });
  }, options.embeddingProbeIntervalMs ?? EMBEDDING_PROBE_INTERVAL_MS);
  refresh.unref();

  let cached: { at: number; report: Promise<ReadinessReport> } | undefined;
  const run = async (): Promise<ReadinessReport> => {
    const entries = await Promise.all([
      ...Object.entries(probes).map(async ([name, check]) => [name, await probe(check)] as const),
      embedding.then((result) => ['embedding', result] as const),
    ]);
    return { ready: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
  };
  return {
    check() {
      if (!cached || Date.now() - cached.at > REPORT_CACHE_MS) cached = { at: Date.now(), report: run() };
      return cached.report;
    },
    close() {
      clearInterval(refresh);
    },
  };
}

async function probe(check: () => Promise<unknown>): Promise<CheckResult> {
  const started = Date.now();
  try {
    await withTimeout(check(), CHECK_TIMEOUT_MS);
    return { ok: true, latency_ms: Date.now() - started };
  } catch (error) {
    return { ok: false, error: describeFailure(error), latency_ms: Date.now() - started };
  }
}

/** What a person can act on, without the dependency's host, port or raw driver text. */
function describeFailure(error: unknown): string {
  if (error instanceof Error && error.message.startsWith('no answer within')) return error.message;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z]+$/.test(code) ? `unreachable (${code})` : 'unreachable or refusing requests';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
