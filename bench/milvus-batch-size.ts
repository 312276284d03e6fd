/**
 * Milvus insert rate by rows per call. @zilliz/milvus2-sdk-node 2.3.5 builds the
 * vector column with `field.data = field.data.concat(row)` for every row
 * (dist/milvus/grpc/Data.js, _insert), which is quadratic in the rows of a call,
 * and it runs on the caller's event loop. The store now sends the columns it builds itself
 * (packages/storage/src/milvus/columnar-insert.ts); each size is measured both ways. Standalone: `node --import tsx bench/milvus-batch-size.ts`
 * (adds its numbers to docs/benchmarks/results.json).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MilvusVectorStore } from '@nonstop/storage';
import { insertColumns } from '../packages/storage/src/milvus/columnar-insert';
import { fixedVector } from '../packages/embeddings/src/testing/stand-in-embedding-server';
import { account, batches, DIMENSION, MILVUS_ADDRESS, round, row, timed } from './common';

export interface MilvusBatchRate {
  path: 'sdk_insert' | 'store_columns';
  rows_per_call: number;
  rows: number;
  chunks_per_s: number;
  ms_per_call: number;
}

export async function measureMilvusBatchSizes(rowsPerCall = [128, 512, 1024], rows = 8192): Promise<MilvusBatchRate[]> {
  const vectors = new MilvusVectorStore({ address: MILVUS_ADDRESS, collection: 'bench_chunks' });
  const out: MilvusBatchRate[] = [];
  try {
    const embedding = fixedVector('bench', DIMENSION);
    for (const size of rowsPerCall)
      for (const path of ['sdk_insert', 'store_columns'] as const) {
        const accountName = account(`milvus_${size}`);
        const base = 8_000_000_000_000 + Math.floor(Math.random() * 1e9) * 10_000;
        const data = Array.from({ length: rows }, (_, i) => ({
          chunk_id: base + i,
          account_name: accountName,
          chat_bot_id: 'bot001',
          document_id: base + i,
          job_id: '',
          chunk_index: 0,
          embedding,
        }));
        const seconds = await timed(async () => {
          for (const batch of batches(data, size)) {
            const result =
              path === 'sdk_insert'
                ? await vectors.client.insert({ collection_name: 'bench_chunks', data: batch })
                : await insertColumns(vectors.client, 'bench_chunks', batch, 30_000);
            if (result.status.error_code !== 'Success') throw new Error(result.status.reason);
          }
        });
        row(
          `raw Milvus ${path === 'sdk_insert' ? 'SDK client.insert' : 'store columns'}, ${size} rows a call, 1 in flight (${rows} rows)`,
          `${round(rows / seconds)} ch/s`,
          `${round((seconds * 1000 * size) / rows)} ms a call`,
        );
        out.push({
          path,
          rows_per_call: size,
          rows,
          chunks_per_s: round(rows / seconds),
          ms_per_call: round((seconds * 1000 * size) / rows),
        });
      }
    return out;
  } finally {
    await vectors.close();
  }
}

if (require.main === module) {
  void (async () => {
    const file = path.resolve(__dirname, '../docs/benchmarks/results.json');
    const rates = await measureMilvusBatchSizes();
    const results = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    results.milvus_batch_sizes = rates;
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    process.exit(0);
  })();
}
