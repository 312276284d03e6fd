import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { PgApiKeyStore } from '@nonstop/storage';
import { listenOnLoopback, startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { makeDocuments, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';

const RECHECK_MS = 500;

/** One open text/event-stream response: its status, and when the server ended it. */
class OpenStream {
  status = 0;
  text = '';
  endedAt: number | undefined;
  private readonly abort = new AbortController();
  readonly done: Promise<void>;

  constructor(url: string, key: string) {
    this.done = (async () => {
      try {
        const response = await fetch(url, {
          headers: { Accept: 'text/event-stream', Authorization: `Bearer ${key}` },
          signal: this.abort.signal,
        });
        this.status = response.status;
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) this.text += Buffer.from(chunk).toString('utf8');
        this.endedAt = Date.now();
      } catch (error) {
        if (!this.abort.signal.aborted) throw error;
      }
    })();
  }

  /** Resolves once the first event (the job's state) arrived: the stream is open and counted. */
  opened(): Promise<true> {
    return waitFor('the stream to open', async () => this.text.includes('data:'), 10_000, 20);
  }

  close(): void {
    this.abort.abort();
  }
}

describe('SSE streams: capped per key and per process, ended when their key is revoked', () => {
  const config = testConfig({
    API_AUTH: 'required',
    RATE_LIMIT_PER_MINUTE: '100000',
    SSE_MAX_STREAMS_PER_KEY: '3',
    SSE_MAX_STREAMS: '5',
    SSE_KEY_RECHECK_MS: String(RECHECK_MS),
    QUEUE_PREFIX: `test-streams-${randomUUID().slice(0, 8)}`,
  });
  const accountA = uniqueAccount('streams_a');
  const accountB = uniqueAccount('streams_b');
  let api: InProcessApi;
  let server: { baseUrl: string; close(): Promise<void> };
  let keyA: { id: string; key: string };
  let keyB: { id: string; key: string };
  let jobA: string;
  let jobB: string;
  const streams: OpenStream[] = [];

  const open = (job: string, key: string): OpenStream => {
    const stream = new OpenStream(`${server.baseUrl}/job/${job}/stream`, key);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    api = await startInProcessApi(config, { withAuth: true });
    server = await listenOnLoopback(api);
    const keys = new PgApiKeyStore(api.runtime.pool);
    keyA = await keys.create(accountA);
    keyB = await keys.create(accountB);
    // No worker: the jobs stay pending and their streams stay open.
    const create = async (key: string, account: string) =>
      (
        await request(api.app)
          .post('/job/batch-insert')
          .set('Authorization', `Bearer ${key}`)
          .send({ account_name: account, documents: makeDocuments(1) })
          .expect(202)
      ).body.job_id as string;
    jobA = await create(keyA.key, accountA);
    jobB = await create(keyB.key, accountB);
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await Promise.all(streams.map((stream) => stream.done));
    await server.close();
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  it('opens streams up to the per-key cap, then answers 429 naming the limit, with Retry-After', async () => {
    const ofA = [open(jobA, keyA.key), open(jobA, keyA.key), open(jobA, keyA.key)];
    await Promise.all(ofA.map((stream) => stream.opened()));
    expect(ofA.map((stream) => stream.status)).toEqual([200, 200, 200]);
    const refused = await request(server.baseUrl).get(`/job/${jobA}/stream`).set('Authorization', `Bearer ${keyA.key}`).expect(429);
    expect(refused.body.error.code).toBe('too_many_streams');
    expect(refused.body.error.message).toContain('3 open streams, the limit per key');
    expect(refused.headers['retry-after']).toBe('10');
  });

  it('caps the process whatever the key: another key gets the last two slots, then 429', async () => {
    await Promise.all([open(jobB, keyB.key), open(jobB, keyB.key)].map((stream) => stream.opened()));
    const refused = await request(server.baseUrl).get(`/job/${jobB}/stream`).set('Authorization', `Bearer ${keyB.key}`).expect(429);
    expect(refused.body.error.message).toContain('5 open streams, its limit');
  });

  it('ends the streams of a key revoked with `npm run keys -- revoke` within the recheck interval, freeing their slots', async () => {
    const ofA = streams.slice(0, 3);
    const revokedAt = Date.now();
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', 'revoke', keyA.id], {
      cwd: path.resolve(__dirname, '../../..'),
      env: process.env,
    });
    const revokeDone = Date.now();
    await Promise.all(ofA.map((stream) => stream.done));
    const lastEnd = Math.max(...ofA.map((stream) => stream.endedAt ?? Number.POSITIVE_INFINITY));
    process.stdout.write(
      `revoked key: the CLI took ${revokeDone - revokedAt} ms, its 3 streams ended ${lastEnd - revokeDone} ms after it returned\n`,
    );
    expect(lastEnd - revokeDone).toBeLessThan(RECHECK_MS + 1_500);
    expect(ofA.every((stream) => stream.text.includes(': the API key of this stream was revoked'))).toBe(true);
    // The key's own requests are refused now, and its three slots are free for others.
    await request(server.baseUrl).get(`/job/${jobA}/stream`).set('Authorization', `Bearer ${keyA.key}`).expect(401);
    const again = open(jobB, keyB.key);
    await again.opened();
    expect(again.status).toBe(200);
    // Key B's streams kept running.
    expect(streams.slice(3, 5).every((stream) => stream.endedAt === undefined)).toBe(true);
  });
});
