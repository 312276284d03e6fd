import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { makeDocuments, StoreInspector, testConfig, uniqueAccount } from '../../../test/support/test-env';

/**
 * on_existing and dry_run through POST /data/insert/batch (the same write
 * path as jobs), against real PostgreSQL, Milvus and the local model. The
 * embedding calls are counted from the process's embedding audit file.
 */
describe('a living corpus: skip unchanged, update metadata, replace, dry run (real stores and model)', () => {
  const auditFile = path.join(os.tmpdir(), `living-corpus-${randomUUID().slice(0, 8)}.log`);
  const config = testConfig({ EMBEDDING_AUDIT_FILE: auditFile });
  let api: InProcessApi;
  let stores: StoreInspector;

  const embedded = (): number => {
    try {
      return readFileSync(auditFile, 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  const insert = (body: Record<string, unknown>) => request(api.app).post('/data/insert/batch').send(body).expect(200);
  const actions = (body: { results: Array<{ action?: string; error_code?: string }> }) => body.results.map((r) => r.action ?? r.error_code);

  beforeAll(async () => {
    api = await startInProcessApi(config);
    stores = new StoreInspector(config);
  });
  afterAll(async () => {
    await api.close();
    await stores.close();
    rmSync(auditFile, { force: true });
  });

  it('skip_unchanged: the same documents again are all unchanged, with zero embedding calls and nothing rewritten', async () => {
    const account = uniqueAccount();
    const documents = makeDocuments(20, { chunks: 3 });
    const first = await insert({ account_name: account, documents });
    expect(actions(first.body)).toEqual(Array(20).fill('inserted'));
    const chunkIds = await stores.chunkIds(account);
    const before = embedded();

    // Key order in metadata does not matter: jsonb is canonical.
    const reordered = documents.map((d) => ({ ...d, metadata: { author: 'Kim Dev', title: (d.metadata as { title: string }).title } }));
    const again = await insert({ account_name: account, documents: reordered, on_existing: 'skip_unchanged' });
    expect(actions(again.body)).toEqual(Array(20).fill('unchanged'));
    expect(again.body.results.map((r: { doc_id: number }) => r.doc_id)).toEqual(
      first.body.results.map((r: { doc_id: number }) => r.doc_id),
    );
    expect(embedded()).toBe(before);
    expect(await stores.chunkIds(account)).toEqual(chunkIds);
    expect(await stores.vectorChunkIds(account)).toEqual(chunkIds);
  });

  it('a metadata-only change is metadata_updated: zero embedding calls, chunk ids and vectors unchanged, new metadata stored', async () => {
    const account = uniqueAccount();
    const documents = makeDocuments(3, { chunks: 2 });
    await insert({ account_name: account, documents });
    const chunkIds = await stores.chunkIds(account);
    const before = embedded();
    const changed = documents.map((d, i) => (i === 1 ? { ...d, metadata: { title: '새 제목 🚀', author: '김개발' } } : d));
    const second = await insert({ account_name: account, documents: changed, on_existing: 'skip_unchanged' });
    expect(actions(second.body)).toEqual(['unchanged', 'metadata_updated', 'unchanged']);
    expect(embedded()).toBe(before);
    expect(await stores.chunkIds(account)).toEqual(chunkIds);
    expect(await stores.vectorChunkIds(account)).toEqual(chunkIds);
    const stored = await stores.pool.query('SELECT metadata FROM documents WHERE account_name = $1 AND content_name = $2', [
      account,
      documents[1]!.content_name,
    ]);
    expect(stored.rows[0].metadata).toEqual({ title: '새 제목 🚀', author: '김개발' });
  });

  it('a changed document is replaced: new chunk ids and vectors, the old ones gone from both stores, embedded once', async () => {
    const account = uniqueAccount();
    const documents = makeDocuments(4, { chunks: 2 });
    const first = await insert({ account_name: account, documents });
    const oldIds = await stores.chunkIds(account);
    const before = embedded();
    const changed = documents.map((d, i) =>
      i < 2 ? { ...d, chunks: [...d.chunks, { chunk_index: 9, text: `새로 추가된 문단 ${i}` }] } : d,
    );
    const second = await insert({ account_name: account, documents: changed, on_existing: 'skip_unchanged' });
    expect(actions(second.body)).toEqual(['replaced', 'replaced', 'unchanged', 'unchanged']);
    expect(second.body.results[0].doc_id).not.toBe(first.body.results[0].doc_id);
    expect(second.body.results[0].chunks_count).toBe(3);
    expect(embedded() - before).toBe(6);
    const newIds = await stores.chunkIds(account);
    expect(newIds).toHaveLength(3 + 3 + 2 + 2);
    const kept = oldIds.filter((id) => newIds.includes(id));
    expect(kept).toHaveLength(4); // the two unchanged documents' chunks
    expect(await stores.vectorChunkIds(account)).toEqual(newIds);
    expect(await stores.documentCount(account)).toBe(4);
    const versions = await stores.pool.query(`SELECT count(*)::int AS n FROM documents WHERE account_name = $1 AND state <> 'active'`, [
      account,
    ]);
    expect(versions.rows[0].n).toBe(0);
    const pending = await stores.pool.query('SELECT count(*)::int AS n FROM pending_vector_deletes WHERE job_id = $1', [
      second.body.job_id,
    ]);
    expect(pending.rows[0].n).toBe(0);
  });

  it('replace always writes a new version, even of the same content; fail (the default) still reports already_exists', async () => {
    const account = uniqueAccount();
    const documents = makeDocuments(2, { chunks: 1 });
    await insert({ account_name: account, documents });
    const oldIds = await stores.chunkIds(account);
    const replaced = await insert({ account_name: account, documents, on_existing: 'replace' });
    expect(actions(replaced.body)).toEqual(['replaced', 'replaced']);
    const newIds = await stores.chunkIds(account);
    expect(newIds.some((id) => oldIds.includes(id))).toBe(false);
    expect(await stores.vectorChunkIds(account)).toEqual(newIds);
    const failed = await insert({ account_name: account, documents });
    expect(actions(failed.body)).toEqual(['already_exists', 'already_exists']);
  });

  it("dry_run answers each document's action and changes nothing: no job, no rows, no embedding call", async () => {
    const account = uniqueAccount();
    const documents = makeDocuments(3, { chunks: 2 });
    await insert({ account_name: account, documents: documents.slice(0, 2) });
    const chunkIds = await stores.chunkIds(account);
    const jobsBefore = await stores.pool.query('SELECT count(*)::int AS n FROM ingest_jobs WHERE account_name = $1', [account]);
    const before = embedded();
    const body = {
      account_name: account,
      dry_run: true,
      on_existing: 'skip_unchanged',
      documents: [
        documents[0],
        { ...documents[1]!, metadata: { title: '바뀐 제목' } },
        documents[2],
        { ...documents[0]!, chunks: [{ chunk_index: 0, text: '다른 내용' }] },
      ],
    };
    for (const endpoint of ['/data/insert/batch', '/job/batch-insert']) {
      const answer = await request(api.app).post(endpoint).send(body).expect(200);
      expect(answer.body).toMatchObject({ dry_run: true, total_documents: 4 });
      expect(answer.body.results.map((r: { action: string }) => r.action)).toEqual([
        'skip',
        'update_metadata',
        'insert',
        'duplicate_in_request',
      ]);
      const failMode = await request(api.app)
        .post(endpoint)
        .send({ ...body, on_existing: 'fail' })
        .expect(200);
      expect(failMode.body.results.map((r: { action: string }) => r.action)).toEqual([
        'already_exists',
        'already_exists',
        'insert',
        'duplicate_in_request',
      ]);
      const replaceMode = await request(api.app)
        .post(endpoint)
        .send({ ...body, on_existing: 'replace' })
        .expect(200);
      expect(replaceMode.body.results.map((r: { action: string }) => r.action)).toEqual([
        'replace',
        'replace',
        'insert',
        'duplicate_in_request',
      ]);
    }
    expect(embedded()).toBe(before);
    expect(await stores.chunkIds(account)).toEqual(chunkIds);
    const jobsAfter = await stores.pool.query('SELECT count(*)::int AS n FROM ingest_jobs WHERE account_name = $1', [account]);
    expect(jobsAfter.rows[0].n).toBe(jobsBefore.rows[0].n);
  });

  it('on_existing and dry_run are validated: a 400 names the field', async () => {
    const account = uniqueAccount();
    const documents = makeDocuments(1);
    for (const endpoint of ['/data/insert/batch', '/job/batch-insert']) {
      const bad = await request(api.app).post(endpoint).send({ account_name: account, documents, on_existing: 'overwrite' }).expect(400);
      expect(JSON.stringify(bad.body)).toContain('on_existing');
      expect(JSON.stringify(bad.body)).toContain('skip_unchanged');
      const notBool = await request(api.app).post(endpoint).send({ account_name: account, documents, dry_run: 'true' }).expect(400);
      expect(JSON.stringify(notBool.body)).toContain('dry_run');
      await request(api.app).post(endpoint).send({ account_name: account, documents, on_existing: null }).expect(400);
    }
    expect(await stores.documentCount(account)).toBe(0);
  });
});
