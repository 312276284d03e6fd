/**
 * When to try an embedding call again and how long to wait first. Exponential
 * backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"), so many workers throttled at once do not come back in lockstep;
 * a server's Retry-After wins when it gives one.
 */

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_MAX_MS = 20_000;
/** A Retry-After longer than this is not waited out in full: the job's own deadlines are shorter. */
export const RETRY_AFTER_CAP_MS = 60_000;

/** 408 and 429 are the client errors a repeat can fix; every 5xx may be transient. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Status codes that describe the service or our configuration rather than the
 * input (bad key, no permission, wrong URL or path): every text would fail the
 * same way, so they are not a document's fault.
 */
export function isConfigurationStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 404 || status === 405;
}

/** Full jitter: uniform in [0, min(max, base * 2^retry)). `retry` counts from 0. */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Undefined when absent or unreadable; 0 for a date in the past; capped.
 */
export function parseRetryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    // Integer seconds per the RFC; some servers send fractions, which are harmless to honour.
    ms = Number(trimmed) * 1000;
  } else if (/^[A-Za-z]{3}/.test(trimmed)) {
    // All three HTTP date formats start with a day name; Date.parse alone would take "-5" as a year.
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  } else {
    return undefined;
  }
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, Math.ceil(ms)));
}

/** The wait before retry number `retry` (from 0): the server's Retry-After if it sent one, else backoff. */
export function retryDelayMs(retry: number, retryAfterMs: number | undefined, random?: () => number): number {
  return retryAfterMs ?? backoffDelayMs(retry, random);
}
