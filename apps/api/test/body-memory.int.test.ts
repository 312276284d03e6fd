import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { BODY_MEMORY_COPIES, createBatchInsertQueue, createRedis } from '@nonstop/core';
import { PgApiKeyStore } from '@nonstop/storage';
import { freePort } from '../../../test/support/free-port';
import { largeJobBody, type LargeBody } from '../../../test/support/large-body';
import { spawnApp, stopApp, type AppProcess } from '../../../test/support/processes';
import { StoreInspector, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';

const MB = 1024 * 1024;
const MAX_JOB_BODY_BYTES = 32 * MB;
/** Room for two maximum-size bodies at once; one key may hold one of them. */
const BODY_MEMORY_BYTES = 2 * MAX_JOB_BODY_BYTES * BODY_MEMORY_COPIES;
const BODY_MEMORY_PER_KEY_BYTES = MAX_JOB_BODY_BYTES * BODY_MEMORY_COPIES;

function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

interface Answer {
  status: number;
  code?: string;
  retryAfter?: string;
}

describe('API process: a storm of maximum-size gzip bodies', () => {
  const stores = new StoreInspector(testConfig());
  const accountA = uniqueAccount('storm_a');
  const accountB = uniqueAccount('storm_b');
  const accountC = uniqueAccount('storm_c');
  const accounts = [accountA, accountB, accountC];
  let api: AppProcess | undefined;
  let base: string;
  let keyA: string;
  let keyB: string;
  let keyC: string;
  const queuePrefix = `test-storm-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const keys = new PgApiKeyStore(stores.pool);
    keyA = (await keys.create(accountA)).key;
    keyB = (await keys.create(accountB)).key;
    keyC = (await keys.create(accountC)).key;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawnApp('api', {
      PORT: String(port),
      API_AUTH: 'required',
      RATE_LIMIT_PER_MINUTE: '100000',
      QUEUE_PREFIX: queuePrefix,
      MAX_JOB_BODY_BYTES: String(MAX_JOB_BODY_BYTES),
      BODY_MEMORY_BYTES: String(BODY_MEMORY_BYTES),
      BODY_MEMORY_PER_KEY_BYTES: String(BODY_MEMORY_PER_KEY_BYTES),
    });
    await waitFor(
      'API up',
      async () =>
        fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      90_000,
    );
  });

  afterAll(async () => {
    await stopApp(api, 'SIGKILL');
    // No worker runs here: the accepted jobs' queue entries go with the test.
    const redis = createRedis(testConfig().redisUrl, 'worker');
    const queue = createBatchInsertQueue(redis, queuePrefix);
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    await stores.pool.query('DELETE FROM ingest_jobs WHERE account_name = ANY($1)', [accounts]);
    await stores.pool.query('DELETE FROM api_keys WHERE account_name = ANY($1)', [accounts]);
    await stores.close();
  });

  const post = (key: string, gzip: Buffer): Promise<Answer> =>
    fetch(`${base}/job/batch-insert`, {
      method: 'POST',
      body: gzip,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    }).then(async (response) => {
      const body = (await response.json()) as { error?: { code: string } };
      return {
        status: response.status,
        ...(body.error ? { code: body.error.code } : {}),
        ...(response.headers.get('retry-after') ? { retryAfter: response.headers.get('retry-after')! } : {}),
      };
    });

  /** A client that sends its body until it is accepted, waiting a second whenever it is told to come back. */
  async function sendUntilAccepted(key: string, body: LargeBody, answers: Answer[]): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const answer = await post(key, body.gzip);
      answers.push(answer);
      if (answer.status === 202) return;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    throw new Error('a body was never accepted');
  }

  it('admits what fits its body memory, tells the rest to retry (429 per key, 503 for the process), keeps answering, and stages every accepted body whole', async () => {
    const pid = api!.child.pid!;
    const bodyA = largeJobBody(accountA, MAX_JOB_BODY_BYTES);
    const bodyB = largeJobBody(accountB, MAX_JOB_BODY_BYTES);
    const bodyC = largeJobBody(accountC, MAX_JOB_BODY_BYTES);
    expect(bodyA.bytes).toBe(MAX_JOB_BODY_BYTES);
    expect(bodyA.gzip.length).toBeLessThan(MAX_JOB_BODY_BYTES / 100);

    const before = rssOf(pid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(pid));
    }, 20);
    let probing = true;
    const probes: Array<{ status: number; ms: number }> = [];
    const probe = (async () => {
      while (probing) {
        const started = Date.now();
        const status = await fetch(`${base}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
        probes.push({ status, ms: Date.now() - started });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const answers: Answer[] = [];
    const started = Date.now();
    // Account A floods with four clients at once, B and C send two each: three keys for room of two bodies.
    await Promise.all([
      ...Array.from({ length: 4 }, () => sendUntilAccepted(keyA, bodyA, answers)),
      ...Array.from({ length: 2 }, () => sendUntilAccepted(keyB, bodyB, answers)),
      ...Array.from({ length: 2 }, () => sendUntilAccepted(keyC, bodyC, answers)),
    ]);
    const stormMs = Date.now() - started;
    probing = false;
    await probe;
    clearInterval(sampler);

    const growth = peak - before;
    // The figures behind the README's "Bounded resources" numbers.
    process.stdout.write(
      `storm of 8 x ${MAX_JOB_BODY_BYTES / MB} MiB gzip bodies (${Math.round(bodyA.gzip.length / 1024)} KiB each) in ${stormMs} ms: ` +
        `RSS ${Math.round(before / MB)} -> peak ${Math.round(peak / MB)} MiB (+${Math.round(growth / MB)} MiB; body memory ${BODY_MEMORY_BYTES / MB} MiB); ` +
        `answers ${JSON.stringify(countBy(answers))}; /healthz ${probes.length} probes, slowest ${Math.max(...probes.map((p) => p.ms))} ms\n`,
    );

    for (const answer of answers) {
      expect([202, 429, 503]).toContain(answer.status);
      if (answer.status !== 202) expect(answer.retryAfter).toBe('5');
    }
    expect(answers.filter((a) => a.status === 202)).toHaveLength(8);
    expect(answers.some((a) => a.status === 429 && a.code === 'too_many_large_bodies')).toBe(true);
    expect(answers.some((a) => a.status === 503 && a.code === 'server_busy')).toBe(true);
    // Still answering: every probe during the storm was answered, none took long.
    expect(probes.length).toBeGreaterThan(5);
    expect(probes.every((p) => p.status === 200)).toBe(true);
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(5_000); // JSON.parse of a 32 MiB body holds the event loop for up to a second or so
    // The budget bounds the growth: at most what it admits, which BODY_MEMORY_COPIES sizes from the measured cost of a body.
    expect(growth).toBeLessThan(BODY_MEMORY_BYTES);
    expect(api!.child.exitCode).toBeNull();

    // Nothing half-staged: each account has one job per client, each with every document of its body.
    const { rows } = await stores.pool.query<{ account_name: string; total_documents: number; staged: number }>(
      `SELECT j.account_name, j.total_documents, (SELECT count(*)::int FROM job_documents d WHERE d.job_id = j.id) AS staged
         FROM ingest_jobs j WHERE j.account_name = ANY($1)`,
      [accounts],
    );
    expect(accounts.map((account) => rows.filter((row) => row.account_name === account).length)).toEqual([4, 2, 2]);
    const documentsOf = { [accountA]: bodyA.documents, [accountB]: bodyB.documents, [accountC]: bodyC.documents };
    for (const row of rows) {
      expect(row.total_documents).toBe(documentsOf[row.account_name]);
      expect(row.staged).toBe(row.total_documents);
    }
  });

  it('answers 413 for a gzip body that inflates one byte past the limit, and stages nothing of it', async () => {
    const account = uniqueAccount('storm_over');
    const body = {
      account_name: accountA,
      documents: [{ chat_bot_id: 'bot001', content_name: account, chunks: [{ chunk_index: 0, text: 'x' }] }],
    };
    const json = JSON.stringify(body);
    const over = json.replace('"text":"x"', `"text":"${'x'.repeat(MAX_JOB_BODY_BYTES - Buffer.byteLength(json) + 2)}"`);
    expect(Buffer.byteLength(over)).toBe(MAX_JOB_BODY_BYTES + 1);
    const answer = await post(keyA, gzipSync(over));
    expect(answer).toMatchObject({ status: 413, code: 'payload_too_large' });
    const {
      rows: [found],
    } = await stores.pool.query('SELECT count(*)::int AS n FROM job_documents WHERE content_name = $1', [account]);
    expect(found.n).toBe(0);
  });
});

function countBy(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const label = `${answer.status}${answer.code ? ` ${answer.code}` : ''}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}
