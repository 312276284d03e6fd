import type { VectorAccounts } from './milvus-chunk-ids';
import type { ChunkStateRow } from './pg-chunk-states';

export interface VectorRef {
  chunk_id: number;
  /** The account the vector is filed under in Milvus. */
  account_name: string;
}

/** Candidates of one window, before they are re-checked. */
export interface WindowCandidates {
  /** Settled rows with no vector filed under their account. */
  missing: ChunkStateRow[];
  /** Vectors with no row of their account. */
  orphans: VectorRef[];
}

/**
 * Compares one window's PostgreSQL rows with its Milvus ids. A row and a
 * vector match when they have the same id and the same account: a vector
 * filed under another account is that account's orphan, and this row's
 * vector is missing.
 */
export function compareWindow(rows: ChunkStateRow[], vectors: VectorAccounts): WindowCandidates {
  const rowAccounts = new Map(rows.map((row) => [row.chunk_id, row.account_name]));
  const missing = rows.filter((row) => row.state === 'settled' && vectors.get(row.chunk_id) !== row.account_name);
  const orphans: VectorRef[] = [];
  for (const [chunkId, accountName] of vectors) {
    if (rowAccounts.get(chunkId) !== accountName) orphans.push({ chunk_id: chunkId, account_name: accountName });
  }
  return { missing, orphans: orphans.sort((a, b) => a.chunk_id - b.chunk_id) };
}
