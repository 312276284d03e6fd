import { OpenAiEmbedder } from '@nonstop/embeddings';
import { contentHash, createPool, MilvusVectorStore } from '@nonstop/storage';
import { account, chunkCount, DATABASE_URL, DIMENSION, makeDocs, MILVUS_ADDRESS, round, row, timed } from './common';

export interface Naive {
  chunks: number;
  seconds: number;
  chunks_per_s: number;
}

/**
 * The mission's sketch, one document at a time: one INSERT for the document
 * and one per chunk, one embedding call, one Milvus insert, sequentially.
 */
export async function measureNaive(chunks: number, standInUrl: string): Promise<Naive> {
  const docs = makeDocs(chunks, `naive-${chunks}`);
  const n = chunkCount(docs);
  const accountName = account('naive');
  const pool = createPool(DATABASE_URL, { max: 1, applicationName: 'bench-naive' });
  const vectors = new MilvusVectorStore({ address: MILVUS_ADDRESS, collection: 'bench_chunks' });
  const embedder = new OpenAiEmbedder(
    {
      baseUrl: standInUrl,
      model: 'stand-in-fixed-vectors',
      apiKey: undefined,
      batchSize: 128,
      concurrency: 1,
      dimension: DIMENSION,
      timeoutMs: 30_000,
      maxRetries: 2,
    },
    DIMENSION,
  );
  try {
    const seconds = await timed(async () => {
      for (const doc of docs) {
        const inserted = await pool.query<{ id: string }>(
          `INSERT INTO documents (account_name, chat_bot_id, content_name, metadata, chunks_count, content_hash)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [accountName, doc.chat_bot_id, doc.content_name, JSON.stringify(doc.metadata ?? {}), doc.chunks.length, contentHash(doc.chunks)],
        );
        const docId = inserted.rows[0]!.id;
        const chunkIds: string[] = [];
        for (const chunk of doc.chunks) {
          const c = await pool.query<{ id: string }>(
            'INSERT INTO document_chunks (document_id, chunk_index, text) VALUES ($1, $2, $3) RETURNING id',
            [docId, chunk.chunk_index, chunk.text],
          );
          chunkIds.push(c.rows[0]!.id);
        }
        const embeddings = await embedder.embed(doc.chunks.map((c) => c.text));
        const result = await vectors.client.insert({
          collection_name: 'bench_chunks',
          data: doc.chunks.map((c, i) => ({
            chunk_id: Number(chunkIds[i]),
            account_name: accountName,
            chat_bot_id: doc.chat_bot_id,
            document_id: Number(docId),
            job_id: '',
            chunk_index: c.chunk_index,
            embedding: embeddings[i]!,
          })),
        });
        if (result.status.error_code !== 'Success') throw new Error(result.status.reason);
      }
    });
    row(`naive loop, one document at a time (${n} chunks)`, `${round(n / seconds)} ch/s`, `${round(seconds, 1)} s`);
    return { chunks: n, seconds: round(seconds, 2), chunks_per_s: round(n / seconds) };
  } finally {
    await pool.end();
    await vectors.close();
  }
}
