import request from 'supertest';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { makeDocuments, StoreInspector, testConfig, uniqueAccount } from '../../../test/support/test-env';

describe('POST /data/insert/batch (real PostgreSQL, Milvus and local model)', () => {
  const config = testConfig();
  let api: InProcessApi;
  let stores: StoreInspector;

  beforeAll(async () => {
    api = await startInProcessApi(config);
    stores = new StoreInspector(config);
  });
  afterAll(async () => {
    await api.close();
    await stores.close();
  });

  it('stores 3 new documents with exactly one vector per chunk, then reports them as existing', async () => {
    const account = uniqueAccount();
    const documents = makeDocuments(3, { chunks: 3 });
    const first = await request(api.app).post('/data/insert/batch').send({ account_name: account, documents }).expect(200);
    expect(first.body.success_count).toBe(3);
    expect(first.body.results.map((r: { success: boolean }) => r.success)).toEqual([true, true, true]);
    expect(first.body.results[0]).toMatchObject({ content_name: documents[0]!.content_name, chunks_count: 3 });
    expect(typeof first.body.results[0].doc_id).toBe('number');

    expect(await stores.documentCount(account)).toBe(3);
    const chunkIds = await stores.chunkIds(account);
    expect(chunkIds).toHaveLength(9);
    expect(await stores.vectorChunkIds(account)).toEqual(chunkIds);

    const second = await request(api.app).post('/data/insert/batch').send({ account_name: account, documents }).expect(200);
    expect(second.body.success_count).toBe(0);
    expect(second.body.failure_count).toBe(3);
    for (const result of second.body.results) {
      expect(result).toMatchObject({ success: false, error: 'document already exists', error_code: 'already_exists' });
    }
    expect(await stores.chunkIds(account)).toEqual(chunkIds);
    expect(await stores.vectorChunkIds(account)).toEqual(chunkIds);
  });

  it("Idempotency-Key: the same key and body answer the first request's results again; another body is 422", async () => {
    const account = uniqueAccount();
    const documents = makeDocuments(2);
    const key = `sync-${account}`;
    const first = await request(api.app)
      .post('/data/insert/batch')
      .set('Idempotency-Key', key)
      .send({ account_name: account, documents })
      .expect(200);
    const again = await request(api.app)
      .post('/data/insert/batch')
      .set('Idempotency-Key', key)
      .send({ account_name: account, documents })
      .expect(200);
    expect(again.body).toEqual(first.body);
    expect(again.body.success_count).toBe(2);
    expect(await stores.documentCount(account)).toBe(2);
    const other = await request(api.app)
      .post('/data/insert/batch')
      .set('Idempotency-Key', key)
      .send({ account_name: account, documents: makeDocuments(1, { prefix: 'other' }) })
      .expect(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    await request(api.app)
      .post('/data/insert/batch')
      .set('Idempotency-Key', 'k'.repeat(256))
      .send({ account_name: account, documents })
      .expect(400);
  });

  it('reports a repeated document within one request as existing and stores it once', async () => {
    const account = uniqueAccount();
    const [doc] = makeDocuments(1);
    const response = await request(api.app)
      .post('/data/insert/batch')
      .send({ account_name: account, documents: [doc, doc] })
      .expect(200);
    expect(response.body.results[0].success).toBe(true);
    expect(response.body.results[1]).toMatchObject({ success: false, error_code: 'duplicate_in_request' });
    expect(response.body.results[1].error).toContain('already exists');
    expect(await stores.documentCount(account)).toBe(1);
  });

  it('keeps Korean, quotes and backslashes intact end to end', async () => {
    const account = uniqueAccount();
    const contentName = 'https://예시.kr/문서?q="따옴표" and \\ backslash';
    await request(api.app)
      .post('/data/insert/batch')
      .send({
        account_name: account,
        documents: [{ chat_bot_id: 'bot-ko', content_name: contentName, chunks: [{ chunk_index: 0, text: '안녕하세요 world 🌏' }] }],
      })
      .expect(200);
    const stored = await stores.pool.query(
      'SELECT d.content_name, c.text FROM documents d JOIN document_chunks c ON c.document_id = d.id WHERE d.account_name = $1',
      [account],
    );
    expect(stored.rows).toEqual([{ content_name: contentName, text: '안녕하세요 world 🌏' }]);
    expect(await stores.vectorChunkIds(account)).toHaveLength(1);
  });

  it('rejects bad requests with a 4xx naming the field, and stores nothing', async () => {
    const account = uniqueAccount();
    const good = makeDocuments(1)[0]!;
    const cases: Array<[string, unknown, string]> = [
      ['missing account_name', { documents: [good] }, 'account_name'],
      ['account_name not a string', { account_name: 7, documents: [good] }, 'account_name'],
      ['documents missing', { account_name: account }, 'documents'],
      ['documents empty', { account_name: account, documents: [] }, 'documents'],
      ['documents an object', { account_name: account, documents: { a: 1 } }, 'documents'],
      ['chunks empty', { account_name: account, documents: [{ ...good, chunks: [] }] }, 'documents[0].chunks'],
      [
        'negative chunk_index',
        { account_name: account, documents: [{ ...good, chunks: [{ chunk_index: -1, text: 'x' }] }] },
        'documents[0].chunks[0].chunk_index',
      ],
      [
        'string chunk_index',
        { account_name: account, documents: [{ ...good, chunks: [{ chunk_index: '1', text: 'x' }] }] },
        'documents[0].chunks[0].chunk_index',
      ],
      [
        'duplicate chunk_index',
        {
          account_name: account,
          documents: [
            good,
            {
              ...good,
              content_name: 'x',
              chunks: [
                { chunk_index: 0, text: 'a' },
                { chunk_index: 0, text: 'b' },
              ],
            },
          ],
        },
        'documents[1].chunks[1].chunk_index',
      ],
      [
        'empty text',
        { account_name: account, documents: [{ ...good, chunks: [{ chunk_index: 0, text: '' }] }] },
        'documents[0].chunks[0].text',
      ],
      [
        'oversized text',
        {
          account_name: account,
          documents: [{ ...good, chunks: [{ chunk_index: 0, text: 'a'.repeat(config.limits.maxChunkTextLength + 1) }] }],
        },
        'documents[0].chunks[0].text',
      ],
      ['metadata an array', { account_name: account, documents: [{ ...good, metadata: [1] }] }, 'documents[0].metadata'],
      ['unknown field', { account_name: account, documents: [{ ...good, colour: 'red' }] }, 'documents[0].colour'],
      [
        'missing chat_bot_id',
        { account_name: account, documents: [{ content_name: 'x', chunks: good.chunks }] },
        'documents[0].chat_bot_id',
      ],
      ['too many documents', { account_name: account, documents: makeDocuments(config.limits.maxDocumentsPerRequest + 1) }, 'documents'],
    ];
    for (const [name, body, field] of cases) {
      const response = await request(api.app)
        .post('/data/insert/batch')
        .send(body as object);
      expect({ name, status: response.status }).toEqual({ name, status: 400 });
      expect({ name, fields: JSON.stringify(response.body.error.details) }).toEqual({
        name,
        fields: expect.stringContaining(`"${field}"`),
      });
    }
    const malformed = await request(api.app).post('/data/insert/batch').set('content-type', 'application/json').send('{"account_name":');
    expect(malformed.status).toBe(400);
    const tooLarge = await request(api.app)
      .post('/data/insert/batch')
      .set('content-type', 'application/json')
      .send(
        JSON.stringify({
          account_name: account,
          documents: [{ ...good, chunks: [{ chunk_index: 0, text: 'a'.repeat(config.limits.maxSyncBodyBytes) }] }],
        }),
      );
    expect(tooLarge.status).toBe(413);
    expect(await stores.documentCount(account)).toBe(0);
    expect(await stores.vectorChunkIds(account)).toEqual([]);
  });

  it('answers /healthz and /readyz naming each dependency', async () => {
    await request(api.app).get('/healthz').expect(200);
    const ready = await request(api.app).get('/readyz').expect(200);
    expect(Object.keys(ready.body.checks).sort()).toEqual(['embedding', 'milvus', 'postgresql', 'redis']);
  });
});
