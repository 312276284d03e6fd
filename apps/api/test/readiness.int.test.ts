import IORedis from 'ioredis';
import type { Embedder } from '@nonstop/core';
import { createRuntime, type Runtime } from '@nonstop/pipeline';
import { MilvusVectorStore } from '@nonstop/storage';
import { dependencyReadiness } from '../src/readiness';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { testConfig, testLogger } from '../../../test/support/test-env';

/** /readyz answers anyone: it must be cheap (no embedding call per request) and quiet (no hosts or addresses). */
describe('readiness probes (real Redis, PostgreSQL, Milvus and model)', () => {
  const config = testConfig();
  let runtime: Runtime;
  let redis: IORedis;

  beforeAll(async () => {
    runtime = await createRuntime(config, testLogger, { applicationName: 'test' });
    redis = new IORedis(config.redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await runtime.close();
  });

  function counting(embedder: Embedder): { embedder: Embedder; calls: () => number } {
    let calls = 0;
    return {
      calls: () => calls,
      embedder: {
        model: embedder.model,
        dimension: embedder.dimension,
        embed: (texts, signal) => {
          calls += 1;
          return embedder.embed(texts, signal);
        },
      },
    };
  }

  it('200 requests make no embedding call of their own: the embedder is probed once in the background', async () => {
    const { embedder, calls } = counting(runtime.embedder);
    const readiness = dependencyReadiness(
      { redis, pool: runtime.pool, vectors: runtime.vectors, embedder },
      { embeddingProbeIntervalMs: 60_000 },
    );
    try {
      for (let round = 0; round < 20; round += 1) {
        const reports = await Promise.all(Array.from({ length: 10 }, () => readiness.check()));
        for (const report of reports)
          expect(report).toMatchObject({ ready: true, checks: { embedding: { ok: true }, milvus: { ok: true } } });
      }
      expect(calls()).toBe(1);
    } finally {
      readiness.close?.();
    }
  });

  it('names the dependency that is down without its host or address', async () => {
    const [host, port] = config.milvusAddress.split(':');
    const proxy = new TcpProxy(host!, Number(port));
    await proxy.start();
    proxy.cut();
    const vectors = new MilvusVectorStore({
      address: proxy.address,
      collection: config.milvusCollection,
      maxAttempts: 1,
      callTimeoutMs: 1_000,
    });
    const readiness = dependencyReadiness({ redis, pool: runtime.pool, vectors, embedder: runtime.embedder });
    try {
      const report = await readiness.check();
      expect(report.ready).toBe(false);
      expect(report.checks.milvus).toMatchObject({ ok: false });
      expect(report.checks.postgresql).toMatchObject({ ok: true });
      const text = JSON.stringify(report);
      expect(text).not.toContain(host!);
      expect(text).not.toContain(String(proxy.port));
      expect(report.checks.milvus!.error).toBe('unreachable or refusing requests');
    } finally {
      readiness.close?.();
      await vectors.close();
      await proxy.close();
    }
  });
});
