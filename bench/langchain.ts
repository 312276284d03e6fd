/**
 * LangChain.js `index()` on the same PostgreSQL, Milvus and embedding endpoint as the service:
 * `PostgresRecordManager` (database nonstop_ingest_bench, schema langchain_bench), the community
 * Milvus store (a collection of its own per run, `autoId: false`, the service's HNSW/COSINE index)
 * and `OpenAIEmbeddings` against the stand-in fixed-vector endpoint (batch 128, 4 in flight, base64
 * on the wire, as the service). The documents are `makeDocs`', one LangChain Document per chunk.
 * Standalone: `node --import tsx bench/langchain.ts [chunks ...]` (prints, writes nothing).
 */
import { PostgresRecordManager } from '@langchain/community/indexes/postgres';
import { Milvus } from '@langchain/community/vectorstores/milvus';
import { Document } from '@langchain/core/documents';
import { index } from '@langchain/core/indexing';
import { OpenAIEmbeddings } from '@langchain/openai';
import { ConsistencyLevelEnum } from '@zilliz/milvus2-sdk-node';
import { Pool } from 'pg';
import { migrate } from '@nonstop/storage';
import { startStandInEmbeddingServer } from '../packages/embeddings/src/testing/stand-in-embedding-server';
import { account, DATABASE_URL, DIMENSION, makeDocs, MILVUS_ADDRESS, round, row, RUN_ID, timed } from './common';

/** No cleanup: like the service, documents already indexed are skipped and nothing is deleted; "incremental" adds work the service does not do. */
export type LangChainCleanup = 'none' | 'incremental';

export interface LangChainRun {
  chunks: number;
  documents: number;
  batch_size: number;
  cleanup: LangChainCleanup;
  seconds: number;
  chunks_per_s: number;
  /** Checked after the run: live entities in the run's Milvus collection and keys in the record manager, both equal to `chunks`. */
  vectors_in_milvus: number;
  record_manager_keys: number;
}

export interface LangChainSweep {
  chunks: number;
  runs: LangChainRun[];
  best: LangChainRun;
}

const SCHEMA = 'langchain_bench';
const MILVUS_QUERY_WINDOW = 16_384;

/** One `index()` run of `chunks` chunks with `index()`'s `batchSize` (documents per record-manager check and vector-store write). */
export async function measureLangChain(
  chunks: number,
  embeddingUrl: string,
  batchSize: number,
  cleanup: LangChainCleanup = 'none',
): Promise<LangChainRun> {
  const accountName = account('langchain');
  const source = makeDocs(chunks, `langchain-${chunks}-${batchSize}-${cleanup}`);
  const docs = source.flatMap((doc) =>
    doc.chunks.map(
      (chunk) =>
        new Document({
          pageContent: chunk.text,
          // the fields the service keeps next to each vector; content_name stands for document_id (LangChain's source id)
          metadata: {
            account_name: accountName,
            chat_bot_id: doc.chat_bot_id,
            content_name: doc.content_name,
            chunk_index: chunk.chunk_index,
          },
        }),
    ),
  );
  const collectionName = `bench_langchain_${RUN_ID}_${chunks}_${batchSize}_${cleanup}`;
  const pool = new Pool({ connectionString: DATABASE_URL, application_name: 'bench-langchain' });
  const recordManager = new PostgresRecordManager(accountName, { pool, schema: SCHEMA, tableName: 'upsertion_records' });
  const store = new Milvus(
    new OpenAIEmbeddings({
      model: 'stand-in-fixed-vectors',
      apiKey: 'stand-in',
      configuration: { baseURL: embeddingUrl },
      dimensions: DIMENSION,
      batchSize: 128,
      maxConcurrency: 4, // encodingFormat unset: the openai client then asks for base64 and decodes it
    }),
    {
      collectionName,
      autoId: false,
      textFieldMaxLength: 4096,
      indexCreateOptions: { index_type: 'HNSW', metric_type: 'COSINE', params: { M: 16, efConstruction: 200 } },
      clientConfig: { address: MILVUS_ADDRESS, logLevel: 'error' },
    },
  );
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await recordManager.createSchema();
    // The service's collection exists before its clock starts; so does this one (made from one document's metadata, no rows).
    await store.ensureCollection([new Array<number>(DIMENSION).fill(0)], [docs[0]!]);
    let result: Awaited<ReturnType<typeof index>> | undefined;
    const seconds = await timed(async () => {
      result = await index({
        docsSource: docs,
        recordManager,
        vectorStore: store,
        options: { batchSize, sourceIdKey: 'content_name', ...(cleanup === 'incremental' ? { cleanup } : {}) },
      });
    });
    if (result?.numAdded !== docs.length)
      throw new Error(`LangChain index() added ${result?.numAdded} of ${docs.length} chunks: ${JSON.stringify(result)}`);
    const { vectors, keys } = await verify(store, pool, accountName, docs.length);
    row(
      `LangChain.js index(), batchSize ${batchSize}, cleanup ${cleanup} (${docs.length} chunks)`,
      `${round(docs.length / seconds)} ch/s`,
      `${round(seconds, 1)} s; Milvus holds ${vectors}, record manager ${keys}`,
    );
    return {
      chunks: docs.length,
      documents: source.length,
      batch_size: batchSize,
      cleanup,
      seconds: round(seconds, 2),
      chunks_per_s: round(docs.length / seconds),
      vectors_in_milvus: vectors,
      record_manager_keys: keys,
    };
  } finally {
    await store.client.dropCollection({ collection_name: collectionName }).catch(() => undefined);
    await pool.query(`DELETE FROM ${SCHEMA}.upsertion_records WHERE namespace = $1`, [accountName]).catch(() => undefined);
    await store.client.closeConnection();
    await pool.end();
  }
}

