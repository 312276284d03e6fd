import { milvusString } from '@nonstop/storage';

/** A range of chunk ids, `after < id <= upTo`. */
export interface IdWindow {
  after: number;
  upTo: number;
}

/**
 * The whole id space the audit compares: every id a JavaScript number holds
 * exactly (PostgreSQL's bigserial starts at 1 and never gets near 2^53).
 * The first window starts here and the last one ends here, so ids below
 * PostgreSQL's first chunk and beyond its last one are compared too: that
 * is where orphans of deleted rows and stray writes can sit.
 */
export const ID_SPACE: IdWindow = { after: Number.MIN_SAFE_INTEGER, upTo: Number.MAX_SAFE_INTEGER };

/**
 * Milvus 2.3 answers at most this many rows per query (limit + offset).
 * The limit counts rows before duplicated keys are merged, so a window is
 * read whole only when count(*) says it holds fewer rows than this.
 */
export const MILVUS_QUERY_WINDOW = 16_384;

export function windowContains(window: IdWindow, id: number): boolean {
  return id > window.after && id <= window.upTo;
}

/** The Milvus filter of a window, scoped to one account (escaped: an account name is data) or to all. */
export function windowFilter(window: IdWindow, accountName?: string): string {
  const range = `chunk_id > ${integer(window.after)} and chunk_id <= ${integer(window.upTo)}`;
  return accountName === undefined ? range : `account_name == ${milvusString(accountName)} and ${range}`;
}

/** A window of one id cannot be split: all its rows are one key. */
export function isSingleId(window: IdWindow): boolean {
  return window.upTo - window.after <= 1;
}

/** `(after, pivot]` and `(pivot, upTo]`. */
export function splitWindow(window: IdWindow, pivot: number): [IdWindow, IdWindow] {
  if (!(pivot > window.after && pivot < window.upTo)) throw new Error(`pivot ${pivot} does not split ${describeWindow(window)}`);
  return [
    { after: window.after, upTo: pivot },
    { after: pivot, upTo: window.upTo },
  ];
}

/**
 * Where to split a window that holds too many rows: at the median of ids it
 * returned (about half its rows on each side, however sparse the ids), or,
 * when that would leave a half as wide as the window, at its middle. Either
 * way both halves are narrower, so splitting ends.
 */
export function splitPoint(window: IdWindow, idsSeen: number[]): number {
  if (isSingleId(window)) throw new Error(`${describeWindow(window)} holds one id and cannot be split`);
  const sorted = [...idsSeen].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (median !== undefined && median > window.after && median < window.upTo) return median;
  // Halves first: (after + upTo) could leave the range of exact integers.
  const middle = Math.floor(window.after / 2 + window.upTo / 2);
  return Math.min(Math.max(middle, window.after + 1), window.upTo - 1);
}

export function describeWindow(window: IdWindow): string {
  return `(${window.after}, ${window.upTo}]`;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer id: ${value}`);
  return String(value);
}
