import request from 'supertest';
import { auditConsistency } from '@nonstop/pipeline';
import { useJobTestEnv } from '../../../test/support/job-test-env';
import { waitForFinal } from '../../../test/support/job-harness';
import { seedChunksWithStandInVectors } from '../../../test/support/seed-chunks';
import { makeDocuments, uniqueAccount } from '../../../test/support/test-env';

/**
 * POST /job/batch-delete against real Redis, PostgreSQL, Milvus and worker
 * processes. Documents are stored through the synchronous API (the same
 * write path), then deleted by a job; both stores are counted afterwards.
 */
describe('batch delete jobs with a receipt', () => {
  const env = useJobTestEnv();
  const store = async (account: string, documents: ReturnType<typeof makeDocuments>) => {
    for (let start = 0; start < documents.length; start += 100) {
      const answer = await request(env.api.app)
        .post('/data/insert/batch')
        .send({ account_name: account, documents: documents.slice(start, start + 100) })
        .expect(200);
      expect(answer.body.failure_count).toBe(0);
    }
  };
  const rowsOf = async (account: string, bot?: string) => {
    const result = await env.stores.pool.query(
      `SELECT count(DISTINCT d.id)::int AS documents, count(c.id)::int AS chunks FROM documents d
         LEFT JOIN document_chunks c ON c.document_id = d.id WHERE d.account_name = $1 AND ($2::text IS NULL OR d.chat_bot_id = $2)`,
      [account, bot ?? null],
    );
    return result.rows[0] as { documents: number; chunks: number };
  };
  const submitDelete = async (body: Record<string, unknown>) =>
    (await request(env.api.app).post('/job/batch-delete').send(body).expect(202)).body;

  const seedWithStandInVectors = (account: string, chatBotId: string, documents: number, chunksPerDocument: number) =>
    seedChunksWithStandInVectors(env.stores.pool, env.api.runtime.vectors, env.api.runtime.embedder.dimension, {
      accountName: account,
      chatBotId,
      documents,
      chunksPerDocument,
      label: chatBotId,
    });

  it('deletes a bot of 10,000 chunks: 0 rows and 0 vectors left, another bot untouched, the receipt counts right', async () => {
    const account = uniqueAccount('del');
    await seedWithStandInVectors(account, 'doomed', 2_500, 4);
    await store(account, makeDocuments(10, { chunks: 2, botId: 'kept', prefix: 'kept' }));
    const keptIds = (await env.stores.chunkIds(account)).length;
    expect(keptIds).toBe(10_020);
    env.harness.startWorker();
    const accepted = await submitDelete({ account_name: account, chat_bot_id: 'doomed' });
    expect(accepted).toMatchObject({ kind: 'delete', total_documents: 2_500 });
    const { job } = await waitForFinal(env.api.app, accepted.job_id, 240_000);
    expect(job.status).toBe('completed');
    expect(job.receipt).toMatchObject({
      scope: { chat_bot_id: 'doomed' },
      documents_before: 2_500,
      chunks_before: 10_000,
      vectors_before: 10_000,
      documents_deleted: 2_500,
      chunks_deleted: 10_000,
      not_found: 0,
      documents_after: 0,
      chunks_after: 0,
      vectors_after: 0,
    });
    expect(typeof (job.receipt as { finished_at: string }).finished_at).toBe('string');
    expect(await rowsOf(account, 'doomed')).toEqual({ documents: 0, chunks: 0 });
    const left = await env.stores.chunkIds(account);
    expect(left).toHaveLength(20);
    expect(await env.stores.vectorChunkIds(account)).toEqual(left);
    const audit = await auditConsistency(env.api.runtime, { accountName: account });
    expect(audit.totals.drift).toBe(0);
  }, 600_000);

  it('deletes named documents (a missing one is not_found, not an error), then the whole account', async () => {
    const account = uniqueAccount('del');
    const documents = makeDocuments(6, { chunks: 2 });
    await store(account, documents);
    await store(account, makeDocuments(3, { chunks: 1, botId: 'other', prefix: 'other' }));
    env.harness.startWorker();
    const named = await submitDelete({
      account_name: account,
      chat_bot_id: 'bot001',
      content_names: [documents[0]!.content_name, 'https://example.com/never-stored/한국어', documents[3]!.content_name],
    });
    const { job } = await waitForFinal(env.api.app, named.job_id);
    expect(job.status).toBe('completed');
    const results = job.results as Array<{ action: string; success: boolean; chunks_count: number }>;
    expect(results.map((r) => r.action)).toEqual(['deleted', 'not_found', 'deleted']);
    expect(results.every((r) => r.success)).toBe(true);
    expect(job.receipt).toMatchObject({ documents_before: 2, documents_deleted: 2, chunks_deleted: 4, not_found: 1, vectors_after: 0 });
    expect(await rowsOf(account)).toEqual({ documents: 7, chunks: 11 });

    const whole = await submitDelete({ account_name: account });
    const ended = await waitForFinal(env.api.app, whole.job_id);
    expect(ended.job.status).toBe('completed');
    expect(ended.job.receipt).toMatchObject({
      documents_before: 7,
      chunks_before: 11,
      vectors_before: 11,
      documents_deleted: 7,
      vectors_after: 0,
    });
    expect(await rowsOf(account)).toEqual({ documents: 0, chunks: 0 });
    expect(await env.stores.vectorChunkIds(account)).toEqual([]);
  }, 180_000);

  it('refuses bad bodies with a 400 naming the field, and rollback of a delete job with a 409', async () => {
    const account = uniqueAccount('del');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ account_name: account, content_names: [] }, 'content_names'],
      [{ account_name: account, content_names: ['ok', ''] }, 'content_names[1]'],
      [{ account_name: account, content_names: ['\u0000'] }, 'content_names[0]'],
      [{ account_name: account, chat_bot_id: 'bad bot' }, 'chat_bot_id'],
      [{ account_name: account, documents: [] }, 'documents'],
      [{ chat_bot_id: 'x' }, 'account_name'],
    ];
    for (const [body, field] of cases) {
      const answer = await request(env.api.app).post('/job/batch-delete').send(body).expect(400);
      expect(JSON.stringify(answer.body)).toContain(field);
    }
    const accepted = await submitDelete({ account_name: account, content_names: ['가'.repeat(2048)] });
    await request(env.api.app).delete(`/job/${accepted.job_id}?rollback=true`).expect(409);
  });

  it('a delete during an ingest of the same bot: what the delete found is gone; documents the ingest activates later stay, whole', async () => {
    const account = uniqueAccount('del');
    await store(account, makeDocuments(200, { chunks: 2, botId: 'race', prefix: 'old' }));
    env.harness.startWorker();
    const incoming = makeDocuments(300, { chunks: 2, botId: 'race', prefix: 'new' });
    const ingest = await request(env.api.app).post('/job/batch-insert').send({ account_name: account, documents: incoming }).expect(202);
    const deletion = await submitDelete({ account_name: account, chat_bot_id: 'race' });
    const [ingested, deleted] = await Promise.all([
      waitForFinal(env.api.app, ingest.body.job_id, 240_000),
      waitForFinal(env.api.app, deletion.job_id, 240_000),
    ]);
    expect(ingested.job.status).toBe('completed');
    expect(deleted.job.status).toBe('completed');
    const receipt = deleted.job.receipt as { documents_before: number; documents_deleted: number; vectors_after: number };
    // The delete listed the documents active when it was accepted: the 200 old ones, and any new one already active.
    expect(receipt.documents_before).toBeGreaterThanOrEqual(200);
    expect(receipt.documents_deleted).toBe(receipt.documents_before);
    expect(receipt.vectors_after).toBe(0);
    const names = await env.stores.pool.query<{ content_name: string }>(
      'SELECT content_name FROM documents WHERE account_name = $1 ORDER BY content_name',
      [account],
    );
    expect(names.rows.every((row) => row.content_name.includes('/new/'))).toBe(true);
    expect(names.rows.length).toBe(300 - (receipt.documents_before - 200));
    const chunks = await env.stores.chunkIds(account);
    expect(chunks).toHaveLength(names.rows.length * 2);
    expect(await env.stores.vectorChunkIds(account)).toEqual(chunks);
    expect((await auditConsistency(env.api.runtime, { accountName: account })).totals.drift).toBe(0);
  }, 600_000);

  it('a cancel, a delete and a replacing ingest of the same bot at once: no job stuck, every document whole in both stores, drift 0', async () => {
    const account = uniqueAccount('race3');
    await store(account, makeDocuments(100, { chunks: 2, botId: 'race3', prefix: 'old' }));
    env.harness.startWorker();
    const first = await request(env.api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(200, { chunks: 2, botId: 'race3', prefix: 'new' }) })
      .expect(202);
    // The same 150 names again with other text (a new version of each), in the opposite order.
    const changed = makeDocuments(150, { chunks: 2, botId: 'race3', prefix: 'new' })
      .map((document) => ({ ...document, chunks: document.chunks.map((chunk) => ({ ...chunk, text: `${chunk.text} (v2)` })) }))
      .reverse();
    const [cancel, deletion, second] = await Promise.all([
      request(env.api.app).delete(`/job/${first.body.job_id as string}`),
      submitDelete({ account_name: account, chat_bot_id: 'race3' }),
      request(env.api.app)
        .post('/job/batch-insert')
        .send({ account_name: account, documents: changed, on_existing: 'replace' })
        .expect(202),
    ]);
    expect(cancel.status).toBeLessThan(500);
    const [cancelled, deleted, replaced] = await Promise.all([
      waitForFinal(env.api.app, first.body.job_id as string, 240_000),
      waitForFinal(env.api.app, deletion.job_id as string, 240_000),
      waitForFinal(env.api.app, second.body.job_id as string, 240_000),
    ]);
    expect(['cancelled', 'completed']).toContain(cancelled.job.status);
    expect(deleted.job.status).toBe('completed');
    expect(replaced.job.status).toBe('completed');
    // A replacing document that lost to another job's write says so; none fails for another reason.
    const failures = (replaced.job.results as Array<{ success: boolean; error_code?: string }>).filter((result) => !result.success);
    expect(failures.filter((result) => result.error_code !== 'concurrent_write')).toEqual([]);
    const receipt = deleted.job.receipt as { documents_before: number; documents_deleted: number; vectors_after: number };
    expect(receipt.documents_deleted).toBe(receipt.documents_before);
    expect(receipt.vectors_after).toBe(0);
    // The documents active when the delete was accepted are gone; whatever stays is one whole version, in both stores.
    const rows = await env.stores.pool.query<{ content_name: string; state: string; chunks: number }>(
      `SELECT d.content_name, d.state, count(c.id)::int AS chunks FROM documents d
         LEFT JOIN document_chunks c ON c.document_id = d.id WHERE d.account_name = $1 GROUP BY d.id ORDER BY d.content_name`,
      [account],
    );
    expect(rows.rows.filter((row) => row.content_name.includes('/old/'))).toEqual([]);
    expect(rows.rows.filter((row) => row.state !== 'active' || row.chunks !== 2)).toEqual([]);
    expect(new Set(rows.rows.map((row) => row.content_name)).size).toBe(rows.rows.length);
    const chunks = await env.stores.chunkIds(account);
    expect(chunks).toHaveLength(rows.rows.length * 2);
    expect(await env.stores.vectorChunkIds(account)).toEqual(chunks);
    expect((await auditConsistency(env.api.runtime, { accountName: account })).totals.drift).toBe(0);
  }, 600_000);
});
