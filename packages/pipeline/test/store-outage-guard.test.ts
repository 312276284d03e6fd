import { DependencyError } from '@nonstop/core';
import { StoreOutageGuard } from '../src/store-outage-guard';

const outage = () => new DependencyError('postgresql', 'PostgreSQL unavailable: connect ECONNREFUSED');

/** Work that fails with `errors` in turn, then returns 'done'; counts its calls. */
function failingThen(errors: Error[]): { calls: () => number; work: () => Promise<string> } {
  let calls = 0;
  return {
    calls: () => calls,
    work: async () => {
      calls += 1;
      const error = errors[calls - 1];
      if (error) throw error;
      return 'done';
    },
  };
}

describe('StoreOutageGuard', () => {
  it('repeats work through an outage shorter than the grace and returns its result', async () => {
    const waits: number[] = [];
    const guard = new StoreOutageGuard({ graceMs: 5_000, firstDelayMs: 1, onWait: (_e, _o, delay) => waits.push(delay) });
    const work = failingThen([outage(), outage(), outage()]);
    await expect(guard.run(work.work)).resolves.toBe('done');
    expect(work.calls()).toBe(4);
    expect(waits).toEqual([1, 2, 4]); // doubling backoff
  });

  it('rethrows the DependencyError once the outage has lasted the grace', async () => {
    const guard = new StoreOutageGuard({ graceMs: 30, firstDelayMs: 5, maxDelayMs: 5 });
    const errors = Array.from({ length: 1_000 }, outage);
    const work = failingThen(errors);
    const thrown = await guard.run(work.work).catch((error: unknown) => error);
    expect(thrown).toBe(errors[work.calls() - 1]); // the last one
    expect(work.calls()).toBeGreaterThan(1);
    expect(work.calls()).toBeLessThan(20);
  });

  it('with a grace of 0, the first outage is a failure (no repeat)', async () => {
    const guard = new StoreOutageGuard({ graceMs: 0 });
    const work = failingThen([outage()]);
    await expect(guard.run(work.work)).rejects.toMatchObject({ name: 'DependencyError' });
    expect(work.calls()).toBe(1);
  });

  it('throws any other error at once', async () => {
    const guard = new StoreOutageGuard({ graceMs: 5_000, firstDelayMs: 1 });
    const work = failingThen([new TypeError('a bug, not an outage')]);
    await expect(guard.run(work.work)).rejects.toThrow('a bug, not an outage');
    expect(work.calls()).toBe(1);
  });

  it('progress ends an outage: the next one gets the whole grace again', async () => {
    const guard = new StoreOutageGuard({ graceMs: 40, firstDelayMs: 30, maxDelayMs: 30 });
    // First outage: one wait of 30 ms, then the work succeeds and reports progress.
    await guard.run(failingThen([outage()]).work);
    guard.madeProgress();
    await new Promise((resolve) => setTimeout(resolve, 50)); // longer than the grace, but no outage meanwhile
    const second = failingThen([outage()]);
    await expect(guard.run(second.work)).resolves.toBe('done');
    expect(second.calls()).toBe(2);
  });

  it('without progress, time already spent in the outage counts against the grace', async () => {
    const guard = new StoreOutageGuard({ graceMs: 40, firstDelayMs: 30, maxDelayMs: 30 });
    await guard.run(failingThen([outage()]).work);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = failingThen([outage()]);
    await expect(guard.run(second.work)).rejects.toMatchObject({ name: 'DependencyError' });
    expect(second.calls()).toBe(1);
  });

  it("stops waiting when its signal aborts, with the signal's reason", async () => {
    const guard = new StoreOutageGuard({ graceMs: 60_000, firstDelayMs: 10_000 });
    const controller = new AbortController();
    const reason = new Error('job time limit');
    const running = guard.run(failingThen([outage()]).work, controller.signal);
    setTimeout(() => controller.abort(reason), 10);
    await expect(running).rejects.toBe(reason);
  });
});
