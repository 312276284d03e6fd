import type { Pool } from 'pg';
import { errorMessage, type Embedder, type RedisClient } from '@nonstop/core';
import type { MilvusVectorStore } from '@nonstop/storage';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string; latency_ms: number }>;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
}

const CHECK_TIMEOUT_MS = 3_000;

/** Probes Redis, PostgreSQL, Milvus and the embedder in parallel, each with a short timeout. */
export function dependencyReadiness(deps: { redis: RedisClient; pool: Pool; vectors: MilvusVectorStore; embedder: Embedder }): Readiness {
  const probes: Record<string, () => Promise<unknown>> = {
    redis: () => deps.redis.ping(),
    postgresql: () => deps.pool.query('SELECT 1'),
    milvus: () => deps.vectors.ping(),
    embedding: () => deps.embedder.embed(['readiness probe']),
  };
  return {
    async check() {
      const entries = await Promise.all(Object.entries(probes).map(async ([name, probe]) => {
        const started = Date.now();
        try {
          await withTimeout(probe(), CHECK_TIMEOUT_MS);
          return [name, { ok: true, latency_ms: Date.now() - started }] as const;
        } catch (error) {
          return [name, { ok: false, error: errorMessage(error), latency_ms: Date.now() - started }] as const;
        }
      }));
      const checks = Object.fromEntries(entries);
      return { ready: entries.every(([, result]) => result.ok), checks };
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
