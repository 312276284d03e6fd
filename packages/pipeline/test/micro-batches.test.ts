import { mapWithConcurrency, planMicroBatches } from '../src/micro-batches';

type Entry = { position: number; item: { chunks: unknown[] } };

/** Entries with the given chunk counts, at positions 0..n-1. */
function entries(sizes: number[]): Entry[] {
  return sizes.map((size, position) => ({ position, item: { chunks: new Array<unknown>(size).fill(0) } }));
}

function shape(batches: Entry[][]): number[][] {
  return batches.map((batch) => batch.map((entry) => entry.position));
}

describe('planMicroBatches', () => {
  it.each<[string, number[], number, number[][]]>([
    ['empty input gives no batches', [], 10, []],
    ['everything fits in one batch', [2, 3, 5], 10, [[0, 1, 2]]],
    ['a batch is closed before it would exceed the budget', [4, 4, 4], 10, [[0, 1], [2]]],
    [
      'exactly the budget stays together',
      [5, 5, 5, 5],
      10,
      [
        [0, 1],
        [2, 3],
      ],
    ],
    ['an oversize item is a batch of its own', [2, 25, 3], 10, [[0], [1], [2]]],
    ['an oversize first item is alone', [25, 1, 1], 10, [[0], [1, 2]]],
    ['two oversize items are never merged', [11, 12], 10, [[0], [1]]],
    ['items without chunks ride along', [0, 10, 0], 10, [[0, 1, 2]]],
    ['budget of one gives one item per batch', [1, 1, 1], 1, [[0], [1], [2]]],
  ])('%s', (_name, sizes, maxChunks, expected) => {
    expect(shape(planMicroBatches(entries(sizes), maxChunks))).toEqual(expected);
  });

  it('keeps the original positions and item objects, in order', () => {
    const input = [
      { position: 7, item: { chunks: [1, 2], name: 'a' } },
      { position: 3, item: { chunks: [1], name: 'b' } },
      { position: 9, item: { chunks: [1, 2, 3], name: 'c' } },
    ];
    const batches = planMicroBatches(input, 3);
    expect(batches).toEqual([[input[0], input[1]], [input[2]]]);
    expect(batches[0]?.[0]).toBe(input[0]);
    expect(batches.flat().map((entry) => entry.position)).toEqual([7, 3, 9]);
  });

  it('never exceeds the budget unless a batch holds a single oversize item', () => {
    const sizes = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
    const batches = planMicroBatches(entries(sizes), 8);
    expect(batches.flat()).toHaveLength(sizes.length);
    for (const batch of batches) {
      const total = batch.reduce((sum, entry) => sum + entry.item.chunks.length, 0);
      if (batch.length > 1) expect(total).toBeLessThanOrEqual(8);
    }
  });
});

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

describe('mapWithConcurrency', () => {
  it('returns an empty array for no items without calling work', async () => {
    const work = jest.fn(async (n: number) => n);
    await expect(mapWithConcurrency([], 3, work)).resolves.toEqual([]);
    expect(work).not.toHaveBeenCalled();
  });

  it('keeps the input order even when later items finish first', async () => {
    const gates = [0, 1, 2, 3].map(() => deferred<void>());
    const run = mapWithConcurrency([0, 1, 2, 3], 4, async (n) => {
      await gates[n]?.promise;
      return `r${n}`;
    });
    for (const n of [3, 1, 2, 0]) {
      gates[n]?.resolve();
      await flush();
    }
    await expect(run).resolves.toEqual(['r0', 'r1', 'r2', 'r3']);
  });

  it.each([1, 2, 3, 10])('never has more than %i in flight', async (limit) => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    const gates = items.map(() => deferred<void>());
    let inFlight = 0;
    let maxInFlight = 0;
    const started: number[] = [];
    const done = new Set<number>();
    const run = mapWithConcurrency(items, limit, async (n) => {
      started.push(n);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await gates[n]?.promise;
      inFlight -= 1;
      return n * 2;
    });
    await flush();
    expect(started).toHaveLength(Math.min(limit, items.length));
    // Release the started items one at a time; each release lets one more start.
    for (let released = 0; released < items.length; released += 1) {
      const next = started.find((n) => !done.has(n));
      if (next === undefined) break;
      done.add(next);
      gates[next]?.resolve();
      await flush();
      expect(inFlight).toBeLessThanOrEqual(limit);
    }
    await expect(run).resolves.toEqual(items.map((n) => n * 2));
    expect(maxInFlight).toBe(Math.min(limit, items.length));
    expect(started).toEqual(items);
  });

  it('rejects with the error of a failing item', async () => {
    const boom = new Error('boom at 2');
    const run = mapWithConcurrency([1, 2, 3], 2, async (n) => {
      if (n === 2) throw boom;
      return n;
    });
    await expect(run).rejects.toBe(boom);
  });

  it('rejects when work throws synchronously', async () => {
    const run = mapWithConcurrency([1], 1, (() => {
      throw new Error('sync');
    }) as (n: number) => Promise<number>);
    await expect(run).rejects.toThrow('sync');
  });
});

describe('mapWithConcurrency after a failure', () => {
  it('starts no new item and rejects only once the items in flight have settled', async () => {
    const events: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const run = mapWithConcurrency([0, 1, 2, 3], 2, async (item) => {
      events.push(`start ${item}`);
      if (item === 0) throw new Error('boom');
      if (item === 1)
        await new Promise<void>((resolve) => {
          releaseSlow = resolve;
        });
      events.push(`end ${item}`);
      return item;
    });
    let settled = false;
    const outcome = run.catch((error: Error) => {
      settled = true;
      return error.message;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    releaseSlow();
    expect(await outcome).toBe('boom');
    expect(events).toEqual(['start 0', 'start 1', 'end 1']);
  });

  it('refuses a limit below 1', async () => {
    await expect(mapWithConcurrency([1], 0, async (x) => x)).rejects.toThrow(RangeError);
  });
});
