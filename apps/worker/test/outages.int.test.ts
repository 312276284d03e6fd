import request from 'supertest';
import { getJob, waitForFinal } from '../../../test/support/job-harness';
import { useJobTestEnv } from '../../../test/support/job-test-env';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { makeDocuments, uniqueAccount, waitFor } from '../../../test/support/test-env';

/**
 * A store unreachable beyond its retries fails the job and rolls back every
 * document it wrote. The outage is a cut TCP proxy in front of the real
 * service (the services themselves are shared by other tests).
 */
describe('system failures: PostgreSQL or Milvus unreachable mid-job', () => {
  // Reconnecting after an outage is slow on a loaded 2-core machine: generous limits, not timing claims.
  jest.setTimeout(600_000);
  // No grace: the first outage past the store's own retries is a system failure (outage-grace.int.test.ts covers the grace).
  const env = useJobTestEnv({ workerEnv: { RETENTION_SWEEP_INTERVAL_MS: '2000', STORE_OUTAGE_GRACE_MS: '0' } });
  const { harness, config } = env;

  async function startJobAndWaitForProgress(account: string): Promise<string> {
    const created = await request(env.api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(300, { chunks: 2 }) })
      .expect(202);
    const jobId = created.body.job_id as string;
    await waitFor('progress', async () => (await getJob(env.api.app, jobId)).progress.processed_documents! >= 20, 120_000);
    expect(await env.stores.documentCount(account)).toBeGreaterThan(0);
    return jobId;
  }

  it('Milvus unreachable: the job fails naming Milvus; rows go at once, vectors once Milvus is back', async () => {
    const proxy = TcpProxy.inFrontOfAddress(config.milvusAddress);
    await proxy.start();
    try {
      harness.startWorker({ MILVUS_ADDRESS: proxy.address });
      const account = uniqueAccount();
      const jobId = await startJobAndWaitForProgress(account);
      proxy.cut();
      const { job } = await waitForFinal(env.api.app, jobId, 240_000);
      expect(job.status).toBe('failed');
      expect(job.error).toMatchObject({ code: 'milvus_unavailable' });
      expect((job.error as { message: string }).message).toMatch(/Milvus could not .* after \d+ attempts/);
      expect(await env.stores.documentCount(account)).toBe(0);
      const rolledBack = await request(env.api.app).get(`/job/${jobId}/results`).query({ status: 'rolled_back', limit: '1' }).expect(200);
      expect(rolledBack.body.results[0]).toMatchObject({ status: 'rolled_back', success: false });

      proxy.restore();
      await waitFor(
        'the sweeper to delete the vectors',
        async () => (await env.stores.vectorChunkIds(account)).length === 0,
        240_000,
        1_000,
      );
    } finally {
      await proxy.close();
    }
  });

  it('PostgreSQL unreachable: the job fails once PostgreSQL answers again, and nothing of it remains', async () => {
    const proxy = TcpProxy.inFrontOf(config.databaseUrl, 5432);
    await proxy.start();
    try {
      harness.startWorker({ DATABASE_URL: proxy.proxied(config.databaseUrl) });
      const account = uniqueAccount();
      const jobId = await startJobAndWaitForProgress(account);
      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 10_000)); // past the store's retries
      expect((await getJob(env.api.app, jobId)).status).toBe('processing'); // nothing could be recorded yet
      proxy.restore();
      const { job } = await waitForFinal(env.api.app, jobId, 240_000);
      expect(job.status).toBe('failed');
      expect(job.error).toMatchObject({ code: 'postgresql_unavailable' });
      expect((job.error as { message: string }).message).toContain('PostgreSQL unavailable');
      expect(await env.stores.documentCount(account)).toBe(0);
      expect(await env.stores.vectorChunkIds(account)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
