import { DataType, promisify, type MilvusClient, type MutationResult } from '@zilliz/milvus2-sdk-node';
import type { VectorRow } from '@nonstop/core';

/**
 * One Milvus Insert call with the columns built here, in one linear pass,
 * instead of through `MilvusClient.insert`.
 *
 * Why (measured, docs/benchmarks and bench/milvus-batch-size.ts): the 2.3.5
 * SDK's `insert` (dist/milvus/grpc/Data.js, `_insert`) appends each row's
 * vector with `field.data = field.data.concat(vector)`, which copies the
 * whole column for every row: time quadratic in the rows of a call, spent on
 * the worker's event loop (512 rows of 384 dims took ~400 ms a call, 128 rows
 * ~50 ms). It also calls describeCollection before every insert, one more
 * round trip. And its gRPC retry interceptor (dist/milvus/utils/Grpc.js)
 * evaluates `JSON.stringify(message)` for a debug log line on every call,
 * whatever the log level: for 512 rows that is 196,608 floats turned into
 * text and thrown away (the largest self time in a worker profile, ~0.8 s of
 * a 10k-chunk job). The request's `toJSON` below makes that string a short
 * summary; protobuf serialization reads only the message's own fields.
 * 2.3.5 is the last 2.3.x release on npm.
 *
 * The columns follow `chunkCollectionFields`, the schema this store creates
 * (and `ensureCollection` checks); Milvus matches columns by field name and
 * rejects a call whose columns do not fit the collection. The request is
 * the same gRPC InsertRequest the SDK sends, through the SDK's own gRPC
 * client, so connection, auth and reconnect settings stay the SDK's.
 */
export async function insertColumns(
  client: MilvusClient,
  collection: string,
  rows: VectorRow[],
  timeoutMs: number,
): Promise<MutationResult> {
  const dim = rows[0]!.embedding.length;
  const vectors = new Array<number>(rows.length * dim);
  rows.forEach((row, r) => {
    if (row.embedding.length !== dim) {
      throw new Error(`vector of chunk ${row.chunk_id} has ${row.embedding.length} dimensions, expected ${dim} like the rest of the call`);
    }
    for (let i = 0; i < dim; i += 1) vectors[r * dim + i] = row.embedding[i]!;
  });
  const request = {
    collection_name: collection,
    num_rows: rows.length,
    fields_data: [
      scalar(
        'chunk_id',
        DataType.Int64,
        'long_data',
        rows.map((row) => row.chunk_id),
      ),
      scalar(
        'account_name',
        DataType.VarChar,
        'string_data',
        rows.map((row) => row.account_name),
      ),
      scalar(
        'chat_bot_id',
        DataType.VarChar,
        'string_data',
        rows.map((row) => row.chat_bot_id),
      ),
      scalar(
        'document_id',
        DataType.Int64,
        'long_data',
        rows.map((row) => row.document_id),
      ),
      scalar(
        'job_id',
        DataType.VarChar,
        'string_data',
        rows.map((row) => row.job_id),
      ),
      scalar(
        'chunk_index',
        DataType.Int64,
        'long_data',
        rows.map((row) => row.chunk_index),
      ),
      { type: DataType.FloatVector, field_name: 'embedding', is_dynamic: false, vectors: { dim, float_vector: { data: vectors } } },
    ],
  };
  Object.defineProperty(request, 'toJSON', {
    value: () => ({ collection_name: collection, num_rows: rows.length }),
    enumerable: false,
  });
  // The SDK gives inserts no deadline, because a call that timed out on our side
  // but landed on the server would duplicate its rows when retried. Ours has one:
  // MilvusVectorStore retries an insert only together with the delete before it.
  return (await promisify(client.client, 'Insert', request, timeoutMs)) as MutationResult;
}

function scalar(name: string, type: DataType, key: 'long_data' | 'string_data', data: Array<number | string>) {
  return { type, field_name: name, is_dynamic: false, scalars: { [key]: { data } } };
}
