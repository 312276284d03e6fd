import {
  BACKOFF_MAX_MS,
  RETRY_AFTER_CAP_MS,
  backoffDelayMs,
  isConfigurationStatus,
  isRetryableStatus,
  parseRetryAfterMs,
  retryDelayMs,
} from '../src/retry-policy';

describe('backoffDelayMs (full jitter)', () => {
  it('is uniform below base * 2^retry', () => {
    expect(backoffDelayMs(0, () => 0)).toBe(0);
    expect(backoffDelayMs(0, () => 0.999)).toBe(249);
    expect(backoffDelayMs(3, () => 0.5)).toBe(1000); // 250 * 8 / 2
  });

  it('never exceeds the cap however many retries', () => {
    expect(backoffDelayMs(10, () => 0.999)).toBeLessThan(BACKOFF_MAX_MS);
    expect(backoffDelayMs(1000, () => 0.999)).toBeLessThan(BACKOFF_MAX_MS);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfterMs('2', now)).toBe(2000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date relative to now, and a past date as 0', () => {
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('caps long waits', () => {
    expect(parseRetryAfterMs('86400', now)).toBe(RETRY_AFTER_CAP_MS);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:00 GMT', now)).toBe(RETRY_AFTER_CAP_MS);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('prefers the server Retry-After over backoff', () => {
    expect(retryDelayMs(5, 1200, () => 0.9)).toBe(1200);
    expect(retryDelayMs(1, undefined, () => 0.5)).toBe(250);
  });
});

describe('status classification', () => {
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });

  it('treats auth and routing errors as configuration, not input', () => {
    expect([401, 403, 404, 405].every(isConfigurationStatus)).toBe(true);
    expect([400, 413, 422, 429].some(isConfigurationStatus)).toBe(false);
  });
});
