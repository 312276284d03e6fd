import request from 'supertest';
import { InMemorySeenDeliveryIds, signWebhook, verifyWebhookDelivery, verifyWebhookSignature } from '@nonstop/sdk';
import { PgApiKeyStore, PgWebhookSecretStore } from '@nonstop/storage';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness } from '../../../test/support/job-harness';
import { makeDocuments, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';
import { startReceiver, type Received, type WebhookReceiver } from '../../../test/support/webhook-receiver';

/** The fallback for accounts without a secret of their own; accounts with one never use it. */
const FALLBACK_SECRET = 'whsec_fallback_0123456789';

interface Tenant {
  account: string;
  key: string;
  secret: string;
}

/**
 * Several tenants of one deployment, each with its own key and webhook secret,
 * and a real worker process delivering; each tenant's receiver verifies with
 * the SDK, as a tenant would.
 */
describe('webhooks across tenants: per-account secrets, account names, replays, rotation', () => {
  const harness = new JobHarness({
    WEBHOOK_SECRET: FALLBACK_SECRET,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_BACKOFF_MS: '200',
    API_AUTH: 'required',
  });
  let api: InProcessApi;
  let receiver: WebhookReceiver;
  let secrets: PgWebhookSecretStore;
  let tenantA: Tenant;
  let tenantB: Tenant;

  const newTenant = async (label: string): Promise<Tenant> => {
    const account = uniqueAccount(label);
    const created = await new PgApiKeyStore(api.runtime.pool).create(account);
    return { account, key: created.key, secret: created.webhookSecret!.secret };
  };

  /** Runs a one-document job of `tenant` announced at `path`, and returns what the receiver got (it comes once the job ended). */
  const deliveredJob = async (tenant: Pick<Tenant, 'account' | 'key'>, path: string): Promise<Received> => {
    const created = await request(api.app)
      .post('/job/batch-insert')
      .set('Authorization', `Bearer ${tenant.key}`)
      .send({ account_name: tenant.account, documents: makeDocuments(1), webhook_url: `${receiver.url}${path}` })
      .expect(202);
    return waitFor(
      `the webhook at ${path}`,
      async () => receiver.received.find((r) => r.path === path && r.rawBody.includes(created.body.job_id)),
      60_000,
      100,
    );
  };

  const headersOf = (delivery: Received) => ({
    rawBody: delivery.rawBody,
    timestampHeader: delivery.headers['nonstop-timestamp'],
    signatureHeader: delivery.headers['nonstop-signature'],
  });

  beforeAll(async () => {
    receiver = await startReceiver();
    api = await startInProcessApi(testConfig(harness.env), { withAuth: true });
    secrets = new PgWebhookSecretStore(api.runtime.pool);
    tenantA = await newTenant('tenant_a');
    tenantB = await newTenant('tenant_b');
    harness.startWorker();
  });
  afterAll(async () => {
    await harness.stopAll();
    await api.close();
    await receiver.close();
  });

  it('gives each account its own secret with its first key, and no new one with later keys', async () => {
    expect(tenantA.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(tenantA.secret).not.toBe(tenantB.secret);
    const second = await new PgApiKeyStore(api.runtime.pool).create(tenantA.account);
    expect(second.webhookSecret).toBeUndefined();
    expect(await secrets.signingSecrets(tenantA.account)).toEqual([tenantA.secret]);
  });

  it("signs A's delivery with A's secret and names A; a replay is refused, and the fallback secret verifies nothing of A's", async () => {
    const delivery = await deliveredJob(tenantA, `/ok/${tenantA.account}`);
    const body = JSON.parse(delivery.rawBody);
    expect(body).toMatchObject({ account_name: tenantA.account, status: 'completed' });
    expect(body.delivery_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery.headers['nonstop-signature']).toMatch(/^v1=[0-9a-f]{64}$/);

    const seenByA = new InMemorySeenDeliveryIds();
    expect(
      await verifyWebhookDelivery({ ...headersOf(delivery), secret: tenantA.secret, accountName: tenantA.account, seen: seenByA }),
    ).toMatchObject({ ok: true, body: { account_name: tenantA.account } });
    // the same request sent again, say by someone who captured it
    expect(
      await verifyWebhookDelivery({ ...headersOf(delivery), secret: tenantA.secret, accountName: tenantA.account, seen: seenByA }),
    ).toEqual({ ok: false, reason: 'replayed' });
    // not signed with the fallback secret either: holding WEBHOOK_SECRET forges nothing for A
    expect(verifyWebhookSignature({ ...headersOf(delivery), secret: FALLBACK_SECRET })).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
    // the attempt records the delivery id it sent
    const attempts = await request(api.app)
      .get(`/job/${body.job_id}/webhook-deliveries`)
      .set('Authorization', `Bearer ${tenantA.key}`)
      .expect(200);
    expect(attempts.body.deliveries).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'delivered', delivery_id: body.delivery_id }),
    ]);
  });

  it("tenant A's secret cannot produce a delivery B's verifier accepts", async () => {
    const forgedBody = JSON.stringify({ delivery_id: 'forged-1', account_name: tenantB.account, job_id: 'x', status: 'completed' });
    const timestamp = Math.floor(Date.now() / 1000);
    const forged = {
      rawBody: forgedBody,
      timestampHeader: String(timestamp),
      signatureHeader: signWebhook(tenantA.secret, timestamp, forgedBody),
    };
    expect(
      await verifyWebhookDelivery({ ...forged, secret: tenantB.secret, accountName: tenantB.account, seen: new InMemorySeenDeliveryIds() }),
    ).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it("a job of A pointed at B's receiver is refused there: wrong secret, and wrong account even under a shared fallback secret", async () => {
    const delivery = await deliveredJob(tenantA, `/ok/${tenantB.account}/from-a`);
    expect(
      await verifyWebhookDelivery({
        ...headersOf(delivery),
        secret: tenantB.secret,
        accountName: tenantB.account,
        seen: new InMemorySeenDeliveryIds(),
      }),
    ).toEqual({ ok: false, reason: 'signature_mismatch' });

    // Two accounts from before per-account secrets: both are signed with the fallback, so only the account name tells them apart.
    const [legacyC, legacyD] = [uniqueAccount('legacy_c'), uniqueAccount('legacy_d')];
    const keyC = (await new PgApiKeyStore(api.runtime.pool).create(legacyC)).key;
    await api.runtime.pool.query('DELETE FROM account_webhook_secrets WHERE account_name = $1', [legacyC]);
    const fromC = await deliveredJob({ account: legacyC, key: keyC }, `/ok/${legacyD}/from-c`);
    expect(verifyWebhookSignature({ ...headersOf(fromC), secret: FALLBACK_SECRET })).toMatchObject({ ok: true });
    expect(
      await verifyWebhookDelivery({
        ...headersOf(fromC),
        secret: FALLBACK_SECRET,
        accountName: legacyD,
        seen: new InMemorySeenDeliveryIds(),
      }),
    ).toEqual({ ok: false, reason: 'account_mismatch' });
  });

  it('during a rotation signs with both secrets, and only with the new one after the overlap window', async () => {
    const tenant = await newTenant('rotating');
    const rotated = await secrets.rotate(tenant.account, 3600);
    const during = await deliveredJob(tenant, `/ok/${tenant.account}/during`);
    expect(String(during.headers['nonstop-signature']).split(',')).toHaveLength(2);
    for (const secret of [tenant.secret, rotated.secret]) {
      expect(
        await verifyWebhookDelivery({ ...headersOf(during), secret, accountName: tenant.account, seen: new InMemorySeenDeliveryIds() }),
      ).toMatchObject({ ok: true });
    }
    expect((await secrets.list(tenant.account)).map((row) => row.state)).toEqual(['overlap', 'current']);

    // as if the hour had passed
    await api.runtime.pool.query(
      'UPDATE account_webhook_secrets SET expires_at = now() WHERE account_name = $1 AND superseded_at IS NOT NULL',
      [tenant.account],
    );
    expect((await secrets.list(tenant.account)).map((row) => row.state)).toEqual(['expired', 'current']);
    const after = await deliveredJob(tenant, `/ok/${tenant.account}/after`);
    expect(String(after.headers['nonstop-signature']).split(',')).toHaveLength(1);
    expect(
      await verifyWebhookDelivery({
        ...headersOf(after),
        secret: rotated.secret,
        accountName: tenant.account,
        seen: new InMemorySeenDeliveryIds(),
      }),
    ).toMatchObject({ ok: true });
    expect(
      await verifyWebhookDelivery({
        ...headersOf(after),
        secret: tenant.secret,
        accountName: tenant.account,
        seen: new InMemorySeenDeliveryIds(),
      }),
    ).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('two rotations at once leave one current secret', async () => {
    const tenant = await newTenant('racing');
    const [first, second] = await Promise.all([secrets.rotate(tenant.account, 60), secrets.rotate(tenant.account, 60)]);
    const current = (await secrets.list(tenant.account)).filter((row) => row.state === 'current');
    expect(current).toHaveLength(1);
    expect([first.id, second.id]).toContain(current[0]!.id);
    expect(await secrets.signingSecrets(tenant.account)).toHaveLength(3);
  });
});
