import type { Pool, PoolClient } from 'pg';
import { runQuery } from '@nonstop/storage';
import type { VectorRow } from '@nonstop/core';

/**
 * What PostgreSQL says a chunk row should have in Milvus:
 * - `settled`: exactly one vector (its document's job is finished and kept, or it has none);
 * - `in_flight`: its job is pending or processing, so its vector may be
 *   written or removed any moment: not drift, and never repaired;
 * - `rolled_back`: its job was rolled back (or failed, or cancelled with
 *   rollback, which roll back), so the row itself should not exist.
 */
export type ChunkState = 'settled' | 'in_flight' | 'rolled_back';

export interface ChunkStateRow {
  chunk_id: number;
  account_name: string;
  state: ChunkState;
}

/** A settled chunk with what its vector row needs. */
export type ChunkToEmbed = Omit<VectorRow, 'embedding'> & { text: string };

/**
 * `$1` is the grace, in seconds, of documents written without a job (the
 * synchronous API did, before it ran its requests as jobs): nothing records
 * whether their vectors are still on the way, so a young one counts as in
 * flight rather than as missing a vector.
 */
const STATE = `CASE
    WHEN j.rolled_back_at IS NOT NULL OR j.status = 'failed' OR (j.status = 'cancelled' AND j.rollback_requested) THEN 'rolled_back'
    WHEN j.status IN ('pending', 'processing') THEN 'in_flight'
    WHEN d.job_id IS NULL AND d.created_at > now() - make_interval(secs => $1) THEN 'in_flight'
    ELSE 'settled'
  END`;

const FROM = `FROM document_chunks c
  JOIN documents d ON d.id = c.document_id
  LEFT JOIN ingest_jobs j ON j.id = d.job_id`;

interface StateRecord {
  id: string;
  account_name: string;
  state: ChunkState;
}

/** PostgreSQL's chunks in id order after `after`, one page: the audit's walk. */
export async function readChunkPage(
  pool: Pool,
  page: { accountName?: string; after: number; limit: number; graceSeconds: number },
): Promise<ChunkStateRow[]> {
  const params: unknown[] = [page.graceSeconds, page.after, page.limit];
  // Two statements rather than `$4 IS NULL OR ...`, so the planner sees the account's index.
  const account = page.accountName === undefined ? '' : `AND d.account_name = $${params.push(page.accountName)}`;
  const result = await runQuery<StateRecord>(
    pool,
    `SELECT c.id, d.account_name, ${STATE} AS state ${FROM}
      WHERE c.id > $2 ${account}
      ORDER BY c.id LIMIT $3`,
    params,
  );
  return result.rows.map(toStateRow);
}

/** The rows among `ids` as they are now (a re-check: an id without a row is absent from the answer). */
export async function chunkStates(pool: Pool, ids: number[], graceSeconds: number): Promise<Map<number, ChunkStateRow>> {
  if (ids.length === 0) return new Map();
  const result = await runQuery<StateRecord>(
    pool,
    `SELECT c.id, d.account_name, ${STATE} AS state ${FROM} WHERE c.id = ANY($2::bigint[])`,
    [graceSeconds, ids],
  );
  return new Map(result.rows.map((row) => [Number(row.id), toStateRow(row)]));
}

interface ChunkRecord {
  id: string;
  account_name: string;
  chat_bot_id: string;
  document_id: string;
  job_id: string | null;
  chunk_index: number;
  text: string;
}

const SETTLED_CHUNKS = `SELECT c.id, d.account_name, d.chat_bot_id, c.document_id, d.job_id, c.chunk_index, c.text ${FROM}
  WHERE c.id = ANY($2::bigint[]) AND ${STATE} = 'settled' ORDER BY c.id`;

/** The settled chunks among `ids`, with their text and what their vector row records. */
export async function settledChunks(pool: Pool, ids: number[], graceSeconds: number): Promise<ChunkToEmbed[]> {
  if (ids.length === 0) return [];
  return (await runQuery<ChunkRecord>(pool, SETTLED_CHUNKS, [graceSeconds, ids])).rows.map(toChunkToEmbed);
}

/**
 * The same, inside the repair's transaction, with the documents locked FOR
 * SHARE until it commits: a rollback or delete of them waits until the
 * repaired vectors are written, and removes those vectors after its rows
 * (every deleter of settled documents removes rows before vectors; in-flight
 * jobs, which do it the other way round, are never repaired).
 */
export async function lockSettledChunks(client: PoolClient, ids: number[], graceSeconds: number): Promise<ChunkToEmbed[]> {
  if (ids.length === 0) return [];
  return (await client.query<ChunkRecord>(`${SETTLED_CHUNKS} FOR SHARE OF d`, [graceSeconds, ids])).rows.map(toChunkToEmbed);
}

function toChunkToEmbed(row: ChunkRecord): ChunkToEmbed {
  return {
    chunk_id: Number(row.id),
    account_name: row.account_name,
    chat_bot_id: row.chat_bot_id,
    document_id: Number(row.document_id),
    // The pipeline filed vectors of job-less documents under job_id ''.
    job_id: row.job_id ?? '',
    chunk_index: row.chunk_index,
    text: row.text,
  };
}

function toStateRow(row: StateRecord): ChunkStateRow {
  return { chunk_id: Number(row.id), account_name: row.account_name, state: row.state };
}
