import { InMemorySeenDeliveryIds } from '../src/seen-delivery-ids';
import { verifyWebhookDelivery } from '../src/webhook-delivery';
import { signWebhook } from '../src/webhook-signature';

const now = Date.UTC(2026, 0, 1, 0, 0, 0);
const ts = Math.floor(now / 1000);
const secretA = 'whsec_account_a';
const secretB = 'whsec_account_b';

function delivery(fields: Record<string, unknown>, secret: string, timestamp = ts) {
  const rawBody = JSON.stringify({ delivery_id: 'd-1', account_name: 'acct_a', job_id: 'j-1', status: 'completed', ...fields });
  return { rawBody, timestampHeader: String(timestamp), signatureHeader: signWebhook(secret, timestamp, rawBody) };
}

describe('verifyWebhookDelivery', () => {
  it('accepts a delivery signed with the account secret, naming the account, once', async () => {
    const seen = new InMemorySeenDeliveryIds();
    const sent = delivery({}, secretA);
    const first = await verifyWebhookDelivery({ ...sent, secret: secretA, accountName: 'acct_a', seen, now });
    expect(first).toMatchObject({ ok: true, timestamp: ts, body: { delivery_id: 'd-1', account_name: 'acct_a', job_id: 'j-1' } });
    // the same bytes again, even a second later and with the signature intact: a replay
    expect(await verifyWebhookDelivery({ ...sent, secret: secretA, accountName: 'acct_a', seen, now: now + 1_000 })).toEqual({
      ok: false,
      reason: 'replayed',
    });
    // a retry of the same job is a new delivery (new id), and passes
    const retry = delivery({ delivery_id: 'd-2' }, secretA);
    expect(await verifyWebhookDelivery({ ...retry, secret: secretA, accountName: 'acct_a', seen, now })).toMatchObject({ ok: true });
  });

  it("refuses another tenant's secret and a delivery about another account's job", async () => {
    const seen = new InMemorySeenDeliveryIds();
    // tenant A signs a body that claims to be about B: B's verifier holds B's secret
    const forged = delivery({ account_name: 'acct_b' }, secretA);
    expect(await verifyWebhookDelivery({ ...forged, secret: secretB, accountName: 'acct_b', seen, now })).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
    // genuinely signed (a shared fallback secret) but about A's job, sent to B
    const aboutA = delivery({}, secretB);
    expect(await verifyWebhookDelivery({ ...aboutA, secret: secretB, accountName: 'acct_b', seen, now })).toEqual({
      ok: false,
      reason: 'account_mismatch',
    });
    expect(seen.size).toBe(0);
  });

  it('refuses a signed body without a delivery id or an account, or that is not a JSON object', async () => {
    const seen = new InMemorySeenDeliveryIds();
    for (const rawBody of [
      '{"account_name":"acct_a"}',
      '{"delivery_id":"d","account_name":7}',
      '[1]',
      'not json',
      `{"delivery_id":"${'x'.repeat(201)}","account_name":"acct_a"}`,
    ]) {
      const signed = { rawBody, timestampHeader: String(ts), signatureHeader: signWebhook(secretA, ts, rawBody) };
      expect(await verifyWebhookDelivery({ ...signed, secret: secretA, accountName: 'acct_a', seen, now })).toEqual({
        ok: false,
        reason: 'bad_body',
      });
    }
  });

  it('checks the signature before anything is remembered, and refuses stale timestamps as before', async () => {
    const seen = new InMemorySeenDeliveryIds();
    const sent = delivery({}, secretA);
    expect(
      await verifyWebhookDelivery({
        ...sent,
        rawBody: sent.rawBody.replace('completed', 'failed'),
        secret: secretA,
        accountName: 'acct_a',
        seen,
        now,
      }),
    ).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(seen.size).toBe(0);
    const old = delivery({ delivery_id: 'd-old' }, secretA, ts - 301);
    expect(await verifyWebhookDelivery({ ...old, secret: secretA, accountName: 'acct_a', seen, now })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('accepts any one of several signatures (a secret rotation in its overlap window)', async () => {
    const sent = delivery({}, secretA);
    const both = { ...sent, signatureHeader: `${sent.signatureHeader},${signWebhook('whsec_new', ts, sent.rawBody)}` };
    expect(
      await verifyWebhookDelivery({ ...both, secret: secretA, accountName: 'acct_a', seen: new InMemorySeenDeliveryIds(), now }),
    ).toMatchObject({ ok: true });
    expect(
      await verifyWebhookDelivery({ ...both, secret: 'whsec_new', accountName: 'acct_a', seen: new InMemorySeenDeliveryIds(), now }),
    ).toMatchObject({ ok: true });
  });

  it('works with an asynchronous shared store', async () => {
    const shared = new Set<string>();
    const seen = { remember: async (id: string) => (shared.has(id) ? ('seen' as const) : (shared.add(id), 'first' as const)) };
    const sent = delivery({}, secretA);
    expect(await verifyWebhookDelivery({ ...sent, secret: secretA, accountName: 'acct_a', seen, now })).toMatchObject({ ok: true });
    expect(await verifyWebhookDelivery({ ...sent, secret: secretA, accountName: 'acct_a', seen, now })).toEqual({
      ok: false,
      reason: 'replayed',
    });
  });
});

describe('InMemorySeenDeliveryIds', () => {
  it('remembers an id until it expires, then forgets it', () => {
    const seen = new InMemorySeenDeliveryIds(10);
    expect(seen.remember('a', 1_000, 0)).toBe('first');
    expect(seen.remember('a', 1_000, 999)).toBe('seen');
    expect(seen.remember('b', 2_000, 1_000)).toBe('first'); // drops the expired 'a' on the way
    expect(seen.size).toBe(1);
    expect(seen.remember('a', 3_000, 1_000)).toBe('first');
  });

  it('is bounded: when full of unexpired ids it refuses instead of forgetting one', () => {
    const seen = new InMemorySeenDeliveryIds(3);
    for (const id of ['a', 'b', 'c']) expect(seen.remember(id, 10_000, 0)).toBe('first');
    expect(seen.remember('d', 10_000, 1)).toBe('full');
    expect(seen.remember('a', 10_000, 1)).toBe('seen');
    expect(seen.size).toBe(3);
    // expired ids anywhere in the store make room (here the middle one)
    const mixed = new InMemorySeenDeliveryIds(3);
    mixed.remember('long', 10_000, 0);
    mixed.remember('short', 100, 0);
    mixed.remember('long2', 10_000, 0);
    expect(mixed.remember('new', 10_000, 500)).toBe('first');
    expect(mixed.size).toBe(3);
  });
});
