import { ConsistencyTally, formatConsistencyTable } from '../src/audit/audit-report';
import { findDuplicatedKeys } from '../src/audit/duplicate-search';
import {
  describeWindow,
  ID_SPACE,
  isSingleId,
  splitPoint,
  splitWindow,
  windowContains,
  windowFilter,
  type IdWindow,
} from '../src/audit/id-window';
import type { ChunkStateRow } from '../src/audit/pg-chunk-states';
import { compareWindow } from '../src/audit/window-comparison';

describe('id windows', () => {
  it.each<[string, IdWindow, string | undefined, string]>([
    ['a window of one account', { after: 10, upTo: 20 }, 'acct_a', 'account_name == "acct_a" and chunk_id > 10 and chunk_id <= 20'],
    ['the whole id space, all accounts', ID_SPACE, undefined, 'chunk_id > -9007199254740991 and chunk_id <= 9007199254740991'],
    [
      'an account name is an escaped literal',
      { after: 0, upTo: 1 },
      'a" or chunk_id > 0 or "',
      'account_name == "a\\" or chunk_id > 0 or \\"" and chunk_id > 0 and chunk_id <= 1',
    ],
  ])('%s', (_name, window, account, expected) => {
    expect(windowFilter(window, account)).toBe(expected);
  });

  it('refuses a bound that is not a safe integer instead of writing it into the expression', () => {
    expect(() => windowFilter({ after: 1.5, upTo: 3 })).toThrow('not an integer id');
    expect(() => windowFilter({ after: 0, upTo: Number.MAX_SAFE_INTEGER + 2 })).toThrow('not an integer id');
  });

  it('contains ids after its lower bound up to and including its upper bound', () => {
    const window = { after: 10, upTo: 20 };
    expect([10, 11, 20, 21].map((id) => windowContains(window, id))).toEqual([false, true, true, false]);
    expect(windowContains(ID_SPACE, -5)).toBe(true);
    expect(describeWindow({ after: 3, upTo: 7 })).toBe('(3, 7]');
  });

  it('splits into two windows that cover it without overlap', () => {
    expect(splitWindow({ after: 0, upTo: 100 }, 40)).toEqual([
      { after: 0, upTo: 40 },
      { after: 40, upTo: 100 },
    ]);
    expect(() => splitWindow({ after: 5, upTo: 9 }, 9)).toThrow('does not split');
    expect(() => splitWindow({ after: 5, upTo: 9 }, 5)).toThrow('does not split');
  });

  it('splits a full window at the median of the ids it returned, so each half holds about half the rows', () => {
    const ids = Array.from({ length: 16_384 }, (_, i) => 1_000 + i * 7);
    const [left, right] = splitWindow(ID_SPACE, splitPoint(ID_SPACE, [...ids].reverse()));
    expect(ids.filter((id) => windowContains(left, id))).toHaveLength(8_192);
    expect(ids.filter((id) => windowContains(right, id))).toHaveLength(8_192);
  });

  it('splits at the middle when the median would leave a half as wide as the window, whatever its width', () => {
    expect(splitPoint({ after: 0, upTo: 100 }, [100, 100])).toBe(50);
    expect(splitPoint({ after: 0, upTo: 100 }, [])).toBe(50);
    expect(splitPoint({ after: 7, upTo: 9 }, [9])).toBe(8);
    expect(splitPoint(ID_SPACE, [ID_SPACE.upTo])).toBe(0);
    expect(isSingleId({ after: 7, upTo: 8 })).toBe(true);
    expect(() => splitPoint({ after: 7, upTo: 8 }, [8])).toThrow('cannot be split');
  });

  it('narrows any window to single ids by repeated splitting (the halves are always narrower)', () => {
    const widths: number[] = [];
    let window: IdWindow = ID_SPACE;
    while (!isSingleId(window)) {
      widths.push(window.upTo - window.after);
      window = splitWindow(window, splitPoint(window, [window.upTo]))[1];
    }
    expect(window.upTo).toBe(ID_SPACE.upTo);
    expect(widths.length).toBeLessThanOrEqual(55);
    widths.slice(1).forEach((width, i) => expect(width).toBeLessThan(widths[i]!));
  });
});

describe('findDuplicatedKeys', () => {
  /** count(*) over an in-memory multiset of stored keys, as Milvus counts rows. */
  function counter(stored: number[]) {
    const calls: IdWindow[] = [];
    const countRows = async (window: IdWindow) => {
      calls.push(window);
      return stored.filter((id) => windowContains(window, id)).length;
    };
    return { calls, countRows };
  }

  it('costs no query when the rows equal the distinct ids', async () => {
    const { calls, countRows } = counter([1, 2, 3]);
    await expect(findDuplicatedKeys(ID_SPACE, [1, 2, 3], 3, countRows)).resolves.toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('names every key stored more than once, with its row count', async () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => i + 1);
    const stored = [...ids, 17, 17, 500, 999];
    const { calls, countRows } = counter(stored);
    const found = await findDuplicatedKeys({ after: 0, upTo: 1_000 }, ids, stored.length, countRows);
    expect(found).toEqual([
      { chunk_id: 17, rows: 3 },
      { chunk_id: 500, rows: 2 },
      { chunk_id: 999, rows: 2 },
    ]);
    // Halving: about 2 counts per level of each duplicate's path, far fewer than one per id.
    expect(calls.length).toBeLessThan(3 * 2 * 11);
  });

  it('finds a duplicate at either edge of the id space', async () => {
    const ids = [-4, 2, 8, 64];
    const stored = [...ids, -4, 64];
    const { countRows } = counter(stored);
    await expect(findDuplicatedKeys(ID_SPACE, ids, stored.length, countRows)).resolves.toEqual([
      { chunk_id: -4, rows: 2 },
      { chunk_id: 64, rows: 2 },
    ]);
  });

  it('reports nothing when a count and the ids disagree only because a write landed between the reads', async () => {
    // The window lost a row after its ids were read: fewer rows than ids, not a duplicate.
    const { countRows } = counter([1, 2]);
    await expect(findDuplicatedKeys(ID_SPACE, [1, 2, 3], 2, countRows)).resolves.toEqual([]);
    // Rows but no ids: nothing to name.
    await expect(findDuplicatedKeys(ID_SPACE, [], 1, countRows)).resolves.toEqual([]);
  });

  it('does not take rows of ids written after the window was read for copies of a key next to them', async () => {
    // The window returned ids 10 and 20; ids 11-14 were written since. 20 is duplicated, 10 is not.
    const { countRows } = counter([10, 11, 12, 13, 14, 20, 20]);
    await expect(findDuplicatedKeys({ after: 0, upTo: 30 }, [10, 20], 7, countRows)).resolves.toEqual([{ chunk_id: 20, rows: 2 }]);
  });
});

