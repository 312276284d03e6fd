import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PgApiKeyStore } from '@nonstop/storage';
import { openApiDocument } from '../../src/openapi/openapi-document';
import { startInProcessApi, type InProcessApi } from '../../../../test/support/in-process-api';
import { StoreInspector, testConfig, uniqueAccount } from '../../../../test/support/test-env';
import { HOSTILE_LIMITS } from './body-cases';
import { corpusSummary, hostileCorpus } from './corpus';
import { goodBody, INJECTIONS, type CaseContext, type HostileCase } from './hostile-case';
import { HOSTILE_ADMIN_TOKEN } from './request-cases';

/** What an account holds, read straight from PostgreSQL and Milvus. */
interface Holdings {
  documents: number;
  chunks: number;
  vectors: number;
  jobs: number;
  jobDocuments: number;
}

async function holdingsOf(stores: StoreInspector, account: string): Promise<Holdings> {
  const {
    rows: [row],
  } = await stores.pool.query(
    `SELECT (SELECT count(*)::int FROM documents WHERE account_name = $1) AS documents,
            (SELECT count(*)::int FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE d.account_name = $1) AS chunks,
            (SELECT count(*)::int FROM ingest_jobs WHERE account_name = $1) AS jobs,
            (SELECT count(*)::int FROM job_documents jd JOIN ingest_jobs j ON j.id = jd.job_id WHERE j.account_name = $1) AS "jobDocuments"`,
    [account],
  );
  return { ...row, vectors: (await stores.vectorChunkIds(account)).length } as Holdings;
}

/** Small documents that fit the corpus' limits (50-character chunks). */
const smallDocuments = (prefix: string, count = 2) =>
  Array.from({ length: count }, (_, i) => ({
    chat_bot_id: 'bot001',
    content_name: `setup/${prefix}/${i}`,
    chunks: [{ chunk_index: 0, text: `setup text ${i}` }],
  }));

async function send(api: InProcessApi, c: CaseContext, key: string, hostile: HostileCase): Promise<request.Response> {
  const method = hostile.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let req = request(api.app)[method](hostile.path(c)).timeout(20_000);
  if ((hostile.auth ?? 'own') === 'own') req = req.set('Authorization', `Bearer ${key}`);
  const body = hostile.body?.(c);
  const headers = hostile.headers?.(c) ?? (body ? { 'Content-Type': 'application/json' } : {});
  req = req.set(headers);
  if (body === undefined) return req;
  const payload = 'json' in body ? JSON.stringify(body.json) : body.raw;
  // Sent byte for byte: superagent would re-encode a Buffer or a string it believes is JSON.
  return req.serialize((raw: unknown) => raw as string).send(payload as string);
}

