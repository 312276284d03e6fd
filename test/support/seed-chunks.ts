import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { VectorRow } from '@nonstop/core';

/** A chunk row as written, with what its vector row records (`job_id` '' for a job-less document, as the pipeline filed it). */
export type SeededChunk = Omit<VectorRow, 'embedding'> & { text: string };

export interface SeedOptions {
  accountName: string;
  documents: number;
  chunksPerDocument: number;
  /** The job that wrote the documents, in this state; `null`: written without a job (as the synchronous API once did). */
  job?: { status: 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled'; rolledBack?: boolean } | null;
  /** Distinguishes content names (and texts) of several seeds of one account. */
  label?: string;
  /** Default 'bot001'. */
  chatBotId?: string;
  text?: (document: number, chunk: number) => string;
}

const DOCUMENTS_PER_STATEMENT = 5_000;

/**
 * Writes documents and chunks straight into PostgreSQL (unnest, a few
 * statements however many rows), the rows the pipeline would have written;
 * no vectors: the caller writes those. For audits of a known state, and fast
 * enough to seed 100k chunks for the bench.
 */
export async function seedChunks(pool: Pool, options: SeedOptions): Promise<{ jobId: string | null; chunks: SeededChunk[] }> {
  const label = options.label ?? randomUUID().slice(0, 8);
  const text =
    options.text ??
    ((d: number, c: number) => `seeded ${label} document ${d} chunk ${c}: 검색 증강 생성 (retrieval-augmented generation).`);
  const jobId = options.job === null ? null : randomUUID();
  if (jobId !== null) {
    const job = options.job ?? { status: 'completed' };
    await pool.query(
      `INSERT INTO ingest_jobs (id, account_name, status, total_documents, request_hash, expires_at, finished_at, rolled_back_at, rollback_requested)
       VALUES ($1, $2, $3, $4, 'seeded', now() + interval '1 day',
               CASE WHEN $3 IN ('completed', 'failed', 'cancelled') THEN now() END, CASE WHEN $5 THEN now() END, $5)`,
      [jobId, options.accountName, job.status, options.documents, job.rolledBack ?? false],
    );
  }
  const chunks: SeededChunk[] = [];
  for (let first = 0; first < options.documents; first += DOCUMENTS_PER_STATEMENT) {
    const numbers = Array.from({ length: Math.min(DOCUMENTS_PER_STATEMENT, options.documents - first) }, (_, i) => first + i);
    const documents = await pool.query<{ id: string; n: number }>(
      `INSERT INTO documents (account_name, chat_bot_id, content_name, chunks_count, content_hash, job_id)
       SELECT $1, $6, 'https://example.com/seeded/' || $2 || '/' || n, $3, 'seeded', $4::uuid FROM unnest($5::int[]) AS n
       RETURNING id, split_part(content_name, '/', 6)::int AS n`,
      [options.accountName, label, options.chunksPerDocument, jobId, numbers, options.chatBotId ?? 'bot001'],
    );
    const documentIds: string[] = [];
    const indexes: number[] = [];
    const texts: string[] = [];
    for (const document of documents.rows) {
      for (let c = 0; c < options.chunksPerDocument; c += 1) {
        documentIds.push(document.id);
        indexes.push(c);
        texts.push(text(document.n, c));
      }
    }
    const inserted = await pool.query<{ id: string; document_id: string; chunk_index: number; text: string }>(
      `INSERT INTO document_chunks (document_id, chunk_index, text) SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[])
       RETURNING id, document_id, chunk_index, text`,
      [documentIds, indexes, texts],
    );
    for (const row of inserted.rows) {
      chunks.push({
        chunk_id: Number(row.id),
        account_name: options.accountName,
        chat_bot_id: options.chatBotId ?? 'bot001',
        document_id: Number(row.document_id),
        job_id: jobId ?? '',
        chunk_index: row.chunk_index,
        text: row.text,
      });
    }
  }
  chunks.sort((a, b) => a.chunk_id - b.chunk_id);
  return { jobId, chunks };
}

/**
 * Seeded rows with stand-in vectors: random unit vectors, deterministic per
 * chunk id, where the path under test never embeds (deletes) and real ones
 * would take minutes. Distinct on purpose: thousands of identical vectors
 * would give the shared collection's HNSW graph a degenerate region and cost
 * other tests' filtered searches their recall.
 */
export async function seedChunksWithStandInVectors(
  pool: Pool,
  vectors: { upsert(rows: VectorRow[]): Promise<void> },
  dimension: number,
  options: SeedOptions,
): Promise<SeededChunk[]> {
  const { chunks } = await seedChunks(pool, options);
  for (let start = 0; start < chunks.length; start += 2_000) {
    await vectors.upsert(
      chunks.slice(start, start + 2_000).map((chunk) => ({ ...chunk, embedding: standInVector(chunk.chunk_id, dimension) })),
    );
  }
  return chunks;
}

/** A unit vector from a small linear congruential generator seeded by `seed`. */
function standInVector(seed: number, dimension: number): number[] {
  let state = (seed * 2654435761) % 4294967296;
  const values = Array.from({ length: dimension }, () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296 - 0.5;
  });
  const norm = Math.hypot(...values);
  return values.map((value) => value / norm);
}
