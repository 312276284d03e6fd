import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PgApiKeyStore } from '@nonstop/storage';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { makeDocuments, testConfig, uniqueAccount } from '../../../test/support/test-env';

describe('API keys, tenancy, rate limits and quotas (no worker: jobs stay queued)', () => {
  const config = testConfig({
    API_AUTH: 'required',
    RATE_LIMIT_PER_MINUTE: '40',
    MAX_QUEUED_DOCUMENTS_PER_ACCOUNT: '50',
    QUEUE_PREFIX: `test-auth-${randomUUID().slice(0, 8)}`,
  });
  const accountA = uniqueAccount('a');
  const accountB = uniqueAccount('b');
  let api: InProcessApi;
  let keys: PgApiKeyStore;
  let keyA: string;
  let keyB: string;
  let jobOfA: string;

  beforeAll(async () => {
    api = await startInProcessApi(config, { withAuth: true });
    keys = new PgApiKeyStore(api.runtime.pool);
    keyA = (await keys.create(accountA)).key;
    keyB = (await keys.create(accountB)).key;
    const created = await request(api.app)
      .post('/job/batch-insert')
      .set('Authorization', `Bearer ${keyA}`)
      .send({ account_name: accountA, documents: makeDocuments(10) })
      .expect(202);
    jobOfA = created.body.job_id as string;
  });
  afterAll(async () => api.close());

  it('answers 401 without a key or with a wrong or revoked key', async () => {
    const noKey = await request(api.app).get(`/job/${jobOfA}`).expect(401);
    expect(noKey.body.error.code).toBe('unauthenticated');
    expect(noKey.body.error.message).toContain('npm run keys');
    await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: accountA, documents: makeDocuments(1) })
      .expect(401);
    const wrong = await request(api.app).get(`/job/${jobOfA}`).set('Authorization', 'Bearer nik_not-a-real-key').expect(401);
    expect(wrong.body.error.code).toBe('invalid_api_key');
    const revoked = await keys.create(accountA);
    await request(api.app).get(`/job/${jobOfA}`).set('X-API-Key', revoked.key).expect(200);
    await keys.revoke(revoked.id);
    await request(api.app).get(`/job/${jobOfA}`).set('X-API-Key', revoked.key).expect(401);
  });

  it("hides another account's job (404 for status, results, stream, cancel, webhook deliveries) and refuses writes for it (403)", async () => {
    await request(api.app).get(`/job/${jobOfA}`).set('Authorization', `Bearer ${keyA}`).expect(200);
    for (const path of [`/job/${jobOfA}`, `/job/${jobOfA}/results`, `/job/${jobOfA}/stream`, `/job/${jobOfA}/webhook-deliveries`]) {
      const response = await request(api.app).get(path).set('Authorization', `Bearer ${keyB}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    await request(api.app).delete(`/job/${jobOfA}`).set('Authorization', `Bearer ${keyB}`).expect(404);
    const forOther = await request(api.app)
      .post('/job/batch-insert')
      .set('Authorization', `Bearer ${keyB}`)
      .send({ account_name: accountA, documents: makeDocuments(1) })
      .expect(403);
    expect(forOther.body.error.code).toBe('account_mismatch');
    await request(api.app)
      .post('/data/insert/batch')
      .set('Authorization', `Bearer ${keyB}`)
      .send({ account_name: accountA, documents: makeDocuments(1) })
      .expect(403);
  });

  it('answers 429 with Retry-After past the queued-documents quota', async () => {
    await request(api.app)
      .post('/job/batch-insert')
      .set('Authorization', `Bearer ${keyA}`)
      .send({ account_name: accountA, documents: makeDocuments(40, { prefix: 'fits' }) })
      .expect(202); // 50 queued
    const over = await request(api.app)
      .post('/job/batch-insert')
      .set('Authorization', `Bearer ${keyA}`)
      .send({ account_name: accountA, documents: makeDocuments(1, { prefix: 'over' }) })
      .expect(429);
    expect(over.body.error.code).toBe('queued_documents_quota');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers 429 with Retry-After past the per-key rate limit, counted in Redis', async () => {
    const { key } = await keys.create(accountB);
    let limited: request.Response | undefined;
    for (let i = 0; i < 60 && !limited; i += 1) {
      const response = await request(api.app).get('/job/00000000-0000-4000-8000-000000000000').set('Authorization', `Bearer ${key}`);
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(404);
    }
    expect(limited?.body.error.code).toBe('rate_limited');
    const retryAfter = Number(limited?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // another key is not limited by this one's count
    await request(api.app).get(`/job/${jobOfA}`).set('Authorization', `Bearer ${keyA}`).expect(200);
  });
});
