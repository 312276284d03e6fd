import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import request from 'supertest';
import { createRedis, inspectRedisDurability, loadConfig, redisTargetOf } from '@nonstop/core';
import { PgApiKeyStore } from '@nonstop/storage';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness, waitForFinal } from '../../../test/support/job-harness';
import { RedisCluster } from '../../../test/support/redis-cluster';
import { makeDocuments, StoreInspector, testConfig, uniqueAccount } from '../../../test/support/test-env';

/**
 * The whole service on a real three-master Redis Cluster: the API (queue,
 * rate limiter, queue events) in-process and a worker process, all given
 * REDIS_CLUSTER_NODES and a hash-tagged queue prefix.
 */
describe('a job end to end through a Redis Cluster', () => {
  const cluster = new RedisCluster();
  const prefix = `{test-cluster-${randomUUID().slice(0, 8)}}`;
  let harness: JobHarness;
  let api: InProcessApi;
  let stores: StoreInspector;
  let asAccount: Express; // the app, with the account's key on every request
  const account = uniqueAccount('cluster');

  beforeAll(async () => {
    await cluster.start();
    // The shared Redis is out of reach: anything that still used REDIS_URL's host would fail.
    const env = { REDIS_CLUSTER_NODES: cluster.nodes, REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: prefix };
    harness = new JobHarness({ ...env, REDIS_REQUIRE_DURABLE: 'true' });
    const config = testConfig({ ...env, API_AUTH: 'required', RATE_LIMIT_PER_MINUTE: '1000' });
    expect(config.redisClusterNodes).toHaveLength(3);
    api = await startInProcessApi(config, { withAuth: true });
    stores = new StoreInspector(config);
    const { key } = await new PgApiKeyStore(api.runtime.pool).create(account);
    asAccount = express().use((req, _res, next) => {
      req.headers.authorization = `Bearer ${key}`;
      next();
    }, api.app);
  });
  afterAll(async () => {
    await harness?.stopAll();
    await api?.close();
    await stores?.close();
    await cluster.stop();
  });

  it('accepts, runs and reports a job, with queue events and the rate limit working on the cluster', async () => {
    const worker = harness.startWorker();
    const created = await request(asAccount)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(6, { chunks: 3 }) })
      .expect(202);
    const jobId = created.body.job_id as string;
    // the rate limiter's counter lives in the cluster too: its count moves
    expect(Number(created.headers['ratelimit-remaining'])).toBe(999);
    const events: string[] = [];
    const unsubscribe = api.jobEvents.hub.subscribe(jobId, (event) => events.push(event));

    const { job } = await waitForFinal(asAccount, jobId);
    unsubscribe();
    expect(job.status).toBe('completed');
    expect(job.progress).toMatchObject({ total_documents: 6, processed_documents: 6, success_count: 6, failure_count: 0 });
    expect(await stores.documentCount(account)).toBe(6);
    const chunkIds = await stores.chunkIds(account);
    expect(chunkIds).toHaveLength(18);
    expect(await stores.vectorChunkIds(account)).toEqual(chunkIds);

    expect(events).toContain('completed'); // QueueEvents' blocking reads work against the cluster
    // Every queue key hashes to the prefix's slot, which now holds them.
    expect(await cluster.keysInSlotOf(prefix)).toBeGreaterThan(0);
    expect(worker.output()).not.toMatch(/CROSSSLOT|can lose queued jobs/);
  });

  it('checks the durability of every master, naming the one that could lose jobs', async () => {
    const redis = createRedis(redisTargetOf(loadConfig({ REDIS_CLUSTER_NODES: cluster.nodes })), 'worker');
    try {
      expect(await inspectRedisDurability(redis)).toMatchObject({ evictionPolicy: 'noeviction', aof: true, problems: [] });
      const [, second] = cluster.ports;
      await cluster.cli(second!, 'config', 'set', 'maxmemory-policy', 'allkeys-lru');
      const { problems } = await inspectRedisDurability(redis);
      expect(problems).toEqual([
        `127.0.0.1:${second}: maxmemory-policy is "allkeys-lru" (must be "noeviction", or Redis may evict queued jobs)`,
      ]);
    } finally {
      redis.disconnect();
    }
  });
});
