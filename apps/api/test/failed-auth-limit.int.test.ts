import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { PgApiKeyStore } from '@nonstop/storage';
import { createApp } from '../src/app';
import type { Readiness } from '../src/readiness';
import { createSyncRunner } from '../src/routes/sync-insert';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { testConfig, testLogger, uniqueAccount } from '../../../test/support/test-env';

/** The real key store, counting its lookups: how the test sees that a limited address costs no query. */
class CountingKeyStore extends PgApiKeyStore {
  lookups = 0;

  override async authenticate(key: string): ReturnType<PgApiKeyStore['authenticate']> {
    this.lookups += 1;
    return super.authenticate(key);
  }
}

const LIMIT = 5;
/** The probes are not what these instances are for. */
const alwaysReady: Readiness = { check: async () => ({ ready: true, checks: {} }) };

describe('failed authentication: limited per client address, counted in Redis', () => {
  const env = {
    API_AUTH: 'required',
    AUTH_FAILURES_PER_WINDOW: String(LIMIT),
    // One window for the whole test: a fixed window turns over only at midnight UTC.
    AUTH_FAILURE_WINDOW_SECONDS: '86400',
    RATE_LIMIT_PER_MINUTE: '100000',
    QUEUE_PREFIX: `test-authfail-${randomUUID().slice(0, 8)}`,
  };
  const account = uniqueAccount('authfail');
  let api: InProcessApi;
  let keys: CountingKeyStore;
  let validKey: string;
  let behindProxy: Express;

  /** Another API instance on the same stores and Redis, with its own process-local memory. */
  function instance(overrides: Record<string, string>): Express {
    const config = testConfig({ ...env, ...overrides });
    return createApp({
      config,
      logger: testLogger,
      syncRunner: createSyncRunner(api.runtime, config, testLogger),
      jobs: api.runtime.jobs,
      documents: api.runtime.documents,
      queue: api.queue,
      readiness: alwaysReady,
      auth: {
        mode: 'required',
        keys,
        redis: api.redis,
        rateLimitPerMinute: config.auth.rateLimitPerMinute,
        maxQueuedDocumentsPerAccount: 1_000,
        maxQueuedChunksPerAccount: 1_000,
        failuresPerWindow: config.auth.failuresPerWindow,
        failureWindowSeconds: config.auth.failureWindowSeconds,
      },
    });
  }

  beforeAll(async () => {
    api = await startInProcessApi(testConfig(env));
    keys = new CountingKeyStore(api.runtime.pool);
    validKey = (await keys.create(account)).key;
    behindProxy = instance({ TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await api.redis.del(...(await api.redis.keys(`${env.QUEUE_PREFIX}:authfail:*`)));
    await api.close();
  });

  const status = (app: Express, from: string | undefined, key: string) => {
    let req = request(app).get('/job/00000000-0000-4000-8000-000000000000').set('Authorization', `Bearer ${key}`);
    if (from) req = req.set('X-Forwarded-For', from);
    return req;
  };

  it(`answers 401 to ${LIMIT} unknown keys from one address, then 429 with Retry-After and no key lookup, even for a valid key`, async () => {
    for (let i = 0; i < LIMIT; i += 1) await status(behindProxy, '198.51.100.7', `nik_wrong-${i}`).expect(401);
    const lookups = keys.lookups;
    const limited = await status(behindProxy, '198.51.100.7', 'nik_wrong-again').expect(429);
    expect(limited.body.error.code).toBe('too_many_failed_authentications');
    expect(limited.body.error.message).toContain(`${LIMIT} requests with an unknown or revoked API key per 86400 s`);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await status(behindProxy, '198.51.100.7', validKey).expect(429);
    expect(keys.lookups).toBe(lookups);
    // Another address is not limited by this one's failures.
    await status(behindProxy, '198.51.100.8', 'nik_wrong').expect(401);
    await status(behindProxy, '198.51.100.8', validKey).expect(404);
  });

  it('counts an IPv6 client by its /64: a fresh address in the same block does not escape', async () => {
    for (let i = 0; i < LIMIT; i += 1) await status(behindProxy, `2001:db8:5:6::${i + 1}`, 'nik_wrong').expect(401);
    await status(behindProxy, '2001:db8:5:6:ffff::99', 'nik_wrong').expect(429);
    await status(behindProxy, '2001:db8:5:7::1', 'nik_wrong').expect(401);
  });

  it('shares the count across API instances: another instance refuses after a single lookup of its own', async () => {
    for (let i = 0; i < LIMIT; i += 1) await status(behindProxy, '198.51.100.20', 'nik_wrong').expect(401);
    const other = instance({ TRUST_PROXY: 'true' });
    const lookups = keys.lookups;
    await status(other, '198.51.100.20', 'nik_wrong').expect(429);
    await status(other, '198.51.100.20', 'nik_wrong').expect(429);
    expect(keys.lookups).toBe(lookups + 1);
  });

  it('without TRUST_PROXY, believes the socket and not X-Forwarded-For: forged addresses do not escape the limit', async () => {
    const direct = instance({ QUEUE_PREFIX: `${env.QUEUE_PREFIX}-direct` });
    for (let i = 0; i < LIMIT; i += 1) await status(direct, `203.0.113.${i}`, 'nik_wrong').expect(401);
    await status(direct, '203.0.113.200', 'nik_wrong').expect(429);
    await api.redis.del(...(await api.redis.keys(`${env.QUEUE_PREFIX}-direct:authfail:*`)));
  });

  it('does not count a request without a key (it costs no lookup)', async () => {
    for (let i = 0; i < LIMIT + 2; i += 1) {
      const res = await request(behindProxy)
        .get('/job/00000000-0000-4000-8000-000000000000')
        .set('X-Forwarded-For', '198.51.100.30')
        .expect(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
    await status(behindProxy, '198.51.100.30', validKey).expect(404);
  });
});
