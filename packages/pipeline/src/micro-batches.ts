/**
 * Groups consecutive items into batches of about `maxChunks` chunks (an item
 * larger than that is a batch of its own), keeping their original positions.
 */
export function planMicroBatches<T extends { chunks: unknown[] }>(
  items: Array<{ position: number; item: T }>, maxChunks: number,
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

/** Runs `work` over items with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(runners);
  return results;
}
