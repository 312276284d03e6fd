import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { isErrorNamed } from '@nonstop/core';
import { PgApiKeyStore } from '@nonstop/storage';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { makeDocuments, testConfig, uniqueAccount } from '../../../test/support/test-env';

/**
 * The queued quotas hold against parallel submissions: the check is made in
 * the transaction that stages the job, under a per-account lock, so exactly
 * the allowed number of jobs is accepted and the rest get 429. Chunks count as
 * well as documents. No worker runs: accepted jobs stay queued.
 */
describe('queued quotas under parallel submissions (no worker: jobs stay queued)', () => {
  const config = testConfig({
    API_AUTH: 'required',
    RATE_LIMIT_PER_MINUTE: '10000',
    MAX_QUEUED_DOCUMENTS_PER_ACCOUNT: '8',
    MAX_QUEUED_CHUNKS_PER_ACCOUNT: '30',
    QUEUE_PREFIX: `test-quota-${randomUUID().slice(0, 8)}`,
  });
  let api: InProcessApi;

  beforeAll(async () => {
    api = await startInProcessApi(config, { withAuth: true });
  });
  afterAll(async () => api.close());

  async function submitInParallel(account: string, count: number, chunksEach: number): Promise<request.Response[]> {
    const { key } = await new PgApiKeyStore(api.runtime.pool).create(account);
    return Promise.all(
      Array.from({ length: count }, (_, i) =>
        request(api.app)
          .post('/job/batch-insert')
          .set({ Authorization: `Bearer ${key}` })
          .send({ account_name: account, documents: makeDocuments(1, { prefix: `p${i}`, chunks: chunksEach }) }),
      ),
    );
  }

  async function queued(account: string): Promise<{ documents: number; chunks: number }> {
    return new PgApiKeyStore(api.runtime.pool).queuedTotals(account);
  }

  it('accepts exactly the jobs that fit the queued-chunks quota; the rest answer 429 queued_chunks_quota', async () => {
    const account = uniqueAccount('qc');
    const responses = await submitInParallel(account, 12, 5); // 5 chunks each, quota 30: six fit
    const accepted = responses.filter((r) => r.status === 202);
    const refused = responses.filter((r) => r.status !== 202);
    expect(accepted).toHaveLength(6);
    expect(refused.map((r) => [r.status, r.body.error?.code, r.headers['retry-after']])).toEqual(
      Array.from({ length: 6 }, () => [429, 'queued_chunks_quota', '30']),
    );
    expect(await queued(account)).toEqual({ documents: 6, chunks: 30 });
  });

  it('accepts exactly the jobs that fit the queued-documents quota; the rest answer 429 queued_documents_quota', async () => {
    const account = uniqueAccount('qd');
    const responses = await submitInParallel(account, 12, 1); // 1 document each, quota 8
    expect(responses.filter((r) => r.status === 202)).toHaveLength(8);
    expect(responses.filter((r) => r.status === 429 && r.body.error?.code === 'queued_documents_quota')).toHaveLength(4);
    expect(await queued(account)).toEqual({ documents: 8, chunks: 8 });
  });

  it('the staging transaction holds the quota by itself (no early check): parallel createJob calls, exactly six staged', async () => {
    const account = uniqueAccount('qs');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        api.runtime.jobs.createJob({
          id: randomUUID(),
          accountName: account,
          documents: makeDocuments(1, { prefix: `s${i}`, chunks: 5 }),
          duplicates: new Map(),
          requestHash: `h${i}`,
          expiresAt: new Date(Date.now() + 3_600_000),
          queuePrefix: config.queuePrefix,
          quota: { maxDocuments: 1_000, maxChunks: 30 },
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(6);
    const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refusals.every((o) => isErrorNamed(o.reason, 'QueuedQuotaExceededError'))).toBe(true);
    expect(await queued(account)).toEqual({ documents: 6, chunks: 30 });
    // nothing of a refused job was kept
    const rows = await api.runtime.pool.query('SELECT count(*)::int AS n FROM ingest_jobs WHERE account_name = $1', [account]);
    expect(rows.rows[0].n).toBe(6);
  });
});
