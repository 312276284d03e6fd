import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures (the contract the server's webhook sender follows).
 *
 * A delivery is a POST with the JSON body and two headers:
 *   Nonstop-Timestamp: <unix seconds when it was signed>
 *   Nonstop-Signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 * Several signatures may be sent comma-separated (`v1=abc,v1=def`: while an
 * account's secret is rotated, one for each secret in its overlap window); one
 * match is enough. Verify over the raw bytes of the body exactly as received,
 * before any JSON parsing. This checks the signature and the timestamp only;
 * `verifyWebhookDelivery` (webhook-delivery.ts) also checks the account and
 * refuses replays.
 */
export const TIMESTAMP_HEADER = 'Nonstop-Timestamp';
export const SIGNATURE_HEADER = 'Nonstop-Signature';
export const SIGNATURE_VERSION = 'v1';

export type RawBody = string | Uint8Array;

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The `Nonstop-Signature` header value for this timestamp (unix seconds) and body: `v1=<hex>`. */
export function signWebhook(secret: string | Uint8Array, timestamp: number | string, rawBody: RawBody): string {
  return `${SIGNATURE_VERSION}=${hmacHex(secret, String(timestamp), rawBody)}`;
}

export interface VerifyWebhookOptions {
  secret: string | Uint8Array;
  rawBody: RawBody;
  timestampHeader: string | string[] | null | undefined;
  signatureHeader: string | string[] | null | undefined;
  /** How far the timestamp may be from now, either way. Default 300 s (DEFAULT_TOLERANCE_SECONDS). */
  toleranceSeconds?: number;
  /** The current time in ms (Date.now() by default), for tests. */
  now?: number;
}

export type WebhookVerification =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature_header' | 'signature_mismatch' };

/** Checks a delivery; never throws on bad input. Reject the request (e.g. 401) unless `ok`. */
export function verifyWebhookSignature(options: VerifyWebhookOptions): WebhookVerification {
  const timestampText = single(options.timestampHeader);
  const signatureText = single(options.signatureHeader);
  if (timestampText === undefined || signatureText === undefined) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,15}$/.test(timestampText.trim())) return { ok: false, reason: 'bad_timestamp' };
  const timestamp = Number(timestampText.trim());
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) return { ok: false, reason: 'stale_timestamp' };

  const candidates = signatureText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SIGNATURE_VERSION}=`))
    .map((part) => part.slice(SIGNATURE_VERSION.length + 1));
  if (candidates.length === 0) return { ok: false, reason: 'bad_signature_header' };
  const expected = Buffer.from(hmacHex(options.secret, timestampText.trim(), options.rawBody), 'utf8');
  let matched = false;
  for (const candidate of candidates) {
    const given = Buffer.from(candidate.toLowerCase(), 'utf8');
    // timingSafeEqual needs equal lengths; the length of a hex HMAC is public anyway
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched ? { ok: true, timestamp } : { ok: false, reason: 'signature_mismatch' };
}

function hmacHex(secret: string | Uint8Array, timestamp: string, rawBody: RawBody): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`, 'utf8');
  hmac.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody);
  return hmac.digest('hex');
}

function single(header: string | string[] | null | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
