import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { inspectRedisDurability, type RunFence } from '@nonstop/core';
import { BatchJobRunner, createRuntime, type Runtime } from '@nonstop/pipeline';
import { sweep } from '../src/housekeeping';
import { makeDocuments, StoreInspector, testConfig, testLogger, uniqueAccount } from '../../../test/support/test-env';

describe('retention sweep and Redis durability checks', () => {
  const config = testConfig();
  let runtime: Runtime;
  let runner: BatchJobRunner;
  let stores: StoreInspector;

  beforeAll(async () => {
    runtime = await createRuntime(config, testLogger, { applicationName: 'test' });
    runner = new BatchJobRunner(
      runtime.jobs,
      runtime.pipeline,
      runtime.vectors,
      testLogger,
      { jobTimeoutMs: 60_000, pageSize: 100 },
      runtime.deletion,
    );
    stores = new StoreInspector(config);
  });
  afterAll(async () => {
    await runtime.close();
    await stores.close();
  });

  function sweepDeps(queuePrefix: string): Parameters<typeof sweep>[0] {
    return {
      jobs: runtime.jobs,
      documents: runtime.documents,
      runner,
      vectors: runtime.vectors,
      queuePrefix,
      retention: config.retention,
      logger: testLogger,
    };
  }

  async function stageJob(account: string, expiresAt: Date): Promise<string> {
    const id = randomUUID();
    await runtime.jobs.createJob({
      id,
      accountName: account,
      documents: makeDocuments(3),
      requestHash: 'h',
      expiresAt,
      duplicates: new Map(),
      queuePrefix: config.queuePrefix,
    });
    return id;
  }

  async function startedRun(jobId: string): Promise<RunFence> {
    return { jobId, run: (await runtime.jobs.startJob(jobId))!.run_count };
  }

  it('fails unfinished jobs past their expiry (rolling back what they wrote) and deletes finished jobs past retention', async () => {
    const account = uniqueAccount();
    const expired = await stageJob(account, new Date(Date.now() - 1_000));
    // the expired job had started and written one document before it stalled
    const stalledRun = await startedRun(expired);
    await runtime.pipeline.ingestBatch({ accountName: account, fence: stalledRun }, makeDocuments(1));
    expect(await stores.documentCount(account)).toBe(1);

    const oldCompleted = await stageJob(account, new Date(Date.now() + 3600_000));
    const recentFailed = await stageJob(account, new Date(Date.now() + 3600_000));
    const oldFailed = await stageJob(account, new Date(Date.now() + 3600_000));
    await runtime.jobs.finishJob(await startedRun(oldCompleted), 'completed');
    await runtime.jobs.finishJob(await startedRun(recentFailed), 'failed', { code: 'x', message: 'x' });
    await runtime.jobs.finishJob(await startedRun(oldFailed), 'failed', { code: 'x', message: 'x' });
    await stores.pool.query(`UPDATE ingest_jobs SET finished_at = now() - interval '8 days' WHERE id = $1`, [oldCompleted]);
    await stores.pool.query(`UPDATE ingest_jobs SET finished_at = now() - interval '2 days' WHERE id = $1`, [recentFailed]);
    await stores.pool.query(`UPDATE ingest_jobs SET finished_at = now() - interval '4 days' WHERE id = $1`, [oldFailed]);

    await sweep(sweepDeps(config.queuePrefix));

    const expiredJob = await runtime.jobs.getJob(expired);
    expect(expiredJob).toMatchObject({ status: 'failed', error_code: 'job_expired' });
    expect(await stores.documentCount(account)).toBe(0);
    expect(await runtime.jobs.getJob(oldCompleted)).toBeUndefined();
    expect(await runtime.jobs.getJob(oldFailed)).toBeUndefined();
    expect(await runtime.jobs.getJob(recentFailed)).toMatchObject({ status: 'failed' });

    // The stalled run wakes up after the sweep failed its job: none of its writes is taken.
    await expect(runtime.pipeline.ingestBatch({ accountName: account, fence: stalledRun }, makeDocuments(2))).rejects.toMatchObject({
      name: 'FencedOutError',
    });
    await expect(
      runtime.jobs.recordResults(stalledRun, [{ position: 0, status: 'succeeded', doc_id: 1, chunks_count: 2 }]),
    ).rejects.toMatchObject({ name: 'FencedOutError' });
    await expect(runtime.jobs.finishJob(stalledRun, 'completed')).rejects.toMatchObject({ name: 'FencedOutError' });
    expect(await runtime.jobs.getJob(expired)).toMatchObject({ status: 'failed', success_count: 0, error_code: 'job_expired' });
    expect(await stores.documentCount(account)).toBe(0);
  });

  it("sweeps only its own deployment's jobs (queue prefix) when several share the database", async () => {
    const account = uniqueAccount();
    const other = randomUUID();
    await runtime.jobs.createJob({
      id: other,
      accountName: account,
      documents: makeDocuments(1),
      requestHash: 'h',
      duplicates: new Map(),
      expiresAt: new Date(Date.now() - 1_000),
      queuePrefix: 'another-deployment',
    });
    await sweep(sweepDeps(config.queuePrefix));
    expect(await runtime.jobs.getJob(other)).toMatchObject({ status: 'pending' });
    await sweep(sweepDeps('another-deployment'));
    expect(await runtime.jobs.getJob(other)).toMatchObject({ status: 'failed', error_code: 'job_expired' });
  });

  it('tells a durable Redis from one that can lose the queue', async () => {
    const ours = new IORedis(config.redisUrl);
    const machines = new IORedis('redis://127.0.0.1:6379'); // the machine's Redis keeps nothing on disk
    try {
      expect((await inspectRedisDurability(ours)).problems).toEqual([]);
      const risky = await inspectRedisDurability(machines);
      expect(risky.problems.join(' ')).toMatch(/persistence is off|maxmemory-policy/);
    } finally {
      ours.disconnect();
      machines.disconnect();
    }
  });
});
