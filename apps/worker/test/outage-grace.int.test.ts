import request from 'supertest';
import { getJob, waitForFinal } from '../../../test/support/job-harness';
import { useJobTestEnv } from '../../../test/support/job-test-env';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { makeDocuments, uniqueAccount, waitFor } from '../../../test/support/test-env';

/**
 * A store outage shorter than STORE_OUTAGE_GRACE_MS (a restart, a short
 * network cut) pauses a job: it resumes from its ledger and completes, with
 * every document stored once. The outage is a cut TCP proxy in front of the
 * real, shared service. Longer outages fail the job: outages.int.test.ts.
 */
describe('store outages within the grace: the job waits and completes', () => {
  jest.setTimeout(600_000);
  const env = useJobTestEnv({ workerEnv: { STORE_OUTAGE_GRACE_MS: '120000' } });
  const { harness, config } = env;

  async function cutMidJob(proxy: TcpProxy, workerEnv: Record<string, string>): Promise<void> {
    const worker = harness.startWorker(workerEnv);
    const account = uniqueAccount();
    const created = await request(env.api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(200, { chunks: 2 }) })
      .expect(202);
    const jobId = created.body.job_id as string;
    await waitFor('progress', async () => (await getJob(env.api.app, jobId)).progress.processed_documents! >= 20, 120_000);
    proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 8_000)); // longer than the store's own retries (~4 s)
    expect((await getJob(env.api.app, jobId)).status).toBe('processing');
    proxy.restore();

    const { job } = await waitForFinal(env.api.app, jobId, 300_000);
    expect(job.status).toBe('completed');
    expect(job.progress).toMatchObject({ success_count: 200, failure_count: 0 });
    expect(await env.stores.documentCount(account)).toBe(200);
    expect(await env.stores.vectorChunkIds(account)).toEqual(await env.stores.chunkIds(account));
    expect(worker.output()).toContain('store unavailable: the job waits, then resumes from its ledger');
  }

  it('PostgreSQL unreachable for 8 s', async () => {
    const proxy = TcpProxy.inFrontOf(config.databaseUrl, 5432);
    await proxy.start();
    try {
      await cutMidJob(proxy, { DATABASE_URL: proxy.proxied(config.databaseUrl) });
    } finally {
      await proxy.close();
    }
  });

  it('Milvus unreachable for 8 s', async () => {
    const proxy = TcpProxy.inFrontOfAddress(config.milvusAddress);
    await proxy.start();
    try {
      await cutMidJob(proxy, { MILVUS_ADDRESS: proxy.address });
    } finally {
      await proxy.close();
    }
  });
});