describe('compareWindow', () => {
  const row = (chunk_id: number, account_name = 'a', state: ChunkStateRow['state'] = 'settled'): ChunkStateRow => ({
    chunk_id,
    account_name,
    state,
  });

  it('finds settled rows without a vector and vectors without a row', () => {
    const result = compareWindow(
      [row(1), row(2), row(3)],
      new Map([
        [1, 'a'],
        [3, 'a'],
        [9, 'a'],
      ]),
    );
    expect(result.missing.map((r) => r.chunk_id)).toEqual([2]);
    expect(result.orphans).toEqual([{ chunk_id: 9, account_name: 'a' }]);
  });

  it('does not call chunks of unfinished or rolled-back jobs missing', () => {
    const result = compareWindow([row(1, 'a', 'in_flight'), row(2, 'a', 'rolled_back')], new Map());
    expect(result).toEqual({ missing: [], orphans: [] });
  });

  it("treats a vector filed under another account as that account's orphan and this row's missing vector", () => {
    const result = compareWindow([row(5, 'a')], new Map([[5, 'b']]));
    expect(result.missing.map((r) => r.chunk_id)).toEqual([5]);
    expect(result.orphans).toEqual([{ chunk_id: 5, account_name: 'b' }]);
  });
});

describe('ConsistencyTally', () => {
  it('sums accounts into totals, keeps a few example ids, and is clean only without drift', () => {
    const tally = new ConsistencyTally(false);
    tally.account('b').pg_chunks = 3;
    tally.account('a').pg_chunks = 2;
    for (let id = 1; id <= 12; id += 1) tally.drift('a', 'missing', id);
    tally.drift('b', 'orphans', 99);
    const summary = tally.summarize({ collection: 'c', account_name: null, started_at: 't', duration_ms: 1, windows: 1 });
    expect(summary.accounts.map((a) => a.account_name)).toEqual(['a', 'b']);
    expect(summary.accounts[0]).toMatchObject({ missing: 12, drift: 12 });
    expect(summary.accounts[0]!.examples.missing).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(summary.totals).toMatchObject({ pg_chunks: 5, missing: 12, orphans: 1, drift: 13 });
    expect(summary.totals.repair).toBeUndefined();
    expect(summary.clean).toBe(false);
    expect(
      new ConsistencyTally(false).summarize({ collection: 'c', account_name: null, started_at: 't', duration_ms: 1, windows: 1 }).clean,
    ).toBe(true);
  });

  it('after a repair is clean when nothing was left, drift found or not', () => {
    const tally = new ConsistencyTally(true);
    tally.drift('a', 'missing', 1);
    tally.repaired('a', 'rewritten');
    const repaired = tally.summarize({ collection: 'c', account_name: 'a', started_at: 't', duration_ms: 1, windows: 1 });
    expect(repaired.totals.repair).toEqual({ rewritten: 1, deleted: 0, skipped: 0, left: 0 });
    expect(repaired.clean).toBe(true);
    tally.drift('a', 'rolled_back_rows', 2);
    tally.repaired('a', 'left');
    expect(tally.summarize({ collection: 'c', account_name: 'a', started_at: 't', duration_ms: 1, windows: 1 }).clean).toBe(false);
  });

  it('prints one row per account and a totals row, and the repair under them', () => {
    const tally = new ConsistencyTally(true);
    tally.account('acct_a').pg_chunks = 1200;
    tally.account('acct_a').milvus_vectors = 1201;
    tally.drift('acct_a', 'orphans', 7);
    tally.repaired('acct_a', 'deleted');
    const lines = formatConsistencyTable(
      tally.summarize({ collection: 'c', account_name: 'acct_a', started_at: 't', duration_ms: 1, windows: 1 }),
    ).split('\n');
    expect(lines[0]).toMatch(
      /^account\s+pg_chunks\s+milvus_vectors\s+missing\s+orphans\s+duplicates\s+in_flight\s+rolled_back_rows\s+drift$/,
    );
    expect(lines[1]).toMatch(/^acct_a\s+1200\s+1201\s+0\s+1\s+0\s+0\s+0\s+1$/);
    expect(lines[2]).toMatch(/^TOTAL\s+1200\s+1201/);
    expect(lines[4]).toBe(
      'repair: 0 vectors re-embedded and written, 1 orphans deleted, 0 candidates no longer drift when re-checked, 0 left',
    );
  });
});
