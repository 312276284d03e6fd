/**
 * Groups consecutive items into batches of about `maxChunks` chunks (an item
 * larger than that is a batch of its own), keeping their original positions.
 */
export function planMicroBatches<T extends { chunks: unknown[] }>(
  items: Array<{ position: number; item: T }>,
  maxChunks: number,
): Array<Array<{ position: number; item: T }>> {
  const batches: Array<Array<{ position: number; item: T }>> = [];
  let current: Array<{ position: number; item: T }> = [];
  let chunks = 0;
  for (const entry of items) {
    const size = entry.item.chunks.length;
    if (current.length > 0 && chunks + size > maxChunks) {
      batches.push(current);
      current = [];
      chunks = 0;
    }
    current.push(entry);
    chunks += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Runs `work` over items with at most `limit` in flight; results keep the
 * input order. After a failure no new item starts, and the first error is
 * thrown only once the items in flight have settled: a caller that cleans up
 * after a failure must not race work that is still writing.
 */
export async function mapWithConcurrency<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failure) {
      const index = next;
      next += 1;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(runners);
  if (failure) throw failure.error;
  return results;
}
