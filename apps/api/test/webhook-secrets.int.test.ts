import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { PgApiKeyStore } from '@nonstop/storage';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { testConfig, uniqueAccount } from '../../../test/support/test-env';

const ROOT = path.resolve(__dirname, '../../..');

/** `npm run keys -- <args>`, as an operator runs it (the same script, its own process, the test database). */
async function keysCli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/keys.ts'), ...args], {
    cwd: ROOT,
    env: process.env,
    timeout: 60_000,
  });
  return stdout;
}

describe('webhook secrets: the admin endpoint and npm run keys', () => {
  const token = `admin-${randomUUID()}`;
  const config = testConfig({ QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`, ADMIN_TOKEN: token });
  let api: InProcessApi;
  let closed: InProcessApi;
  const asAdmin = (req: request.Test) => req.set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    api = await startInProcessApi(config);
    closed = await startInProcessApi(testConfig({ QUEUE_PREFIX: config.queuePrefix, ADMIN_TOKEN: '' }));
  });
  afterAll(async () => {
    await api.close();
    await closed.close();
  });

  it("lists an account's secrets by prefix and state, never their values", async () => {
    const account = uniqueAccount('secrets');
    const { webhookSecret } = await new PgApiKeyStore(api.runtime.pool).create(account);
    const listed = await asAdmin(request(api.app).get(`/admin/accounts/${account}/webhook-secrets`)).expect(200);
    expect(listed.body).toEqual({
      account_name: account,
      secrets: [
        {
          id: webhookSecret!.id,
          secret_prefix: webhookSecret!.secret.slice(0, 12),
          state: 'current',
          created_at: expect.any(String),
          superseded_at: null,
          expires_at: null,
        },
      ],
    });
    expect(listed.text).not.toContain(webhookSecret!.secret);
  });

  it('rotates: the new secret is answered once, uncached, and the old one signs until the overlap ends', async () => {
    const account = uniqueAccount('secrets');
    const { webhookSecret: first } = await new PgApiKeyStore(api.runtime.pool).create(account);
    const before = Date.now();
    const rotated = await asAdmin(request(api.app).post(`/admin/accounts/${account}/webhook-secrets`))
      .send({ overlap_seconds: 600 })
      .expect(201);
    expect(rotated.headers['cache-control']).toBe('no-store');
    expect(rotated.body).toEqual({
      id: expect.any(String),
      account_name: account,
      secret: expect.stringMatching(/^whsec_/),
      created_at: expect.any(String),
      overlap_seconds: 600,
    });
    const {
      body: { secrets },
    } = await asAdmin(request(api.app).get(`/admin/accounts/${account}/webhook-secrets`)).expect(200);
    expect(secrets.map((s: { id: string; state: string }) => [s.id, s.state])).toEqual([
      [first!.id, 'overlap'],
      [rotated.body.id, 'current'],
    ]);
    const expiresIn = Date.parse(secrets[0].expires_at) - before;
    expect(expiresIn).toBeGreaterThan(590_000);
    expect(expiresIn).toBeLessThan(610_000);

    // `{}` takes the default window, a day; 0 ends every older secret at once
    const byDefault = await asAdmin(request(api.app).post(`/admin/accounts/${account}/webhook-secrets`))
      .send({})
      .expect(201);
    expect(byDefault.body.overlap_seconds).toBe(86_400);
    await asAdmin(request(api.app).post(`/admin/accounts/${account}/webhook-secrets`))
      .send({ overlap_seconds: 0 })
      .expect(201);
    const states = (await asAdmin(request(api.app).get(`/admin/accounts/${account}/webhook-secrets`)).expect(200)).body.secrets.map(
      (s: { state: string }) => s.state,
    );
    expect(states).toEqual(['expired', 'expired', 'expired', 'current']);
  });

  it('gives a secret to an account that has none (created before per-account secrets)', async () => {
    const account = uniqueAccount('legacy');
    await asAdmin(request(api.app).get(`/admin/accounts/${account}/webhook-secrets`)).expect(200, { account_name: account, secrets: [] });
    await asAdmin(request(api.app).post(`/admin/accounts/${account}/webhook-secrets`))
      .send({})
      .expect(201);
    const { body } = await asAdmin(request(api.app).get(`/admin/accounts/${account}/webhook-secrets`)).expect(200);
    expect(body.secrets.map((s: { state: string }) => s.state)).toEqual(['current']);
  });

  it('needs the admin credential, and stays shut without ADMIN_TOKEN', async () => {
    const account = uniqueAccount('secrets');
    const { key } = await new PgApiKeyStore(api.runtime.pool).create(account);
    await request(api.app).get(`/admin/accounts/${account}/webhook-secrets`).expect(401);
    await request(api.app).post(`/admin/accounts/${account}/webhook-secrets`).set('Authorization', `Bearer ${key}`).send({}).expect(401);
    await request(closed.app)
      .post(`/admin/accounts/${account}/webhook-secrets`)
      .set('Authorization', `Bearer ${token}`)
      .send({})
      .expect(503);
    const { body } = await asAdmin(request(api.app).get(`/admin/accounts/${account}/webhook-secrets`)).expect(200);
    expect(body.secrets).toHaveLength(1);
  });

  it('npm run keys: the first key prints the secret once, later keys do not, and secrets are listed and rotated', async () => {
    const account = uniqueAccount('cli');
    const created = await keysCli('create', '--account', account);
    const secret = /webhook signing secret of account \S+ \(shown once[^\n]*\n(whsec_\S+)/.exec(created)?.[1];
    expect(secret).toBeDefined();
    expect(await keysCli('create', '--account', account)).not.toContain('webhook signing secret');

    const rotated = await keysCli('rotate-webhook-secret', '--account', account, '--overlap-hours', '2');
    const newSecret = /\n(whsec_\S+)\n/.exec(rotated)?.[1];
    expect(newSecret).toBeDefined();
    expect(newSecret).not.toBe(secret);
    expect(rotated).toContain('keeps signing beside it for 2 h');

    const listed = (await keysCli('webhook-secrets', '--account', account))
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(listed.map((fields) => [fields[1], fields[2], fields[4]!.split(' ')[0]])).toEqual([
      [account, `${secret!.slice(0, 12)}…`, 'overlap'],
      [account, `${newSecret!.slice(0, 12)}…`, 'current'],
    ]);
    expect(listed.flat().join(' ')).not.toContain(newSecret);
    await expect(keysCli('rotate-webhook-secret', '--account', account, '--overlap-hours', 'soon')).rejects.toMatchObject({ code: 2 });
  });
});
