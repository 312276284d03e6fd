import path from 'node:path';
import request from 'supertest';
import { OwnMilvus } from '../../../chaos/own-milvus';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { makeDocuments, StoreInspector, testConfig, uniqueAccount } from '../../../test/support/test-env';

/**
 * Issue 10, reproduced bug 1, exactly as reported: Milvus stopped for real
 * (its own server, so the shared one keeps serving the other tests), a
 * synchronous insert answered 503 "nothing was kept" but left its rows in
 * PostgreSQL, and the same request after Milvus came back answered "already
 * exists" for documents that had no vectors.
 */
describe('POST /data/insert/batch while Milvus is stopped (its own Milvus server, stopped and started for real)', () => {
  const milvus = new OwnMilvus(20_130, path.resolve(__dirname, '../../../.local/test-milvus-stopped'));
  let api: InProcessApi;
  let stores: StoreInspector;
  const config = testConfig({ MILVUS_ADDRESS: milvus.address, MILVUS_COLLECTION: 'test_stopped_chunks', STORE_OUTAGE_GRACE_MS: '0' });

  beforeAll(async () => {
    await milvus.startFresh(300_000);
    api = await startInProcessApi(config);
    stores = new StoreInspector(config);
  }, 330_000);
  afterAll(async () => {
    await api?.close();
    await stores?.close();
    await milvus.stop();
  }, 60_000);

  it('answers 503 and keeps nothing; after Milvus is back the same request stores every document with its vectors', async () => {
    const account = uniqueAccount();
    const documents = makeDocuments(3, { chunks: 4 });
    documents[1]!.chunks.pop();
    await milvus.stop();

    // With an Idempotency-Key: a request that failed keeps nothing, so its key is free for the retry.
    const key = `stopped-${account}`;
    const refused = await request(api.app)
      .post('/data/insert/batch')
      .set('Idempotency-Key', key)
      .send({ account_name: account, documents });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('milvus_unavailable');
    expect(refused.body.error.message).not.toMatch(/127\.0\.0\.1|:\d{4,5}/);
    expect(await stores.documentCount(account)).toBe(0);
    expect(await stores.chunkIds(account)).toEqual([]);

    await milvus.start(300_000);
    const stored = await request(api.app)
      .post('/data/insert/batch')
      .set('Idempotency-Key', key)
      .send({ account_name: account, documents })
      .expect(200);
    expect(stored.body).toMatchObject({ total_documents: 3, success_count: 3, failure_count: 0 });
    const chunkIds = await stores.chunkIds(account);
    expect(chunkIds).toHaveLength(11);
    expect(await stores.vectorChunkIds(account, 'test_stopped_chunks')).toEqual(chunkIds);
  }, 400_000);
});