/**
 * `index()`'s batch size (default 100), tried at `chunks` chunks; the fastest is the one to compare with.
 * Each batch costs one Milvus `flushSync` (about 2.7 s here, whatever the batch) plus one upsert whose
 * time grows with the square of its rows (the SDK's column building), so the best lies in between.
 */
export async function sweepLangChainBatchSize(
  embeddingUrl: string,
  batchSizes = [100, 500, 1000, 2000],
  chunks = 2000,
): Promise<LangChainSweep> {
  const runs: LangChainRun[] = [];
  for (const size of batchSizes) runs.push(await measureLangChain(chunks, embeddingUrl, size));
  const best = runs.reduce((a, b) => (b.chunks_per_s > a.chunks_per_s ? b : a));
  return { chunks, runs, best };
}

/**
 * Milvus must hold exactly one live vector per chunk, under the keys the record manager holds:
 * otherwise the rate would count work that was not done.
 */
async function verify(store: Milvus, pool: Pool, namespace: string, expected: number): Promise<{ vectors: number; keys: number }> {
  const collection = store.collectionName;
  const keyRows = await pool.query<{ key: string }>(`SELECT key FROM ${SCHEMA}.upsertion_records WHERE namespace = $1`, [namespace]);
  await store.client.loadCollectionSync({ collection_name: collection });
  const counted = await store.client.query({
    collection_name: collection,
    output_fields: ['count(*)'],
    filter: '',
    consistency_level: ConsistencyLevelEnum.Strong,
  });
  const vectors = Number(counted.data[0]?.['count(*)']);
  if (vectors !== expected || keyRows.rows.length !== expected) {
    throw new Error(
      `LangChain run: Milvus holds ${vectors} vectors and the record manager ${keyRows.rows.length} keys, expected ${expected}`,
    );
  }
  if (expected <= MILVUS_QUERY_WINDOW) {
    const ids = await store.client.query({
      collection_name: collection,
      output_fields: [store.primaryField],
      filter: `${store.primaryField} != ""`,
      limit: MILVUS_QUERY_WINDOW,
      consistency_level: ConsistencyLevelEnum.Strong,
    });
    const inMilvus = new Set(ids.data.map((r) => String(r[store.primaryField])));
    const missing = keyRows.rows.filter((r) => !inMilvus.has(r.key)).length;
    if (inMilvus.size !== expected || missing > 0)
      throw new Error(`LangChain run: ${missing} record-manager keys have no vector in Milvus (${inMilvus.size} distinct keys there)`);
  }
  return { vectors, keys: keyRows.rows.length };
}

if (require.main === module) {
  void (async () => {
    const sizes = process.argv.slice(2).map(Number);
    await migrate(DATABASE_URL); // creates the bench database when it is missing, as run.ts does
    const standIn = await startStandInEmbeddingServer({ dimension: DIMENSION });
    try {
      const sweep = await sweepLangChainBatchSize(standIn.url);
      row(`LangChain.js index(): best batchSize at ${sweep.chunks} chunks`, String(sweep.best.batch_size));
      for (const chunks of sizes) await measureLangChain(chunks, standIn.url, sweep.best.batch_size);
    } finally {
      await standIn.close();
    }
    process.exit(0);
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
