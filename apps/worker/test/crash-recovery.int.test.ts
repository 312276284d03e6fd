import request from 'supertest';
import IORedis from 'ioredis';
import { getJob, waitForFinal } from '../../../test/support/job-harness';
import { useJobTestEnv } from '../../../test/support/job-test-env';
import { spawnApp, stopApp } from '../../../test/support/processes';
import { makeDocuments, uniqueAccount, waitFor } from '../../../test/support/test-env';

describe('recovery: kill -9 of a worker or the API, and a Redis that forgot its jobs', () => {
  const env = useJobTestEnv();
  const { harness, config } = env;

  it('scenario 2: a worker killed with SIGKILL mid-job; a new worker resumes; exact counts, nothing finished is embedded again', async () => {
    const account = uniqueAccount();
    const first = harness.startWorker();
    const created = await request(env.api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(300, { chunks: 2 }) })
      .expect(202);
    const jobId = created.body.job_id as string;
    await waitFor('progress before the kill', async () => (await getJob(env.api.app, jobId)).progress.processed_documents! >= 40, 90_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const before = await getJob(env.api.app, jobId);
    expect(before.status).toBe('processing');
    const succeededBefore = await env.stores.pool.query(
      `SELECT c.id FROM job_documents j JOIN document_chunks c ON c.document_id = j.doc_id
        WHERE j.job_id = $1 AND j.status = 'succeeded'`,
      [jobId],
    );
    const finishedChunks = new Set(succeededBefore.rows.map((row: { id: string }) => Number(row.id)));
    expect(finishedChunks.size).toBeGreaterThan(0);

    const restartedAt = Date.now();
    const second = harness.startWorker();
    await waitFor(
      'progress after the restart',
      async () => (await getJob(env.api.app, jobId)).progress.processed_documents! > before.progress.processed_documents!,
      60_000,
    );
    const resumeSeconds = (Date.now() - restartedAt) / 1000;
    const { job } = await waitForFinal(env.api.app, jobId, 180_000);
    expect(job.status).toBe('completed');
    expect(job.progress).toMatchObject({ success_count: 300, failure_count: 0 });
    expect(await env.stores.documentCount(account)).toBe(300);
    const chunkIds = await env.stores.chunkIds(account);
    expect(chunkIds).toHaveLength(600);
    expect(await env.stores.vectorChunkIds(account)).toEqual(chunkIds);
    const counts = harness.embeddingCounts();
    const reembeddedFinished = [...finishedChunks].filter((id) => (counts.get(id) ?? 0) > 1);
    expect(reembeddedFinished).toEqual([]);
    expect(chunkIds.every((id) => (counts.get(id) ?? 0) >= 1)).toBe(true);
    expect(second.output()).toContain('checking for incomplete jobs');
    console.log(`worker resumed the job ${resumeSeconds.toFixed(1)} s after restart`);
  });

  it('SIGTERM to a worker mid-job: it finishes the batch in hand, exits in time, and another worker completes the job', async () => {
    const account = uniqueAccount();
    const first = harness.startWorker();
    const created = await request(env.api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(300, { chunks: 2 }) })
      .expect(202);
    const jobId = created.body.job_id as string;
    await waitFor('progress', async () => (await getJob(env.api.app, jobId)).progress.processed_documents! >= 20, 90_000);
    const second = harness.startWorker();
    await waitFor('the second worker ready', async () => second.output().includes('worker consuming'), 60_000);
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const exitCode = await first.exited;
    const exitSeconds = (Date.now() - signalledAt) / 1000;
    expect(exitCode).toBe(0);
    expect(exitSeconds).toBeLessThan(30);
    expect(first.output()).toContain('job handed back: worker shutting down');
    const { job } = await waitForFinal(env.api.app, jobId, 180_000);
    expect(job.progress).toMatchObject({ success_count: 300, failure_count: 0 });
    expect(await env.stores.documentCount(account)).toBe(300);
    expect(await env.stores.vectorChunkIds(account)).toEqual(await env.stores.chunkIds(account));
    console.log(`worker exited ${exitSeconds.toFixed(1)} s after SIGTERM`);
  });

  it('the API killed with SIGKILL and restarted: the job it accepted completes and stays readable', async () => {
    const account = uniqueAccount();
    harness.startWorker();
    const port = 18_000 + Math.floor(Math.random() * 1000);
    const env = { ...harness.env, PORT: String(port) };
    const base = `http://127.0.0.1:${port}`;
    let apiProcess = spawnApp('api', env);
    await waitFor(
      'API up',
      async () =>
        fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      90_000,
    );
    const created = await request(base)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(150) })
      .expect(202);
    apiProcess.child.kill('SIGKILL');
    await apiProcess.exited;
    apiProcess = spawnApp('api', env);
    await waitFor(
      'API up again',
      async () =>
        fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      90_000,
    );
    const { job } = await waitForFinal(base, created.body.job_id);
    expect(job.progress).toMatchObject({ success_count: 150 });
    await stopApp(apiProcess);
  });

  it('a Redis that lost the queue: the job staged in PostgreSQL is re-enqueued and completes', async () => {
    await harness.stopAll();
    const account = uniqueAccount();
    const created = await request(env.api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(20) })
      .expect(202);
    const redis = new IORedis(config.redisUrl);
    const keys = await redis.keys(`${harness.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    expect(await redis.keys(`${harness.prefix}:*`)).toEqual([]);
    redis.disconnect();
    const worker = harness.startWorker();
    const { job } = await waitForFinal(env.api.app, created.body.job_id, 120_000);
    expect(job.progress).toMatchObject({ success_count: 20 });
    expect(worker.output()).toMatch(/re-enqueued incomplete job/);
  });
});
