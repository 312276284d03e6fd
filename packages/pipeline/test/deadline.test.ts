import { DeadlineExceededError, withDeadline } from '../src/deadline';

/** Work that never settles and records the signal it was given. */
function hangingWork(seen: AbortSignal[]): (signal: AbortSignal) => Promise<never> {
  return (signal) => {
    seen.push(signal);
    return new Promise<never>(() => {});
  };
}

/** Work that rejects with the signal's reason as soon as it aborts. */
function abortableWork(seen: AbortSignal[]): (signal: AbortSignal) => Promise<never> {
  return (signal) => {
    seen.push(signal);
    return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  };
}

describe('withDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves with the value of work that finishes in time and clears its timer', async () => {
    const seen: AbortSignal[] = [];
    const value = await withDeadline(1_000, undefined, async (signal) => {
      seen.push(signal);
      return 42;
    });
    expect(value).toBe(42);
    expect(jest.getTimerCount()).toBe(0);
    expect(seen[0]?.aborted).toBe(false);
  });

  it('passes through the rejection of work that fails in time and clears its timer', async () => {
    const failure = new Error('work failed');
    await expect(
      withDeadline(1_000, undefined, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with DeadlineExceededError after ms even when work ignores its signal, and aborts the signal', async () => {
    const seen: AbortSignal[] = [];
    const outcome = withDeadline(250, undefined, hangingWork(seen)).catch((error: unknown) => error);
    jest.advanceTimersByTime(249);
    expect(seen[0]?.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ name: 'DeadlineExceededError', message: 'took longer than 250 ms' });
    expect(seen[0]?.aborted).toBe(true);
    expect(seen[0]?.reason).toBe(error);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not fire the deadline while work is still inside it', async () => {
    let settled = false;
    const run = withDeadline(100, undefined, hangingWork([])).finally(() => {
      settled = true;
    });
    run.catch(() => undefined);
    jest.advanceTimersByTime(99);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    jest.advanceTimersByTime(1);
    await expect(run).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it('propagates a parent abort (with its reason) to the signal of the work', async () => {
    const parent = new AbortController();
    const seen: AbortSignal[] = [];
    const run = withDeadline(10_000, parent.signal, abortableWork(seen));
    expect(seen[0]?.aborted).toBe(false);
    parent.abort('job cancelled');
    expect(seen[0]?.aborted).toBe(true);
    await expect(run).rejects.toBe('job cancelled');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops listening to the parent once it has settled', async () => {
    const parent = new AbortController();
    const seen: AbortSignal[] = [];
    await withDeadline(1_000, parent.signal, async (signal) => {
      seen.push(signal);
      return 'done';
    });
    parent.abort('late');
    expect(seen[0]?.aborted).toBe(false);
  });

  // A parent aborted before the call never fires 'abort' again: the work must not start at all
  // (e.g. a cancelled job must not embed its next group).
  it('does not start the work when the parent was already aborted', async () => {
    const parent = new AbortController();
    parent.abort(new Error('cancelled before start'));
    const seen: AbortSignal[] = [];
    await expect(withDeadline(10_000, parent.signal, abortableWork(seen))).rejects.toThrow('cancelled before start');
    expect(seen).toEqual([]);
  });
});
