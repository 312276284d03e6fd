import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from '../src/webhook-signature';

const secret = 'whsec_test';
const body = JSON.stringify({ job_id: 'j1', status: 'completed', progress: { percentage: 100 }, note: '완료' });
const now = Date.UTC(2026, 0, 1, 0, 0, 0);
const ts = Math.floor(now / 1000);

describe('webhook signatures', () => {
  it('signs v1=<hex HMAC-SHA256 over "timestamp.body">', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    expect(signWebhook(secret, ts, body)).toBe(`v1=${expected}`);
    expect(signWebhook(secret, String(ts), Buffer.from(body, 'utf8'))).toBe(`v1=${expected}`);
  });

  it('verifies a fresh, untampered delivery', () => {
    const signatureHeader = signWebhook(secret, ts, body);
    expect(verifyWebhookSignature({ secret, rawBody: body, timestampHeader: String(ts), signatureHeader, now })).toEqual({
      ok: true,
      timestamp: ts,
    });
    expect(
      verifyWebhookSignature({ secret, rawBody: Buffer.from(body), timestampHeader: [String(ts)], signatureHeader: [signatureHeader], now })
        .ok,
    ).toBe(true);
    // several signatures (secret rotation): one match is enough
    const rotated = `v1=${'0'.repeat(64)}, ${signatureHeader}`;
    expect(verifyWebhookSignature({ secret, rawBody: body, timestampHeader: String(ts), signatureHeader: rotated, now }).ok).toBe(true);
  });

  it('rejects a tampered body, timestamp, signature or a wrong secret', () => {
    const signatureHeader = signWebhook(secret, ts, body);
    const base = { secret, rawBody: body, timestampHeader: String(ts), signatureHeader, now };
    expect(verifyWebhookSignature({ ...base, rawBody: body.replace('completed', 'failed') })).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
    expect(verifyWebhookSignature({ ...base, timestampHeader: String(ts - 1) })).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(verifyWebhookSignature({ ...base, secret: 'other' })).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(
      verifyWebhookSignature({ ...base, signatureHeader: `${signatureHeader.slice(0, -1)}${signatureHeader.endsWith('0') ? '1' : '0'}` })
        .ok,
    ).toBe(false);
    expect(verifyWebhookSignature({ ...base, signatureHeader: signatureHeader.slice(0, 10) })).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
    expect(verifyWebhookSignature({ ...base, signatureHeader: signatureHeader.replace('v1=', 'v0=') })).toEqual({
      ok: false,
      reason: 'bad_signature_header',
    });
  });

  it('rejects stale or future timestamps beyond the tolerance, and malformed headers', () => {
    const old = ts - 301;
    const signatureHeader = signWebhook(secret, old, body);
    expect(verifyWebhookSignature({ secret, rawBody: body, timestampHeader: String(old), signatureHeader, now })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(
      verifyWebhookSignature({ secret, rawBody: body, timestampHeader: String(old), signatureHeader, now, toleranceSeconds: 600 }).ok,
    ).toBe(true);
    const future = ts + 301;
    expect(
      verifyWebhookSignature({
        secret,
        rawBody: body,
        timestampHeader: String(future),
        signatureHeader: signWebhook(secret, future, body),
        now,
      }).ok,
    ).toBe(false);
    expect(verifyWebhookSignature({ secret, rawBody: body, timestampHeader: '12abc', signatureHeader, now })).toEqual({
      ok: false,
      reason: 'bad_timestamp',
    });
    expect(verifyWebhookSignature({ secret, rawBody: body, timestampHeader: undefined, signatureHeader, now })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    expect(verifyWebhookSignature({ secret, rawBody: body, timestampHeader: String(ts), signatureHeader: null, now })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
  });
});
