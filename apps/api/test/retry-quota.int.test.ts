import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PgApiKeyStore } from '@nonstop/storage';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { makeDocuments, testConfig, uniqueAccount } from '../../../test/support/test-env';

/**
 * POST /job/{job_id}/retry makes a new job of queued documents like
 * POST /job/batch-insert does, so the account's queued-documents quota must
 * hold for it too (no worker: jobs stay queued).
 */
describe('retry and the queued-documents quota (no worker: jobs stay queued)', () => {
  const config = testConfig({
    API_AUTH: 'required',
    RATE_LIMIT_PER_MINUTE: '1000',
    MAX_QUEUED_DOCUMENTS_PER_ACCOUNT: '5',
    QUEUE_PREFIX: `test-retry-quota-${randomUUID().slice(0, 8)}`,
  });
  const account = uniqueAccount('rq');
  let api: InProcessApi;
  let key: string;

  beforeAll(async () => {
    api = await startInProcessApi(config, { withAuth: true });
    key = (await new PgApiKeyStore(api.runtime.pool).create(account)).key;
  });
  afterAll(async () => api.close());

  it('answers 429 queued_documents_quota to a retry past the quota, as to a new batch-insert job', async () => {
    const auth = { Authorization: `Bearer ${key}` };
    const documents = makeDocuments(1, { prefix: 'rq-stored' });
    await request(api.app).post('/data/insert/batch').set(auth).send({ account_name: account, documents }).expect(200);
    // the same document again: a finished (synchronous) job with one failed document to retry
    const failed = await request(api.app).post('/data/insert/batch').set(auth).send({ account_name: account, documents }).expect(200);
    expect(failed.body.results[0]).toMatchObject({ success: false, error_code: 'already_exists' });

    await request(api.app)
      .post('/job/batch-insert')
      .set(auth)
      .send({ account_name: account, documents: makeDocuments(5, { prefix: 'rq-fill' }) })
      .expect(202); // 5 queued: the quota
    const over = await request(api.app)
      .post('/job/batch-insert')
      .set(auth)
      .send({ account_name: account, documents: makeDocuments(1, { prefix: 'rq-over' }) });
    expect([over.status, over.body.error?.code]).toEqual([429, 'queued_documents_quota']);

    const retried = await request(api.app).post(`/job/${failed.body.job_id}/retry`).set(auth);
    expect([retried.status, retried.body.error?.code]).toEqual([429, 'queued_documents_quota']);
  });
});
