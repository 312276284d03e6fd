import request from 'supertest';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { getJob, JobHarness, waitForFinal } from '../../../test/support/job-harness';
import { makeDocuments, StoreInspector, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';

describe('batch-insert jobs with a real worker process', () => {
  const harness = new JobHarness();
  const config = testConfig(harness.env);
  let api: InProcessApi;
  let stores: StoreInspector;

  beforeAll(async () => {
    api = await startInProcessApi(config, { cancelWaitMs: 20_000 });
    stores = new StoreInspector(config);
    harness.startWorker();
  });
  afterAll(async () => {
    await harness.stopAll();
    await api.close();
    await stores.close();
  });

  it('scenario 1: 100 documents go pending -> processing -> completed, and the stores hold exactly them', async () => {
    const account = uniqueAccount();
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(100, { chunks: 2 }) })
      .expect(202);
    expect(created.body).toMatchObject({ status: 'pending', total_documents: 100 });
    expect(created.body.message).toContain(`GET /job/${created.body.job_id}`);

    const { job, seen } = await waitForFinal(api.app, created.body.job_id);
    expect(seen[seen.length - 1]).toBe('completed');
    expect(['pending', 'processing', 'completed']).toEqual(expect.arrayContaining(seen));
    expect(job.progress).toMatchObject({
      total_documents: 100,
      processed_documents: 100,
      success_count: 100,
      failure_count: 0,
      percentage: 100,
    });
    expect(await stores.documentCount(account)).toBe(100);
    const chunkIds = await stores.chunkIds(account);
    expect(chunkIds).toHaveLength(200);
    expect(await stores.vectorChunkIds(account)).toEqual(chunkIds);

    // every result, paged to the end with the cursor
    const positions: number[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(api.app)
        .get(`/job/${created.body.job_id}/results`)
        .query({ limit: '30', ...(cursor ? { cursor } : {}) })
        .expect(200);
      positions.push(...page.body.results.map((r: { position: number }) => r.position));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(positions).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('scenario 3: one existing and one new document -> completed with 1 success and 1 "already exists"', async () => {
    const account = uniqueAccount();
    const [existing, fresh] = makeDocuments(2);
    await request(api.app)
      .post('/data/insert/batch')
      .send({ account_name: account, documents: [existing] })
      .expect(200);
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: [existing, fresh] })
      .expect(202);
    const { job } = await waitForFinal(api.app, created.body.job_id);
    expect(job.status).toBe('completed');
    expect(job.progress).toMatchObject({ success_count: 1, failure_count: 1 });
    const results = job.results as Array<{ success: boolean; error?: string; content_name: string }>;
    expect(results[0]).toMatchObject({ content_name: existing!.content_name, success: false, error: 'document already exists' });
    expect(results[1]).toMatchObject({ content_name: fresh!.content_name, success: true });
    expect(await stores.documentCount(account)).toBe(2);
  });

  it('returns the same job for a repeated Idempotency-Key and refuses the key with another body', async () => {
    const account = uniqueAccount();
    const body = { account_name: account, documents: makeDocuments(2) };
    const first = await request(api.app).post('/job/batch-insert').set('Idempotency-Key', `k-${account}`).send(body).expect(202);
    const again = await request(api.app).post('/job/batch-insert').set('Idempotency-Key', `k-${account}`).send(body).expect(200);
    expect(again.body.job_id).toBe(first.body.job_id);
    const other = await request(api.app)
      .post('/job/batch-insert')
      .set('Idempotency-Key', `k-${account}`)
      .send({ ...body, documents: makeDocuments(3) })
      .expect(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    await waitForFinal(api.app, first.body.job_id);

    // two requests racing with one key make one job
    const raceBody = { account_name: account, documents: makeDocuments(2, { prefix: 'race' }) };
    const raced = await Promise.all(
      [0, 1, 2].map(() => request(api.app).post('/job/batch-insert').set('Idempotency-Key', `race-${account}`).send(raceBody)),
    );
    expect(raced.map((r) => r.status).sort()).toEqual([200, 200, 202]);
    expect(new Set(raced.map((r) => r.body.job_id)).size).toBe(1);
    await waitForFinal(api.app, raced[0]!.body.job_id);
  });

  it('cancels mid-job: finished documents kept, the rest cancelled; with rollback nothing remains', async () => {
    const account = uniqueAccount();
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(300, { chunks: 2 }) })
      .expect(202);
    const jobId = created.body.job_id as string;
    await waitFor('some progress', async () => (await getJob(api.app, jobId)).progress.processed_documents! >= 10);
    const cancelled = await request(api.app).delete(`/job/${jobId}`).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.message).toBe('Job cancelled successfully');
    const { success_count: kept, cancelled_count: skipped } = cancelled.body.progress;
    expect(kept).toBeGreaterThan(0);
    expect(skipped).toBeGreaterThan(0);
    expect(kept + skipped).toBe(300);
    expect(await stores.documentCount(account)).toBe(kept);
    expect(await stores.vectorChunkIds(account)).toEqual(await stores.chunkIds(account));
    const cancelledRows = await request(api.app).get(`/job/${jobId}/results`).query({ status: 'cancelled', limit: '1' }).expect(200);
    expect(cancelledRows.body.results[0]).toMatchObject({ status: 'cancelled', success: false });
    await request(api.app).delete(`/job/${jobId}`).expect(409);

    const second = uniqueAccount();
    const job2 = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: second, documents: makeDocuments(300, { chunks: 2 }) })
      .expect(202);
    await waitFor('some progress', async () => (await getJob(api.app, job2.body.job_id)).progress.processed_documents! >= 10);
    const rolledBack = await request(api.app).delete(`/job/${job2.body.job_id}`).query({ rollback: 'true' }).expect(200);
    expect(rolledBack.body.status).toBe('cancelled');
    expect(await stores.documentCount(second)).toBe(0);
    expect(await stores.vectorChunkIds(second)).toEqual([]);
  });

  it('answers 404 for an unknown job and 400 for a bad results query', async () => {
    await request(api.app).get('/job/00000000-0000-4000-8000-000000000000').expect(404);
    await request(api.app).get('/job/not-a-uuid').expect(404);
    await request(api.app).get('/job/00000000-0000-4000-8000-000000000000/results').query({ limit: 'lots' }).expect(400);
  });
});
