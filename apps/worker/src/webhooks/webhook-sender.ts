import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveWebhookTarget, type Resolver } from '@nonstop/core';

export interface WebhookPostResult {
  statusCode?: number;
  error?: string;
  durationMs: number;
}

/**
 * POSTs a signed body to a webhook URL. The host is resolved and checked
 * (SSRF rules) right here, and the socket connects to that checked address:
 * a custom `lookup` hands the agent the address instead of resolving again,
 * so DNS rebinding cannot swap in an internal one. TLS still verifies the
 * certificate against the URL's host name (servername). Redirects are not
 * followed (a 3xx is returned as is, and counts as a failed attempt).
 * Never throws: the outcome is returned.
 */
export async function postWebhook(
  rawUrl: string, body: string, headers: Record<string, string>,
  options: { allowPrivate: boolean; timeoutMs: number; resolve?: Resolver },
): Promise<WebhookPostResult> {
  const started = Date.now();
  let target;
  try {
    target = await resolveWebhookTarget(rawUrl, options);
  } catch (error) {
    return { error: `refused: ${(error as Error).message}`, durationMs: Date.now() - started };
  }
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: target.address, family: target.family }]);
    } else {
      callback(null, target.address, target.family);
    }
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise<WebhookPostResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookPostResult, 'durationMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: Date.now() - started });
    };
    const req = client.request(target.url, {
      method: 'POST',
      lookup: pinned,
      agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'User-Agent': 'nonstop-ingest-webhook/1', ...headers },
    }, (res) => {
      res.resume(); // the body is not used; drain it
      res.on('end', () => finish({ statusCode: res.statusCode ?? 0 }));
      res.on('error', () => finish({ statusCode: res.statusCode ?? 0 }));
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    req.on('error', (error) => finish({ error: error.message }));
    req.end(body);
  });
}
