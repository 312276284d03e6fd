import request from 'supertest';
import { waitForFinal } from '../../../test/support/job-harness';
import { useJobTestEnv } from '../../../test/support/job-test-env';
import { makeDocuments, uniqueAccount } from '../../../test/support/test-env';
import { MAX_CONTENT_NAME_LENGTH } from '../src/validation/batch-insert.dto';

/**
 * Issue 10, reproduced bug 2: a content_name within the documented limit
 * (2,048 characters) but of Hangul (3 bytes each) or emoji (4 bytes) went
 * past PostgreSQL's btree row limit on the documents' identity index: the job
 * retried for ever in `processing` and the synchronous endpoint answered 500.
 */
/** `count` characters spread pseudo-randomly over [first, first + range). */
function syllables(count: number, first: number, range: number): string {
  let seed = count;
  return Array.from({ length: count }, () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return String.fromCodePoint(first + (seed % range));
  }).join('');
}

describe('content_name at its documented limit in the costliest UTF-8 (real worker, PostgreSQL, Milvus, model)', () => {
  const env = useJobTestEnv();

  // Varied characters: PostgreSQL compresses a repetitive index entry below the limit.
  const hangul900 = `https://예시.kr/${syllables(900 - 'https://예시.kr/'.length, 0xac00, 11_172)}`;
  const hangulMax = syllables(MAX_CONTENT_NAME_LENGTH, 0xac00, 11_172);
  const emojiMax = syllables(MAX_CONTENT_NAME_LENGTH, 0x1f300, 0x2ff);

  async function storedNames(account: string): Promise<string[]> {
    const rows = await env.stores.pool.query('SELECT content_name FROM documents WHERE account_name = $1 ORDER BY id', [account]);
    return rows.rows.map((row: { content_name: string }) => row.content_name);
  }

  it('the synchronous endpoint stores them byte for byte, and a second copy is "already exists"', async () => {
    const account = uniqueAccount();
    const documents = [hangul900, hangulMax, emojiMax].map((name, i) => ({
      ...makeDocuments(1)[0]!,
      content_name: name,
      chat_bot_id: `bot${i}`,
    }));
    const first = await request(env.api.app).post('/data/insert/batch').send({ account_name: account, documents }).expect(200);
    expect(first.body.success_count).toBe(3);
    expect(await storedNames(account)).toEqual([hangul900, hangulMax, emojiMax]);
    const again = await request(env.api.app).post('/data/insert/batch').send({ account_name: account, documents }).expect(200);
    expect(again.body.results.map((r: { error_code?: string }) => r.error_code)).toEqual([
      'already_exists',
      'already_exists',
      'already_exists',
    ]);
    const chunkIds = await env.stores.chunkIds(account);
    expect(await env.stores.vectorChunkIds(account)).toEqual(chunkIds);
  });

  it('a job with such names beside ordinary documents completes with every document stored', async () => {
    env.harness.startWorker();
    const account = uniqueAccount();
    const documents = makeDocuments(4);
    documents[1]!.content_name = hangul900;
    documents[2]!.content_name = emojiMax;
    const created = await request(env.api.app).post('/job/batch-insert').send({ account_name: account, documents }).expect(202);
    const { job } = await waitForFinal(env.api.app, created.body.job_id, 60_000);
    expect(job).toMatchObject({ status: 'completed', progress: { success_count: 4, failure_count: 0 } });
    expect((await storedNames(account)).sort()).toEqual(documents.map((d) => d.content_name).sort());
  });
});
