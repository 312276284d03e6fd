import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { dnsErrorCode, resolveWebhookTarget, WebhookUrlError, type Resolver, type WebhookUrlProblem } from '@nonstop/core';

export interface WebhookPostResult {
  statusCode?: number;
  error?: string;
  /** Set when the URL was refused before any connection: why. */
  refused?: WebhookUrlProblem;
  durationMs: number;
}

/**
 * The error an attempt records (and the tenant reads in its delivery list):
 * the kind of refusal, never the host's addresses or what it resolved to.
 */
function refusalText(error: WebhookUrlError): string {
  switch (error.problem) {
    case 'forbidden':
      return 'refused: webhook_url resolves to an internal or reserved address, where webhooks are not sent';
    case 'invalid':
      return `refused: webhook_url ${error.message}`;
    case 'unresolved':
      return `webhook_url host does not resolve (${dnsErrorCode(error.cause)})`;
  }
}

/**
 * POSTs a signed body to a webhook URL. The host is resolved and checked
 * (SSRF rules) right here, and the socket connects to that checked address:
 * a custom `lookup` hands the agent the address instead of resolving again,
 * so DNS rebinding cannot swap in an internal one. TLS still verifies the
 * certificate against the URL's host name (servername). Redirects are not
 * followed (a 3xx is returned as is, and counts as a failed attempt).
 * The DNS lookup has its own time limit (dnsTimeoutMs), before timeoutMs's.
 * A refused URL or a failed request is returned, not thrown.
 */
export async function postWebhook(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  options: { allowPrivate: boolean; timeoutMs: number; dnsTimeoutMs: number; resolve?: Resolver },
): Promise<WebhookPostResult> {
  const started = Date.now();
  let target;
  try {
    target = await resolveWebhookTarget(rawUrl, options);
  } catch (error) {
    if (!(error instanceof WebhookUrlError)) throw error;
    return { refused: error.problem, error: refusalText(error), durationMs: Date.now() - started };
  }
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
        { address: target.address, family: target.family },
      ]);
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
    const req = client.request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        agent: false,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'User-Agent': 'nonstop-ingest-webhook/1',
          ...headers,
        },
      },
      (res) => {
        res.resume(); // the body is not used; drain it
        res.on('end', () => finish({ statusCode: res.statusCode ?? 0 }));
        res.on('error', () => finish({ statusCode: res.statusCode ?? 0 }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    req.on('error', (error) => finish({ error: error.message }));
    req.end(body);
  });
}
