import { splitWindow, type IdWindow } from './id-window';

export interface DuplicatedKey {
  chunk_id: number;
  /** Rows Milvus holds under this primary key (2 or more). */
  rows: number;
}

/**
 * Finds the primary keys stored more than once in a window. A Milvus 2.3.5
 * query returns a duplicated key once, but count(*) counts every row (see
 * chaos/milvus-self-test.ts), so a window whose row count exceeds its
 * distinct ids holds a duplicate. Halving the window on its ids until a part
 * counts more rows than ids and holds one id names each duplicated key in
 * O(duplicates × log ids) count queries. Each half is counted, not derived
 * from its sibling, and a lone key is counted alone, so rows written
 * meanwhile (new ids the window did not return) cannot pass for copies.
 *
 * `ids` are the distinct ids the window returned, ascending; `rows` its count(*).
 */
export async function findDuplicatedKeys(
  window: IdWindow,
  ids: number[],
  rows: number,
  countRows: (window: IdWindow) => Promise<number>,
): Promise<DuplicatedKey[]> {
  // Fewer rows than ids, or rows but no ids, is a write landing between the two reads: not a duplicate.
  if (rows <= ids.length || ids.length === 0) return [];
  if (ids.length === 1) {
    // The part may also hold rows of ids written after the ids were read: count the key alone.
    const id = ids[0]!;
    const copies = await countRows({ after: id - 1, upTo: id });
    return copies > 1 ? [{ chunk_id: id, rows: copies }] : [];
  }
  const half = Math.floor((ids.length - 1) / 2);
  const [left, right] = splitWindow(window, ids[half]!);
  const [leftRows, rightRows] = await Promise.all([countRows(left), countRows(right)]);
  return [
    ...(await findDuplicatedKeys(left, ids.slice(0, half + 1), leftRows, countRows)),
    ...(await findDuplicatedKeys(right, ids.slice(half + 1), rightRows, countRows)),
  ];
}
