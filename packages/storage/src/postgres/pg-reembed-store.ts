import type { Pool } from 'pg';
import type { VectorRow } from '@nonstop/core';
import type { EmbeddingSignature } from '../milvus/collection-schema';
import { runQuery } from './transaction';

/** The EMBEDDING_* settings a re-embed used on one side (no API key: that stays in the environment). */
export interface EmbeddingSettings {
  provider: string;
  model: string;
  /** null: the provider's own (the local model's). */
  dimension: number | null;
  base_url: string | null;
}

export type ReembedState = 'building' | 'switched' | 'rolled_back' | 'abandoned';

export interface ReembedRun {
  id: number;
  alias: string;
  source_collection: string;
  target_collection: string;
  source_signature: EmbeddingSignature | null;
  target_signature: EmbeddingSignature;
  source_embedding: EmbeddingSettings | null;
  target_embedding: EmbeddingSettings;
  state: ReembedState;
  last_chunk_id: number;
  chunks_written: number;
  started_at: Date;
  switched_at: Date | null;
  rolled_back_at: Date | null;
}

/** A chunk row with what its vector row records and the text to embed. */
export type ChunkToReembed = Omit<VectorRow, 'embedding'> & { text: string };

interface RunRecord extends Omit<ReembedRun, 'id' | 'last_chunk_id' | 'chunks_written'> {
  id: string;
  last_chunk_id: string;
  chunks_written: string;
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

/**
 * Every chunk row, whatever its version's state: active and superseded ones
 * have their vectors, a staged one's are being written (its job is running)
 * and it is findable the moment it turns active, so the new collection holds
 * it too. Rows of rolled-back jobs are deleted with their documents.
 */
const CHUNKS = `SELECT c.id, d.account_name, d.chat_bot_id, c.document_id, d.job_id, c.chunk_index, c.text
  FROM document_chunks c JOIN documents d ON d.id = c.document_id`;

/** The re-embed's records (embedding_reembeds) and its reads of the chunks, PostgreSQL being their source. */
export class PgReembedStore {
  constructor(private readonly pool: Pool) {}

  async latest(alias: string): Promise<ReembedRun | undefined> {
    const result = await runQuery<RunRecord>(this.pool, 'SELECT * FROM embedding_reembeds WHERE alias = $1 ORDER BY id DESC LIMIT 1', [
      alias,
    ]);
    return result.rows[0] && toRun(result.rows[0]);
  }

  async recent(alias: string, limit: number): Promise<ReembedRun[]> {
    const result = await runQuery<RunRecord>(this.pool, 'SELECT * FROM embedding_reembeds WHERE alias = $1 ORDER BY id DESC LIMIT $2', [
      alias,
      limit,
    ]);
    return result.rows.map(toRun);
  }

  async building(alias: string): Promise<ReembedRun | undefined> {
    const result = await runQuery<RunRecord>(this.pool, "SELECT * FROM embedding_reembeds WHERE alias = $1 AND state = 'building'", [
      alias,
    ]);
    return result.rows[0] && toRun(result.rows[0]);
  }

  async start(
    run: Pick<
      ReembedRun,
      | 'alias'
      | 'source_collection'
      | 'target_collection'
      | 'source_signature'
      | 'target_signature'
      | 'source_embedding'
      | 'target_embedding'
    >,
  ): Promise<ReembedRun> {
    const result = await runQuery<RunRecord>(
      this.pool,
      `INSERT INTO embedding_reembeds (alias, source_collection, target_collection, source_signature, target_signature, source_embedding, target_embedding)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [
        run.alias,
        run.source_collection,
        run.target_collection,
        run.source_signature && JSON.stringify(run.source_signature),
        JSON.stringify(run.target_signature),
        run.source_embedding && JSON.stringify(run.source_embedding),
        JSON.stringify(run.target_embedding),
      ],
    );
    return toRun(result.rows[0]!);
  }

  async checkpoint(id: number, lastChunkId: number, written: number): Promise<void> {
    await runQuery(
      this.pool,
      'UPDATE embedding_reembeds SET last_chunk_id = $2, chunks_written = chunks_written + $3, updated_at = now() WHERE id = $1',
      [id, lastChunkId, written],
    );
  }

  async markState(id: number, state: Exclude<ReembedState, 'building'>): Promise<void> {
    await runQuery(
      this.pool,
      `UPDATE embedding_reembeds SET state = $2, updated_at = now(),
         switched_at = CASE WHEN $2 = 'switched' THEN now() ELSE switched_at END,
         rolled_back_at = CASE WHEN $2 = 'rolled_back' THEN now() ELSE rolled_back_at END
       WHERE id = $1`,
      [id, state],
    );
  }

  /** A page of chunks in id order after `after`. */
  async chunksAfter(after: number, limit: number): Promise<ChunkToReembed[]> {
    const result = await runQuery<ChunkRecord>(this.pool, `${CHUNKS} WHERE c.id > $1 ORDER BY c.id LIMIT $2`, [after, limit]);
    return result.rows.map(toChunk);
  }

  async chunksAmong(ids: number[]): Promise<ChunkToReembed[]> {
    if (ids.length === 0) return [];
    const result = await runQuery<ChunkRecord>(this.pool, `${CHUNKS} WHERE c.id = ANY($1::bigint[]) ORDER BY c.id`, [ids]);
    return result.rows.map(toChunk);
  }

  /** Chunk ids in id order after `after`, one page: the catch-up pass's walk. */
  async chunkIdsAfter(after: number, limit: number): Promise<number[]> {
    const result = await runQuery<{ id: string }>(this.pool, 'SELECT id FROM document_chunks WHERE id > $1 ORDER BY id LIMIT $2', [
      after,
      limit,
    ]);
    return result.rows.map((row) => Number(row.id));
  }

  /** Chunk rows: every one, those after `after`, and those of active and superseded versions (what searches may answer). */
  async chunkCounts(after = 0): Promise<{ all: number; after: number; active_or_superseded: number }> {
    const result = await runQuery<{ all: string; after: string; settled: string }>(
      this.pool,
      `SELECT count(*) AS all, count(*) FILTER (WHERE c.id > $1) AS after,
              count(*) FILTER (WHERE d.state IN ('active', 'superseded')) AS settled
         FROM document_chunks c JOIN documents d ON d.id = c.document_id`,
      [after],
    );
    const row = result.rows[0]!;
    return { all: Number(row.all), after: Number(row.after), active_or_superseded: Number(row.settled) };
  }
}

function toRun(row: RunRecord): ReembedRun {
  return { ...row, id: Number(row.id), last_chunk_id: Number(row.last_chunk_id), chunks_written: Number(row.chunks_written) };
}

function toChunk(row: ChunkRecord): ChunkToReembed {
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

/** Up to three chunks of active versions, spread over the id space (first, middle, last): a re-embed's canaries. */
export async function canaryChunks(pool: Pool): Promise<ChunkToReembed[]> {
  const result = await runQuery<ChunkRecord>(
    pool,
    `SELECT id, account_name, chat_bot_id, document_id, job_id, chunk_index, text FROM (
       SELECT c.id, d.account_name, d.chat_bot_id, c.document_id, d.job_id, c.chunk_index, c.text,
              row_number() OVER (ORDER BY c.id) AS n, count(*) OVER () AS total
         FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE d.state = 'active') ranked
      WHERE n IN (1, (total + 1) / 2, total) ORDER BY id`,
  );
  return result.rows.map(toChunk);
}
