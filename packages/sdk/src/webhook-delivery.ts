import { DEFAULT_TOLERANCE_SECONDS, verifyWebhookSignature, type VerifyWebhookOptions } from './webhook-signature';
import type { SeenDeliveryIds } from './seen-delivery-ids';

export interface VerifyWebhookDeliveryOptions extends VerifyWebhookOptions {
  /** Your account: a delivery about another account's job is refused even when its signature holds. */
  accountName: string;
  /** The delivery ids already accepted (InMemorySeenDeliveryIds, or one shared by your receivers). */
  seen: SeenDeliveryIds;
}

/** The signed body's fields this check relies on; the rest is the job's outcome. */
export interface WebhookDeliveryBody {
  delivery_id: string;
  account_name: string;
  job_id: string;
  status: string;
  [field: string]: unknown;
}

export type WebhookDeliveryVerification =
  | { ok: true; timestamp: number; body: WebhookDeliveryBody }
  | {
      ok: false;
      reason:
        | 'missing_headers'
        | 'bad_timestamp'
        | 'stale_timestamp'
        | 'bad_signature_header'
        | 'signature_mismatch'
        | 'bad_body'
        | 'account_mismatch'
        | 'replayed'
        | 'replay_store_full';
    };

/**
 * The whole check of a webhook delivery, in this order: signature and
 * timestamp (verifyWebhookSignature), then the signed body's `account_name`
 * must be `accountName`, then its `delivery_id` must not have been accepted
 * within the tolerance window. Every attempt the server makes has its own
 * delivery id (a retry is a new delivery about the same `job_id`), so a
 * refused replay never blocks a real retry. Never throws on bad input.
 */
export async function verifyWebhookDelivery(options: VerifyWebhookDeliveryOptions): Promise<WebhookDeliveryVerification> {
  const signature = verifyWebhookSignature(options);
  if (!signature.ok) return signature;
  const body = parseBody(options.rawBody);
  if (!body) return { ok: false, reason: 'bad_body' };
  if (body.account_name !== options.accountName) return { ok: false, reason: 'account_mismatch' };
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const outcome = await options.seen.remember(body.delivery_id, (signature.timestamp + tolerance) * 1000, options.now ?? Date.now());
  if (outcome === 'seen') return { ok: false, reason: 'replayed' };
  if (outcome === 'full') return { ok: false, reason: 'replay_store_full' };
  return { ok: true, timestamp: signature.timestamp, body };
}

function parseBody(rawBody: VerifyWebhookOptions['rawBody']): WebhookDeliveryBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { delivery_id: deliveryId, account_name: accountName } = parsed as Record<string, unknown>;
  const valid = typeof deliveryId === 'string' && deliveryId.length > 0 && deliveryId.length <= 200 && typeof accountName === 'string';
  return valid ? (parsed as WebhookDeliveryBody) : undefined;
}
