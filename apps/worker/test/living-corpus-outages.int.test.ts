import request from 'supertest';
import { auditConsistency } from '@nonstop/pipeline';
import type { DocumentInput } from '@nonstop/core';
import { getJob, waitForFinal } from '../../../test/support/job-harness';
import { useJobTestEnv } from '../../../test/support/job-test-env';
import { seedChunksWithStandInVectors } from '../../../test/support/seed-chunks';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { makeDocuments, uniqueAccount, waitFor } from '../../../test/support/test-env';

/**
 * Replace and delete jobs with Milvus or PostgreSQL cut for real (a TCP proxy
 * in front of the shared services), then both stores counted by id and the
 * consistency audit run.
 */
jest.setTimeout(600_000);

const secondVersion = (documents: DocumentInput[]): DocumentInput[] =>
  documents.map((d, n) => ({
    ...d,
    chunks: [0, 1, 2].map((i) => ({ chunk_index: i, text: `v2 문서 ${n} 문단 ${i}` })),
  }));

describe('a replace job that fails in an outage rolls back to the old versions', () => {
  const env = useJobTestEnv({ workerEnv: { RETENTION_SWEEP_INTERVAL_MS: '2000', STORE_OUTAGE_GRACE_MS: '0' } });

  async function replaceUntilProgress(account: string, workerEnv: Record<string, string>) {
    const first = makeDocuments(300, { chunks: 2 });
    for (let start = 0; start < first.length; start += 100) {
      await request(env.api.app)
        .post('/data/insert/batch')
        .send({ account_name: account, documents: first.slice(start, start + 100) })
        .expect(200);
    }
    const original = await env.stores.chunkIds(account);
    env.harness.startWorker(workerEnv);
    const created = await request(env.api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: secondVersion(first), on_existing: 'replace' })
      .expect(202);
    const jobId = created.body.job_id as string;
    await waitFor(
      'replacements before the cut',
      async () => (await getJob(env.api.app, jobId)).progress.processed_documents! >= 20,
      120_000,
      50,
    );
    return { jobId, original };
  }

  async function expectOldVersionsWhole(account: string, original: number[]) {
    const states = await env.stores.pool.query(`SELECT state, count(*)::int AS n FROM documents WHERE account_name = $1 GROUP BY state`, [
      account,
    ]);
    expect(states.rows).toEqual([{ state: 'active', n: 300 }]);
    expect(await env.stores.chunkIds(account)).toEqual(original);
    await waitFor(
      "the new versions' vectors to be deleted",
      async () => {
        const vectors = await env.stores.vectorChunkIds(account);
        return vectors.length === original.length && vectors.every((id, i) => id === original[i]);
      },
      240_000,
      1_000,
    );
    expect((await auditConsistency(env.api.runtime, { accountName: account })).totals.drift).toBe(0);
  }

  it('Milvus cut: the job fails, the versions it replaced are active again with their vectors, the new ones are gone', async () => {
    const proxy = TcpProxy.inFrontOfAddress(env.config.milvusAddress);
    await proxy.start();
    try {
      const account = uniqueAccount('rep-out');
      const { jobId, original } = await replaceUntilProgress(account, { MILVUS_ADDRESS: proxy.address });
      proxy.cut();
      const { job } = await waitForFinal(env.api.app, jobId, 300_000);
      expect(job.status).toBe('failed');
      proxy.restore();
      await expectOldVersionsWhole(account, original);
    } finally {
      await proxy.close();
    }
  });

  it('PostgreSQL cut: the job fails once PostgreSQL answers, and the old versions are whole', async () => {
    const proxy = TcpProxy.inFrontOf(env.config.databaseUrl, 5432);
    await proxy.start();
    try {
      const account = uniqueAccount('rep-out');
      const { jobId, original } = await replaceUntilProgress(account, { DATABASE_URL: proxy.proxied(env.config.databaseUrl) });
      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 10_000)); // past the store's retries
      proxy.restore();
      const { job } = await waitForFinal(env.api.app, jobId, 300_000);
      expect(job.status).toBe('failed');
      await expectOldVersionsWhole(account, original);
    } finally {
      await proxy.close();
    }
  });
});

describe('a delete job through an outage within its grace completes, with nothing left', () => {
  const env = useJobTestEnv({ workerEnv: { STORE_OUTAGE_GRACE_MS: '300000' } });

  const seed = (account: string, documents: number) =>
    seedChunksWithStandInVectors(env.stores.pool, env.api.runtime.vectors, env.api.runtime.embedder.dimension, {
      accountName: account,
      documents,
      chunksPerDocument: 2,
      chatBotId: 'gone',
    });

  for (const store of ['Milvus', 'PostgreSQL'] as const) {
    it(`${store} cut for 8 s in the middle: the job waits, resumes, and ends with 0 rows and 0 vectors`, async () => {
      const proxy =
        store === 'Milvus' ? TcpProxy.inFrontOfAddress(env.config.milvusAddress) : TcpProxy.inFrontOf(env.config.databaseUrl, 5432);
      await proxy.start();
      try {
        const account = uniqueAccount('del-out');
        await seed(account, 5_000);
        env.harness.startWorker(
          store === 'Milvus' ? { MILVUS_ADDRESS: proxy.address } : { DATABASE_URL: proxy.proxied(env.config.databaseUrl) },
        );
        const accepted = await request(env.api.app)
          .post('/job/batch-delete')
          .send({ account_name: account, chat_bot_id: 'gone' })
          .expect(202);
        await waitFor(
          'a page deleted',
          async () => (await getJob(env.api.app, accepted.body.job_id)).progress.processed_documents! >= 500,
          120_000,
          20,
        );
        proxy.cut();
        await new Promise((resolve) => setTimeout(resolve, 8_000));
        proxy.restore();
        const { job } = await waitForFinal(env.api.app, accepted.body.job_id, 400_000);
        expect(job.status).toBe('completed');
        expect(job.receipt).toMatchObject({
          documents_before: 5_000,
          documents_deleted: 5_000,
          chunks_deleted: 10_000,
          vectors_after: 0,
          documents_after: 0,
        });
        expect(await env.stores.documentCount(account)).toBe(0);
        expect(await env.stores.vectorChunkIds(account)).toEqual([]);
        expect((await auditConsistency(env.api.runtime, { accountName: account })).totals.drift).toBe(0);
      } finally {
        await proxy.close();
      }
    });
  }
});
