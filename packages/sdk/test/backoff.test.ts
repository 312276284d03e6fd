import { backoffDelay, DEFAULT_POLL_SCHEDULE_MS, sleep } from '../src/backoff';

describe('poll backoff schedule', () => {
  it('is 1, 2, 4, 8, 16 s, then every 16 s', () => {
    expect(DEFAULT_POLL_SCHEDULE_MS).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(Array.from({ length: 9 }, (_, attempt) => backoffDelay(attempt))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 16_000, 16_000, 16_000, 16_000,
    ]);
    expect(backoffDelay(10_000)).toBe(16_000);
  });

  it('takes an injected list (its last entry repeats) or function', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, [5, 10]))).toEqual([5, 10, 10, 10]);
    expect([0, 1, 2].map((a) => backoffDelay(a, (n) => n * 3))).toEqual([0, 3, 6]);
    expect(backoffDelay(0, (n) => n - 1)).toBe(0);
    expect(() => backoffDelay(0, [])).toThrow(RangeError);
  });

  it('sleep rejects with the abort reason at once', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
    await expect(sleep(1, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });
});
