import { ConsistencyLevelEnum, DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { CheckRow } from './check-row';

/**
 * Proves the Milvus checks can see a duplicate: a query by id returns a
 * primary key once however many rows hold it (Milvus 2.3.5 merges them), so
 * duplicates show only in count(*), which counts rows. Inserts one key twice
 * into a scratch collection of the same shape and expects count(*) 2.
 */
export async function milvusDuplicateSelfTest(milvus: MilvusClient, runId: string): Promise<CheckRow> {
  const name = `chaos_selftest_${runId}`;
  await milvus.createCollection({
    collection_name: name,
    fields: [
      { name: 'chunk_id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
      { name: 'account_name', data_type: DataType.VarChar, max_length: 64, is_partition_key: true },
      { name: 'embedding', data_type: DataType.FloatVector, dim: 4 },
    ],
  });
  try {
    await milvus.createIndex({
      collection_name: name,
      field_name: 'embedding',
      index_type: 'HNSW',
      metric_type: 'COSINE',
      params: { M: 8, efConstruction: 64 },
    });
    await milvus.loadCollectionSync({ collection_name: name });
    for (let i = 0; i < 2; i += 1)
      await milvus.insert({ collection_name: name, data: [{ chunk_id: 1, account_name: 'self_test', embedding: [1, 0, 0, 0] }] });
    const counted = await milvus.query({
      collection_name: name,
      filter: 'account_name == "self_test"',
      output_fields: ['count(*)'],
      consistency_level: ConsistencyLevelEnum.Strong,
    });
    const byId = await milvus.query({
      collection_name: name,
      filter: 'chunk_id in [1]',
      output_fields: ['chunk_id'],
      limit: 10,
      consistency_level: ConsistencyLevelEnum.Strong,
    });
    const count = Number(counted.data[0]?.['count(*)'] ?? -1);
    return {
      check: 'self-test: a primary key inserted twice shows in count(*) (a query by id merges it)',
      expected: 'count(*) 2',
      actual: `count(*) ${count}, query by id ${byId.data.length} row(s)`,
      ok: count === 2,
    };
  } finally {
    await milvus.dropCollection({ collection_name: name });
  }
}