describe('hostile input: every bad request gets a clear 4xx and stores nothing', () => {
  const config = testConfig({
    ...HOSTILE_LIMITS,
    API_AUTH: 'required',
    ADMIN_TOKEN: HOSTILE_ADMIN_TOKEN,
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_FAILURES_PER_WINDOW: '100000',
    QUEUE_PREFIX: `test-hostile-${randomUUID().slice(0, 8)}`,
  });
  const stores = new StoreInspector(config);
  const account = uniqueAccount('hostile');
  const otherAccount = uniqueAccount('hostile_other');
  let api: InProcessApi;
  let key: string;
  let context: CaseContext;
  let before: Record<string, Holdings>;

  beforeAll(async () => {
    api = await startInProcessApi(config, { withAuth: true, cancelWaitMs: 2_000 });
    const keys = new PgApiKeyStore(api.runtime.pool);
    key = (await keys.create(account)).key;
    const otherKey = (await keys.create(otherAccount)).key;
    const idempotencyKey = `hostile-${randomUUID()}`;
    // No worker runs: jobs stay pending, so every id-taking route has a real job to refuse hostile requests about.
    const create = (as: string, forAccount: string, headers: Record<string, string> = {}) =>
      request(api.app)
        .post('/job/batch-insert')
        .set('Authorization', `Bearer ${as}`)
        .set(headers)
        .send({ account_name: forAccount, documents: smallDocuments(randomUUID()) })
        .expect(202);
    const jobId = (await create(key, account, { 'Idempotency-Key': idempotencyKey })).body.job_id as string;
    const finishedJobId = (await create(key, account)).body.job_id as string;
    await request(api.app).delete(`/job/${finishedJobId}`).set('Authorization', `Bearer ${key}`).expect(200);
    const otherJobId = (await create(otherKey, otherAccount)).body.job_id as string;
    context = { account, otherAccount, jobId, finishedJobId, otherJobId, idempotencyKey };
    before = { [account]: await holdingsOf(stores, account), [otherAccount]: await holdingsOf(stores, otherAccount) };
  });

  afterAll(async () => {
    await api.queue.obliterate({ force: true });
    await api.close();
    await stores.close();
  });

  it('is a corpus of at least 200 named cases covering every route', () => {
    const { total, byEndpoint } = corpusSummary();
    expect(total).toBeGreaterThanOrEqual(200);
    const names = hostileCorpus.map((c) => `${c.endpoint} | ${c.name}`);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    expect(Object.keys(byEndpoint).sort()).toEqual([
      'DELETE /job/{job_id}',
      'GET /admin/accounts/{account_name}/webhook-secrets',
      'GET /admin/queues',
      'GET /healthz',
      'GET /job/{job_id}',
      'GET /job/{job_id}/results',
      'GET /job/{job_id}/stream',
      'GET /job/{job_id}/webhook-deliveries',
      'GET /metrics',
      'GET /openapi.json',
      'GET /readyz',
      'POST /admin/accounts/{account_name}/webhook-secrets',
      'POST /data/insert/batch',
      'POST /job/batch-delete',
      'POST /job/batch-insert',
      'POST /job/{job_id}/retry',
      'POST /search',
      'unknown route',
    ]);
    // An operation added to the contract without hostile cases fails here.
    const documented = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((operation) => !(operation in byEndpoint))).toEqual([]);
  });

  describe.each([...new Set(hostileCorpus.map((c) => c.endpoint))])('%s', (endpoint) => {
    it.each(hostileCorpus.filter((c) => c.endpoint === endpoint).map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
      const res = await send(api, context, key, hostile);
      const { expect: expected } = hostile;
      const error = (res.body as { error?: { code?: string; message?: string; details?: Array<{ field: string; problem: string }> } })
        .error;
      expect({ status: res.status, code: error?.code }).toEqual({ status: expected.status, code: expected.code });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      // A clear answer names what was wrong, and stays short whatever the request held.
      const detail = error?.details?.find((d) => d.field === expected.names);
      if (detail === undefined) expect(error?.message).toContain(expected.names);
      if (expected.problem) expect(detail?.problem ?? error?.message).toMatch(expected.problem);
      expect(res.text.length).toBeLessThan(4_000);
    });
  });

  it('stored nothing: both accounts hold exactly what they held before, and no body of the corpus reached a table', async () => {
    expect(await holdingsOf(stores, account)).toEqual(before[account]);
    expect(await holdingsOf(stores, otherAccount)).toEqual(before[otherAccount]);
    const marker = goodBody(account).documents[0].content_name as string;
    const {
      rows: [found],
    } = await stores.pool.query(
      `SELECT (SELECT count(*)::int FROM documents WHERE content_name = $1) + (SELECT count(*)::int FROM job_documents WHERE content_name = $1) AS n`,
      [marker],
    );
    expect(found.n).toBe(0);
  });

  it('stores hostile but legal values verbatim: injection strings in content_name and Idempotency-Key are data, never code', async () => {
    const names = [...INJECTIONS.map(([, value]) => value), 'RTL \u202Eexe.txt', 'zero\u200Bwidth', '😀 이모지 ¿¡'];
    const documents = names.map((contentName, i) => ({
      chat_bot_id: 'bot001',
      content_name: contentName,
      chunks: [{ chunk_index: 0, text: `hostile ${i}` }],
    }));
    for (let start = 0; start < documents.length; start += Number(HOSTILE_LIMITS.MAX_DOCUMENTS_PER_REQUEST)) {
      const batch = documents.slice(start, start + Number(HOSTILE_LIMITS.MAX_DOCUMENTS_PER_REQUEST));
      const res = await request(api.app)
        .post('/data/insert/batch')
        .set('Authorization', `Bearer ${key}`)
        .send({ account_name: account, documents: batch })
        .expect(200);
      expect(res.body.success_count).toBe(batch.length);
    }
    const { rows } = await stores.pool.query('SELECT content_name FROM documents WHERE account_name = $1 ORDER BY id OFFSET $2', [
      account,
      before[account]!.documents,
    ]);
    // Compared as sets: a request's rows are inserted in the identity's order (deadlock-free), not the request's.
    expect(rows.map((row: { content_name: string }) => row.content_name).sort()).toEqual([...names].sort());
    expect((await holdingsOf(stores, account)).vectors).toBe(before[account]!.vectors + names.length);
    expect(await holdingsOf(stores, otherAccount)).toEqual(before[otherAccount]);

    const sqlKey = "';DROP/**/TABLE/**/ingest_jobs;--";
    const body = { account_name: account, documents: smallDocuments('idempotency-key', 1) };
    const created = await request(api.app)
      .post('/job/batch-insert')
      .set('Authorization', `Bearer ${key}`)
      .set('Idempotency-Key', sqlKey)
      .send(body)
      .expect(202);
    const replay = await request(api.app)
      .post('/job/batch-insert')
      .set('Authorization', `Bearer ${key}`)
      .set('Idempotency-Key', sqlKey)
      .send(body)
      .expect(200);
    expect(replay.body.job_id).toBe(created.body.job_id);
    const {
      rows: [job],
    } = await stores.pool.query('SELECT idempotency_key FROM ingest_jobs WHERE id = $1', [created.body.job_id]);
    expect(job.idempotency_key).toBe(sqlKey);
  });

  it('searches with injection strings as content_names: data, each finding exactly the document of that name', async () => {
    const search = (body: Record<string, unknown>) =>
      request(api.app).post('/search').set('Authorization', `Bearer ${key}`).send(body).expect(200);
    for (const [, name] of INJECTIONS) {
      const res = await search({ account_name: account, query: 'hostile', content_names: [name], top_k: 50 });
      expect(res.body.results.map((r: { content_name: string }) => r.content_name)).toEqual([name]);
    }
    const none = await search({
      account_name: account,
      query: 'hostile',
      content_names: ['" or account_name != "x', ') or (1==1', 'x" || true || "'],
    });
    expect(none.body.results).toEqual([]);
  });
});
