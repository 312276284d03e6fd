import { OpenAiEmbedder } from '@nonstop/embeddings';
import { contentHash, createPool, MilvusVectorStore, PgDocumentStore, PgJobStore } from '@nonstop/storage';
import { startedRun } from '../test/support/started-run';
import type { DocumentInput, VectorRow } from '@nonstop/core';
import { fixedVector } from '../packages/embeddings/src/testing/stand-in-embedding-server';
import { account, batches, chunkCount, DATABASE_URL, DIMENSION, inFlight, makeDocs, MILVUS_ADDRESS, round, row, timed } from './common';
import { CORES, cpuTimed } from './machine-cpu';

export interface RawStages {
  chunks: number;
  pg_store_chunks_per_s: number;
  pg_plain_unnest_chunks_per_s: number;
  milvus_upsert_chunks_per_s: number;
  milvus_insert_chunks_per_s: number;
  embed_stand_in_chunks_per_s: number;
  /** The slowest of the stages as the pipeline runs them (store, upsert, embedder). */
  slowest: { stage: string; chunks_per_s: number };
  /** Machine CPU-milliseconds per 1,000 chunks of each of those stages (every process, see machine-cpu.ts). */
  cpu_ms_per_1k_chunks: { pg_store: number; embed_stand_in: number; milvus_upsert: number };
  /** The most chunks/s the machine's cores allow when the three stages share them: cores ÷ Σ CPU-seconds per chunk. */
  cpu_bound_chunks_per_s: number;
}

const DOCS_PER_PG_BATCH = 1000; // 4,000 chunks a transaction
const ROWS_PER_MILVUS_BATCH = 512; // the pipeline's micro-batch (PIPELINE_BATCH_CHUNKS)
const IN_FLIGHT = 2; // the pipeline's batchesInFlight

