import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import request from 'supertest';
import { milvusIntList } from '@nonstop/storage';
import { adminRoutes } from '../src/admin/admin-routes';
import { errorMiddleware } from '../src/http/error-middleware';
import { seedChunks } from '../../../test/support/seed-chunks';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { testConfig, testLogger, uniqueAccount } from '../../../test/support/test-env';

/**
 * GET /admin/consistency: the audit's summary behind the admin credential,
 * over the real stores. The admin routes are mounted with the audit's stores
 * next to the error middleware, as createApp mounts them.
 */
describe('admin: GET /admin/consistency', () => {
  const token = `admin-${randomUUID()}`;
  const config = testConfig({ QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`, ADMIN_TOKEN: token });
  let api: InProcessApi;
  let app: Express;

  beforeAll(async () => {
    api = await startInProcessApi(config);
    app = express();
    app.use(adminRoutes({ queue: api.queue, adminToken: token, consistency: api.runtime }));
    app.use(errorMiddleware(testLogger));
  });
  afterAll(async () => {
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  it('answers 401 without the admin credential or with a wrong one', async () => {
    const response = await request(app).get('/admin/consistency').query({ account_name: 'acct' }).expect(401);
    expect(response.body.error.code).toBe('unauthorized');
    await request(app).get('/admin/consistency').set('Authorization', 'Bearer wrong-token-of-some-length').expect(401);
  });

  it.each([
    ['a quote', 'a"b'],
    ['a space', 'a b'],
    ['a leading dash', '-acct'],
    ['an empty name', ''],
    ['too long', 'a'.repeat(129)],
  ])('answers 400 naming account_name for %s', async (_case, accountName) => {
    const response = await request(app)
      .get('/admin/consistency')
      .query({ account_name: accountName })
      .set('Authorization', `Bearer ${token}`)
      .expect(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details).toEqual([{ field: 'account_name', problem: expect.any(String) }]);
  });

  it('answers 400 for the parameter given twice', async () => {
    const response = await request(app)
      .get('/admin/consistency?account_name=a&account_name=b')
      .set('Authorization', `Bearer ${token}`)
      .expect(400);
    expect(response.body.error.details).toEqual([{ field: 'account_name', problem: 'must be a string, got array' }]);
  });

  it('answers the summary of one account: its counts and drift, with Basic as well as Bearer', async () => {
    const account = uniqueAccount('admin_audit');
    const { chunks } = await seedChunks(api.runtime.pool, { accountName: account, documents: 2, chunksPerDocument: 3 });
    const embeddings = await api.runtime.embedder.embed(chunks.map((chunk) => chunk.text));
    await api.runtime.vectors.upsert(chunks.map((chunk, i) => ({ ...chunk, embedding: embeddings[i]! })));

    const clean = await request(app).get('/admin/consistency').query({ account_name: account }).auth('ops', token).expect(200);
    expect(clean.body).toMatchObject({
      collection: config.milvusCollection,
      account_name: account,
      clean: true,
      accounts: [{ account_name: account, pg_chunks: 6, milvus_vectors: 6, missing: 0, orphans: 0, duplicates: 0, drift: 0 }],
      totals: { pg_chunks: 6, milvus_vectors: 6, drift: 0 },
    });

    const lost = chunks[1]!.chunk_id;
    await api.runtime.vectors.client.deleteEntities({
      collection_name: api.runtime.vectors.collection,
      filter: `chunk_id in ${milvusIntList([lost])}`,
    });
    const drifted = await request(app)
      .get('/admin/consistency')
      .query({ account_name: account })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(drifted.body).toMatchObject({
      clean: false,
      accounts: [{ pg_chunks: 6, milvus_vectors: 5, missing: 1, drift: 1, examples: { missing: [lost] } }],
    });
    // Read only: the route never repairs.
    expect(
      (await request(app).get('/admin/consistency').query({ account_name: account }).auth('ops', token).expect(200)).body.accounts[0]
        .missing,
    ).toBe(1);
  });
});
