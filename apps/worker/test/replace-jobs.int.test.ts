import request from 'supertest';
import { auditConsistency } from '@nonstop/pipeline';
import { useJobTestEnv } from '../../../test/support/job-test-env';
import { getJob, waitForFinal } from '../../../test/support/job-harness';
import { makeDocuments, uniqueAccount, waitFor } from '../../../test/support/test-env';
import type { DocumentInput } from '@nonstop/core';

/**
 * Replace jobs against real Redis, PostgreSQL, Milvus, the default embedding
 * model and worker processes: readers during a replace, kill -9 in the middle
 * of one, two jobs replacing the same documents at once, and retry. Sized for
 * the multilingual model (2-3x slower than all-MiniLM-L6-v2, and one request
 * at a time, so every search's query waits behind the worker's micro-batch):
 * what each case shows does not depend on how many documents it uses.
 */
describe('replacing documents in jobs', () => {
  const env = useJobTestEnv();
  const store = async (account: string, documents: DocumentInput[]) => {
    for (let start = 0; start < documents.length; start += 100) {
      const answer = await request(env.api.app)
        .post('/data/insert/batch')
        .send({ account_name: account, documents: documents.slice(start, start + 100) })
        .expect(200);
      expect(answer.body.failure_count).toBe(0);
    }
  };
  /** The same documents with three chunks of new text: a version a reader can tell apart. */
  const secondVersion = (documents: DocumentInput[]): DocumentInput[] =>
    documents.map((d, n) => ({
      ...d,
      chunks: [0, 1, 2].map((i) => ({ chunk_index: i, text: `v2 문서 ${n} 문단 ${i}: 새로 크롤링한 내용 (re-crawled text)` })),
    }));
  const submit = async (account: string, documents: DocumentInput[], onExisting: string) =>
    (await request(env.api.app).post('/job/batch-insert').send({ account_name: account, documents, on_existing: onExisting }).expect(202))
      .body.job_id as string;
  const noLeftovers = async (account: string) => {
    const states = await env.stores.pool.query(`SELECT state, count(*)::int AS n FROM documents WHERE account_name = $1 GROUP BY state`, [
      account,
    ]);
    expect(states.rows).toEqual([{ state: 'active', n: expect.any(Number) }]);
    const chunks = await env.stores.chunkIds(account);
    await waitFor(
      "the replaced versions' vectors to be deleted",
      async () => {
        const vectors = await env.stores.vectorChunkIds(account);
        return vectors.length === chunks.length && vectors.every((id, i) => id === chunks[i]);
      },
      60_000,
    );
    expect((await auditConsistency(env.api.runtime, { accountName: account })).totals.drift).toBe(0);
  };

  const actionCounts = async (jobId: string) => {
    const result = await env.stores.pool.query<{ action: string | null; n: number }>(
      'SELECT action, count(*)::int AS n FROM job_documents WHERE job_id = $1 GROUP BY action ORDER BY action',
      [jobId],
    );
    return Object.fromEntries(result.rows.map((row) => [row.action ?? 'failed', row.n]));
  };
  const embeddedChunks = () => [...env.harness.embeddingCounts().values()].reduce((sum, n) => sum + n, 0);

  it('re-ingesting the same 400 documents with skip_unchanged: all unchanged, zero embedding calls (counted by the worker)', async () => {
    const account = uniqueAccount('rep');
    const documents = makeDocuments(400, { chunks: 1 });
    env.harness.startWorker();
    const first = await submit(account, documents, 'fail');
    expect((await waitForFinal(env.api.app, first, 600_000)).job.status).toBe('completed');
    expect(await actionCounts(first)).toEqual({ inserted: 400 });
    const chunkIds = await env.stores.chunkIds(account);
    const before = embeddedChunks();
    expect(before).toBeGreaterThanOrEqual(400);
    const again = await submit(account, documents, 'skip_unchanged');
    expect((await waitForFinal(env.api.app, again, 600_000)).job.status).toBe('completed');
    expect(await actionCounts(again)).toEqual({ unchanged: 400 });
    expect(embeddedChunks()).toBe(before);
    expect(await env.stores.chunkIds(account)).toEqual(chunkIds);
  }, 900_000);

  it('a reader looping over 100 documents while they are replaced sees one whole version of each, every time (>= 300 reads)', async () => {
    const account = uniqueAccount('rep');
    const first = makeDocuments(100, { chunks: 2 });
    await store(account, first);
    env.harness.startWorker();
    const jobId = await submit(account, secondVersion(first), 'replace');
    let reads = 0;
    const bad: string[] = [];
    let finished = false;
    // Four readers at once: a Strong read waits for Milvus' time tick, so one alone would take minutes for 300.
    const reader = async () => {
      while ((!finished || reads < 300) && reads < 20_000) {
        const read = reads;
        reads += 1;
        const n = read % 100;
        const answer = await request(env.api.app)
          .post('/search')
          .send({ account_name: account, query: `문서 ${n}`, content_names: [first[n]!.content_name], top_k: 50 })
          .expect(200);
        const results = answer.body.results as Array<{ doc_id: number; text: string }>;
        const docIds = new Set(results.map((r) => r.doc_id));
        const v2 = results.filter((r) => r.text.startsWith('v2 ')).length;
        const whole = docIds.size === 1 && ((v2 === 0 && results.length === 2) || (v2 === 3 && results.length === 3));
        if (!whole) bad.push(`read ${read} of document ${n}: ${results.length} chunks of ${docIds.size} versions (${v2} new)`);
        if (read % 25 === 0 && !finished)
          finished = ['completed', 'failed', 'cancelled'].includes((await getJob(env.api.app, jobId)).status);
      }
    };
    await Promise.all([reader(), reader(), reader(), reader()]);
    expect(reads).toBeGreaterThanOrEqual(300);
    expect(bad).toEqual([]);
    const { job } = await waitForFinal(env.api.app, jobId);
    expect(job.status).toBe('completed');
    expect((job.results as Array<{ action: string }>).every((r) => r.action === 'replaced')).toBe(true);
    expect(await env.stores.chunkIds(account)).toHaveLength(300);
    await noLeftovers(account);
  }, 900_000);

  it('kill -9 of the worker during a replace job: the job resumes, and only the new chunks and vectors remain (audit: 0 drift)', async () => {
    const account = uniqueAccount('rep');
    const first = makeDocuments(150, { chunks: 2 });
    await store(account, first);
    const worker = env.harness.startWorker();
    const jobId = await submit(account, secondVersion(first), 'skip_unchanged');
    await waitFor(
      'progress before the kill',
      async () => (await getJob(env.api.app, jobId)).progress.processed_documents! >= 40,
      120_000,
      50,
    );
    worker.child.kill('SIGKILL');
    await worker.exited;
    env.harness.startWorker();
    const { job } = await waitForFinal(env.api.app, jobId, 600_000);
    expect(job.status).toBe('completed');
    expect(job.progress).toMatchObject({ total_documents: 150, success_count: 150, failure_count: 0 });
    const texts = await env.stores.pool.query<{ text: string }>(
      'SELECT c.text FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE d.account_name = $1',
      [account],
    );
    expect(texts.rows).toHaveLength(450);
    expect(texts.rows.every((row) => row.text.startsWith('v2 '))).toBe(true);
    expect(await env.stores.documentCount(account)).toBe(150);
    await noLeftovers(account);
  }, 900_000);

  it('two replace jobs of the same documents at once, in opposite orders: each document ends with one whole version; a loser is concurrent_write', async () => {
    const account = uniqueAccount('rep');
    const first = makeDocuments(60, { chunks: 2 });
    await store(account, first);
    env.harness.startWorker();
    env.harness.startWorker();
    const changed = secondVersion(first);
    const [a, b] = await Promise.all([submit(account, changed, 'replace'), submit(account, [...changed].reverse(), 'replace')]);
    const [jobA, jobB] = await Promise.all([waitForFinal(env.api.app, a, 300_000), waitForFinal(env.api.app, b, 300_000)]);
    const byName = new Map<string, string[]>();
    for (const { job } of [jobA, jobB]) {
      expect(job.status).toBe('completed');
      for (const r of job.results as Array<{ content_name: string; action?: string; error_code?: string }>) {
        byName.set(r.content_name, [...(byName.get(r.content_name) ?? []), r.action ?? r.error_code!]);
      }
    }
    for (const outcomes of byName.values()) {
      expect(outcomes.every((o) => o === 'replaced' || o === 'concurrent_write')).toBe(true);
      expect(outcomes).toContain('replaced');
    }
    expect(await env.stores.documentCount(account)).toBe(60);
    expect(await env.stores.chunkIds(account)).toHaveLength(180);
    await noLeftovers(account);
  }, 900_000);

  it('retry runs exactly the failed documents of a finished job, from its ledger; 409 while the original has not finished', async () => {
    const account = uniqueAccount('rep');
    const documents = makeDocuments(5, { chunks: 1 });
    await store(account, [documents[1]!, documents[3]!]);
    const pendingJob = await submit(account, documents, 'fail');
    const early = await request(env.api.app).post(`/job/${pendingJob}/retry`).expect(409);
    expect(early.body.error.code).toBe('job_not_finished');
    env.harness.startWorker();
    const { job } = await waitForFinal(env.api.app, pendingJob);
    expect((job.results as Array<{ action?: string; error_code?: string }>).map((r) => r.action ?? r.error_code)).toEqual([
      'inserted',
      'already_exists',
      'inserted',
      'already_exists',
      'inserted',
    ]);
    // The two failed because they existed: delete them, and the retry can insert them.
    const deletion = (
      await request(env.api.app)
        .post('/job/batch-delete')
        .send({ account_name: account, content_names: [documents[1]!.content_name, documents[3]!.content_name] })
        .expect(202)
    ).body.job_id;
    expect((await waitForFinal(env.api.app, deletion)).job.status).toBe('completed');
    const retry = await request(env.api.app).post(`/job/${pendingJob}/retry`).expect(202);
    expect(retry.body).toMatchObject({ retry_of: pendingJob, total_documents: 2, kind: 'insert' });
    const retried = await waitForFinal(env.api.app, retry.body.job_id);
    expect(retried.job).toMatchObject({ status: 'completed', retry_of: pendingJob });
    expect((retried.job.results as Array<{ content_name: string; action: string }>).map((r) => [r.content_name, r.action])).toEqual([
      [documents[1]!.content_name, 'inserted'],
      [documents[3]!.content_name, 'inserted'],
    ]);
    expect(await env.stores.documentCount(account)).toBe(5);
    const nothing = await request(env.api.app).post(`/job/${retry.body.job_id}/retry`).expect(409);
    expect(nothing.body.error.code).toBe('nothing_to_retry');
    const ofDelete = await request(env.api.app).post(`/job/${deletion}/retry`).expect(409);
    expect(ofDelete.body.error.code).toBe('not_retryable');
  }, 300_000);
});