/** Each stage alone, on the same rows, at the most the pipeline could get from it. */
export async function measureRawStages(chunks: number, standInUrl: string): Promise<RawStages> {
  const docs = makeDocs(chunks, `raw-${chunks}`);
  const n = chunkCount(docs);
  const pool = createPool(DATABASE_URL, { applicationName: 'bench' });
  const store = new PgDocumentStore(pool);
  const vectors = new MilvusVectorStore({ address: MILVUS_ADDRESS, collection: 'bench_chunks' });
  try {
    // (a) PostgreSQL through the pipeline's store: one transaction, two unnest statements per batch.
    const storeAccount = account('raw_pg_store');
    const fence = await startedRun(new PgJobStore(pool), storeAccount, [], 'bench');
    const stored: VectorRow[] = [];
    const pgStoreRun = await cpuTimed(() =>
      inFlight(batches(docs, DOCS_PER_PG_BATCH), IN_FLIGHT, async (batch) => {
        const outcomes = await store.insertDocuments(storeAccount, batch, fence);
        for (const outcome of outcomes) {
          if (outcome.kind !== 'inserted') throw new Error(`unexpected ${outcome.kind}`);
          for (const c of outcome.document.chunks) {
            stored.push({
              chunk_id: c.chunk_id,
              account_name: storeAccount,
              chat_bot_id: 'bot001',
              document_id: outcome.document.doc_id,
              job_id: fence.jobId,
              chunk_index: c.chunk_index,
              embedding: [],
            });
          }
        }
      }),
    );
    const pgStore = pgStoreRun.seconds;
    row(
      `raw PostgreSQL PgDocumentStore.insertDocuments (${n} chunks)`,
      `${round(n / pgStore)} ch/s`,
      `${DOCS_PER_PG_BATCH} docs/txn, ${IN_FLIGHT} in flight`,
    );

    // (a') PostgreSQL, plain unnest SQL: no duplicate check, no RETURNING of chunks.
    const plainAccount = account('raw_pg_plain');
    const pgPlain = await timed(() =>
      inFlight(batches(docs, DOCS_PER_PG_BATCH), IN_FLIGHT, (batch) => plainInsert(pool, plainAccount, batch)),
    );
    row(
      `raw PostgreSQL plain unnest INSERT (${n} chunks)`,
      `${round(n / pgPlain)} ch/s`,
      `${DOCS_PER_PG_BATCH} docs/txn, ${IN_FLIGHT} in flight`,
    );

    // (c) the stand-in embedding endpoint through the OpenAI client, batch 128, concurrency 4.
    const embedder = new OpenAiEmbedder(
      {
        baseUrl: standInUrl,
        model: 'stand-in-fixed-vectors',
        apiKey: undefined,
        batchSize: 128,
        concurrency: 4,
        dimension: DIMENSION,
        timeoutMs: 30_000,
        maxRetries: 2,
      },
      DIMENSION,
    );
    const texts = docs.flatMap((d) => d.chunks.map((c) => c.text));
    let embedded: number[][] = [];
    const embedRun = await cpuTimed(async () => {
      embedded = await embedder.embed(texts);
    });
    const embedSeconds = embedRun.seconds;
    row(`raw embedding stand-in via OpenAiEmbedder (${n} chunks)`, `${round(n / embedSeconds)} ch/s`, 'batch 128, concurrency 4');
    stored.forEach((r, i) => {
      r.embedding = embedded[i]!;
    });

    // (b) Milvus through the pipeline's store (delete + insert per batch), then the raw client insert.
    const milvusRun = await cpuTimed(() => inFlight(batches(stored, ROWS_PER_MILVUS_BATCH), IN_FLIGHT, (batch) => vectors.upsert(batch)));
    const milvusUpsert = milvusRun.seconds;
    row(
      `raw Milvus MilvusVectorStore.upsert (${n} chunks)`,
      `${round(n / milvusUpsert)} ch/s`,
      `${ROWS_PER_MILVUS_BATCH} rows, ${IN_FLIGHT} in flight`,
    );
    const insertAccount = account('raw_milvus');
    const base = 9_000_000_000_000 + Math.floor(Math.random() * 1e9) * 1000;
    const raw = stored.map((r, i) => ({
      ...r,
      chunk_id: base + i,
      account_name: insertAccount,
      embedding: r.embedding.length ? r.embedding : fixedVector(String(i), DIMENSION),
    }));
    const milvusInsert = await timed(() =>
      inFlight(batches(raw, ROWS_PER_MILVUS_BATCH), IN_FLIGHT, async (batch) => {
        const result = await vectors.client.insert({ collection_name: 'bench_chunks', data: batch });
        if (result.status.error_code !== 'Success') throw new Error(result.status.reason);
      }),
    );
    row(
      `raw Milvus client.insert (${n} chunks)`,
      `${round(n / milvusInsert)} ch/s`,
      `${ROWS_PER_MILVUS_BATCH} rows, ${IN_FLIGHT} in flight`,
    );

    const pipelineStages = [
      { stage: 'PostgreSQL (PgDocumentStore)', chunks_per_s: n / pgStore },
      { stage: 'Milvus (MilvusVectorStore.upsert)', chunks_per_s: n / milvusUpsert },
      { stage: 'embedding stand-in (OpenAiEmbedder)', chunks_per_s: n / embedSeconds },
    ].sort((a, b) => a.chunks_per_s - b.chunks_per_s);
    return {
      chunks: n,
      pg_store_chunks_per_s: round(n / pgStore),
      pg_plain_unnest_chunks_per_s: round(n / pgPlain),
      milvus_upsert_chunks_per_s: round(n / milvusUpsert),
      milvus_insert_chunks_per_s: round(n / milvusInsert),
      embed_stand_in_chunks_per_s: round(n / embedSeconds),
      slowest: { stage: pipelineStages[0]!.stage, chunks_per_s: round(pipelineStages[0]!.chunks_per_s) },
      cpu_ms_per_1k_chunks: {
        pg_store: round((pgStoreRun.cpu_seconds * 1e6) / n),
        embed_stand_in: round((embedRun.cpu_seconds * 1e6) / n),
        milvus_upsert: round((milvusRun.cpu_seconds * 1e6) / n),
      },
      cpu_bound_chunks_per_s: round((CORES * n) / (pgStoreRun.cpu_seconds + embedRun.cpu_seconds + milvusRun.cpu_seconds)),
    };
  } finally {
    await pool.end();
    await vectors.close();
  }
}

async function plainInsert(pool: ReturnType<typeof createPool>, accountName: string, docs: DocumentInput[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO documents (account_name, chat_bot_id, content_name, metadata, chunks_count, content_hash)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::int[], $6::text[]) RETURNING id`,
      [
        accountName,
        docs.map((d) => d.chat_bot_id),
        docs.map((d) => d.content_name),
        docs.map((d) => JSON.stringify(d.metadata ?? {})),
        docs.map((d) => d.chunks.length),
        docs.map((d) => contentHash(d.chunks)),
      ],
    );
    const chunks = docs.flatMap((d, i) => d.chunks.map((c) => ({ documentId: inserted.rows[i]!.id, ...c })));
    await client.query(
      'INSERT INTO document_chunks (document_id, chunk_index, text) SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[])',
      [chunks.map((c) => c.documentId), chunks.map((c) => c.chunk_index), chunks.map((c) => c.text)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
