import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PgApiKeyStore } from '@nonstop/storage';
import { listenOnLoopback, startInProcessApi, type InProcessApi } from '../../../../test/support/in-process-api';
import { testConfig, uniqueAccount } from '../../../../test/support/test-env';
import { FLOOD_LIMITS, hostileFloods, type FloodContext, type FloodRequest, type HostileFlood } from './flood-cases';

interface Answer {
  status: number;
  retryAfter: string | null;
  error?: { code?: string; message?: string };
}

describe('hostile floods: past each limit, a clear 429 or 503 with Retry-After, and the process keeps serving', () => {
  const config = testConfig({ ...FLOOD_LIMITS, API_AUTH: 'required', QUEUE_PREFIX: `test-floods-${randomUUID().slice(0, 8)}` });
  const accounts = [uniqueAccount('flood_a'), uniqueAccount('flood_b'), uniqueAccount('flood_c')];
  let api: InProcessApi;
  let server: { baseUrl: string; close(): Promise<void> };
  let context: FloodContext;

  beforeAll(async () => {
    api = await startInProcessApi(config, { withAuth: true });
    server = await listenOnLoopback(api);
    const keys = new PgApiKeyStore(api.runtime.pool);
    const created = await Promise.all(accounts.map(async (account) => (await keys.create(account)).key));
    const job = await fetch(`${server.baseUrl}/job/batch-insert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${created[0]}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        account_name: accounts[0],
        documents: [{ chat_bot_id: 'bot001', content_name: 'flood', chunks: [{ chunk_index: 0, text: 'flood' }] }],
      }),
    }).then(async (response) => ((await response.json()) as { job_id: string }).job_id);
    context = {
      account: accounts[0]!,
      otherAccount: accounts[1]!,
      jobId: job,
      finishedJobId: job,
      otherJobId: job,
      idempotencyKey: '',
      keys: created as [string, string, string],
    };
  });
  afterAll(async () => {
    await server.close();
    await api.redis.del(...(await api.redis.keys(`${config.queuePrefix}:authfail:*`)));
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  const url = (flood: HostileFlood) => new URL(flood.path(context), server.baseUrl);

  async function answered(flood: HostileFlood, request: FloodRequest): Promise<Answer> {
    const isBody = flood.hold === 'stalled-body';
    const json = request.json === undefined ? undefined : JSON.stringify(request.json);
    const response = await fetch(url(flood), {
      method: flood.method,
      headers: { ...request.headers, ...(isBody ? { 'Content-Encoding': 'gzip' } : {}) },
      ...(json === undefined ? {} : { body: isBody ? gzipSync(json) : json }),
    });
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), ...(JSON.parse(text || '{}') as object) };
  }

  /** A request kept open: an event stream being read, or a gzip body of which only the first bytes were sent. */
  function held(flood: HostileFlood, request: FloodRequest): { opened: Promise<number>; close(): void } {
    const headers = {
      ...request.headers,
      ...(flood.hold === 'stalled-body' ? { 'Content-Encoding': 'gzip', 'Transfer-Encoding': 'chunked' } : {}),
    };
    const req = http.request(url(flood), { method: flood.method, headers });
    // A stalled body gets no answer; its socket's error on close is expected.
    const opened = new Promise<number>((resolve) => {
      req.once('response', (response) => resolve(response.statusCode ?? 0));
      req.once('error', () => resolve(0));
    });
    if (flood.hold === 'stalled-body') req.write(gzipSync(JSON.stringify(request.json)).subarray(0, 10));
    else req.end();
    return { opened, close: () => req.destroy() };
  }

  it.each(hostileFloods.map((flood) => [`${flood.endpoint} | ${flood.name}`, flood] as const))('%s', async (_name, flood) => {
    const holds: Array<{ close(): void }> = [];
    try {
      for (let i = 0; i < flood.times; i += 1) {
        if (flood.hold === 'answered') {
          const answer = await answered(flood, flood.request(context, i));
          expect(answer.status).not.toBe(flood.expect.status); // still within the limit
          continue;
        }
        const hold = held(flood, flood.request(context, i));
        holds.push(hold);
        // A stream is counted once its headers come back; a stalled body once it is past authentication and admitted.
        if (flood.hold === 'stream') expect(await hold.opened).toBe(200);
        else await new Promise((resolve) => setTimeout(resolve, 300));
      }
      const answer = await answered(flood, flood.request(context, flood.times));
      expect({ status: answer.status, code: answer.error?.code }).toEqual({ status: flood.expect.status, code: flood.expect.code });
      expect(answer.error?.message).toContain(flood.expect.names);
      if (flood.expect.problem) expect(answer.error?.message).toMatch(flood.expect.problem);
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      for (const hold of holds) hold.close();
    }
    // What a flood held is given back when its connections close; the next flood starts from nothing.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
});
