import request from 'supertest';
import { startStandInEmbeddingServer, type StandInEmbeddingServer } from '@nonstop/embeddings/src/testing';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { getJob, JobHarness, waitForFinal } from '../../../test/support/job-harness';
import { makeDocuments, StoreInspector, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';

/**
 * Scale, concurrency caps and time limits. The embedding model here is a
 * stand-in fixed-vector endpoint (named so): these cases are about the job
 * machinery, and a CPU model would make a 10,000-document job take minutes.
 * The stand-in also provides what a real model cannot: a document that hangs.
 */
describe('jobs at scale, the global cap and time limits (stand-in embedding endpoint)', () => {
  let standIn: StandInEmbeddingServer;
  let stores: StoreInspector;
  const collection = 'test_standin_chunks';
  const standInEnv = (url: string): Record<string, string> => ({
    EMBEDDING_PROVIDER: 'openai',
    EMBEDDING_BASE_URL: url,
    EMBEDDING_MODEL: 'stand-in-fixed-vectors',
    EMBEDDING_DIMENSION: '384',
    MILVUS_COLLECTION: collection,
    EMBEDDING_MAX_RETRIES: '0',
  });

  beforeAll(async () => {
    standIn = await startStandInEmbeddingServer({ hangTextsContaining: 'HANG-HERE' });
    stores = new StoreInspector(testConfig({ MILVUS_COLLECTION: collection }));
  });
  afterAll(async () => {
    await stores.close();
    await standIn.close();
  });

  async function withApi<T>(harness: JobHarness, work: (api: InProcessApi) => Promise<T>): Promise<T> {
    const api = await startInProcessApi(testConfig({ ...standInEnv(standIn.url), QUEUE_PREFIX: harness.prefix }));
    try {
      return await work(api);
    } finally {
      await harness.stopAll();
      await api.close();
    }
  }

  it('a 10,000-document job: status readable while it runs, results paged to the end, exact stores', async () => {
    const harness = new JobHarness(standInEnv(standIn.url));
    await withApi(harness, async (api) => {
      harness.startWorker();
      const account = uniqueAccount();
      const created = await request(api.app)
        .post('/job/batch-insert')
        .send({ account_name: account, documents: makeDocuments(10_000, { chunks: 1 }) })
        .expect(202);
      const jobId = created.body.job_id as string;
      const midway = await waitFor(
        'a status read mid-job',
        async () => {
          const job = await getJob(api.app, jobId);
          return job.status === 'processing' && job.progress.processed_documents! > 0 ? job : undefined;
        },
        120_000,
        50,
      );
      expect(midway.progress.processed_documents).toBeLessThan(10_000);
      expect((midway.timing as { estimated_completion: string | null }).estimated_completion).not.toBeNull();
      const { job } = await waitForFinal(api.app, jobId, 300_000);
      expect(job.progress).toMatchObject({ success_count: 10_000, failure_count: 0, percentage: 100 });

      let cursor: string | null = null;
      let seen = 0;
      do {
        const page: request.Response = await request(api.app)
          .get(`/job/${jobId}/results`)
          .query({ limit: '1000', ...(cursor ? { cursor } : {}) })
          .expect(200);
        expect(page.body.results[0].position).toBe(seen);
        seen += page.body.results.length;
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toBe(10_000);
      expect(await stores.documentCount(account)).toBe(10_000);
      expect(await stores.vectorChunkIds(account, collection)).toEqual(await stores.chunkIds(account));
    });
  });

  it('two worker processes never run more jobs at once than MAX_ACTIVE_JOBS, and every job completes', async () => {
    const harness = new JobHarness({
      ...standInEnv(standIn.url),
      MAX_ACTIVE_JOBS: '2',
      WORKER_CONCURRENCY: '4',
      PIPELINE_BATCH_CHUNKS: '8',
    });
    await withApi(harness, async (api) => {
      harness.startWorker();
      harness.startWorker();
      const account = uniqueAccount();
      const jobIds: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        const created = await request(api.app)
          .post('/job/batch-insert')
          .send({ account_name: account, documents: makeDocuments(150, { prefix: `job${i}`, chunks: 1 }) })
          .expect(202);
        jobIds.push(created.body.job_id as string);
      }
      let maxProcessing = 0;
      await waitFor(
        'every job to finish',
        async () => {
          const result = await stores.pool.query('SELECT status FROM ingest_jobs WHERE id = ANY($1::uuid[])', [jobIds]);
          const statuses = result.rows.map((row: { status: string }) => row.status);
          maxProcessing = Math.max(maxProcessing, statuses.filter((s) => s === 'processing').length);
          return statuses.every((s) => s === 'completed');
        },
        240_000,
        25,
      );
      expect(maxProcessing).toBeGreaterThanOrEqual(1);
      expect(maxProcessing).toBeLessThanOrEqual(2);
      expect(await stores.documentCount(account)).toBe(900);
    });
  });

  it('a document over its time limit fails alone; a job over its time limit fails and is rolled back', async () => {
    const harness = new JobHarness({ ...standInEnv(standIn.url), DOCUMENT_TIMEOUT_MS: '1500', EMBEDDING_TIMEOUT_MS: '60000' });
    await withApi(harness, async (api) => {
      harness.startWorker();
      const account = uniqueAccount();
      const documents = makeDocuments(10);
      documents[3]!.chunks[0]!.text = 'this one makes the stand-in embedding service HANG-HERE';
      const created = await request(api.app).post('/job/batch-insert').send({ account_name: account, documents }).expect(202);
      const { job } = await waitForFinal(api.app, created.body.job_id as string, 120_000);
      expect(job.status).toBe('completed');
      expect(job.progress).toMatchObject({ success_count: 9, failure_count: 1 });
      expect((job.results as Array<{ error_code?: string }>)[3]).toMatchObject({ success: false, error_code: 'timeout' });
      expect(await stores.documentCount(account)).toBe(9);
    });

    const slow = new JobHarness({
      ...standInEnv(standIn.url),
      JOB_TIMEOUT_MS: '4000',
      DOCUMENT_TIMEOUT_MS: '3000',
      PIPELINE_BATCH_CHUNKS: '2',
    });
    await withApi(slow, async (api) => {
      slow.startWorker();
      const account = uniqueAccount();
      const documents = makeDocuments(40, { chunks: 1 });
      documents[30]!.chunks[0]!.text = 'HANG-HERE: the job cannot finish in time';
      const created = await request(api.app).post('/job/batch-insert').send({ account_name: account, documents }).expect(202);
      const { job } = await waitForFinal(api.app, created.body.job_id as string, 120_000);
      expect(job.status).toBe('failed');
      expect(job.error).toMatchObject({ code: 'job_timeout' });
      expect(await stores.documentCount(account)).toBe(0);
      expect(await stores.vectorChunkIds(account, collection)).toEqual([]);
    });
  });
});
