import { ConsistencyLevelEnum, MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { VectorRow } from '@nonstop/core';
import { MilvusVectorStore } from '@nonstop/storage';
import { testConfig, uniqueAccount } from '../../../test/support/test-env';

/**
 * The store writes Insert requests with columns it builds itself (not the
 * SDK's row-by-row insert): check against the real Milvus that every field
 * lands as written, in the account's partition, once per chunk id.
 */
const config = testConfig();
const collection = `${config.milvusCollection}_store`;
const DIMENSION = 8;
let store: MilvusVectorStore;
let reader: MilvusClient;
let nextId = Date.now() * 1000;

function vectorOf(seed: number): number[] {
  return Array.from({ length: DIMENSION }, (_, i) => Math.fround(Math.sin(seed * 7 + i)));
}

function rowsFor(account: string, count: number, jobId = 'job-1'): VectorRow[] {
  return Array.from({ length: count }, (_, i) => {
    nextId += 1;
    return {
      chunk_id: nextId,
      account_name: account,
      chat_bot_id: `봇-${i % 3}`,
      document_id: 5_000_000_000 + Math.floor(i / 4),
      job_id: jobId,
      chunk_index: i % 4,
      embedding: vectorOf(nextId),
    };
  });
}

async function stored(account: string): Promise<Array<Record<string, unknown>>> {
  const result = await reader.query({
    collection_name: collection,
    filter: `account_name == "${account}"`,
    output_fields: ['chunk_id', 'account_name', 'chat_bot_id', 'document_id', 'job_id', 'chunk_index', 'embedding'],
    consistency_level: ConsistencyLevelEnum.Strong,
    limit: 10_000,
  });
  return result.data.sort((a, b) => Number(a.chunk_id) - Number(b.chunk_id));
}

beforeAll(async () => {
  store = new MilvusVectorStore({ address: config.milvusAddress, collection, insertRowsPerCall: 100 });
  reader = new MilvusClient({ address: config.milvusAddress, logLevel: 'error' });
  await store.ensureCollection({ embedding_model: 'store-test', dimension: DIMENSION });
});

afterAll(async () => {
  await store.close();
  await reader.closeConnection();
});

test('upsert writes every field of every row, sliced into several Insert calls, queryable by the partition key', async () => {
  const account = uniqueAccount('store');
  const rows = rowsFor(account, 250);
  await store.upsert(rows);
  const found = await stored(account);
  expect(found).toHaveLength(250);
  found.forEach((got, i) => {
    const want = rows[i]!;
    expect(Number(got.chunk_id)).toBe(want.chunk_id);
    expect(got).toMatchObject({ account_name: account, chat_bot_id: want.chat_bot_id, job_id: want.job_id });
    expect(Number(got.document_id)).toBe(want.document_id);
    expect(Number(got.chunk_index)).toBe(want.chunk_index);
    (got.embedding as number[]).forEach((value, d) => expect(value).toBeCloseTo(want.embedding[d]!, 6));
  });
});

test('upsert of the same chunk ids replaces them: one vector per chunk, the new values', async () => {
  const account = uniqueAccount('store');
  const first = rowsFor(account, 120, 'job-first');
  await store.upsert(first);
  const again = first.map((row) => ({ ...row, job_id: 'job-again', embedding: vectorOf(row.chunk_id + 1) }));
  await store.upsert(again);
  const found = await stored(account);
  expect(found.map((row) => Number(row.chunk_id))).toEqual(first.map((row) => row.chunk_id));
  expect(new Set(found.map((row) => row.job_id))).toEqual(new Set(['job-again']));
  expect((found[0]!.embedding as number[])[0]).toBeCloseTo(again[0]!.embedding[0]!, 6);
});

test('a row whose vector has another dimension fails the write with the chunk named, nothing stored', async () => {
  const account = uniqueAccount('store');
  const rows = rowsFor(account, 3);
  rows[2]!.embedding = [0.5];
  const short = new MilvusVectorStore({ address: config.milvusAddress, collection, maxAttempts: 1 });
  try {
    await expect(short.upsert(rows)).rejects.toThrow(/has 1 dimensions, expected 8/);
  } finally {
    await short.close();
  }
  expect(await stored(account)).toHaveLength(0);
});

test('vectors of a wrong dimension for the collection are refused by Milvus, nothing stored', async () => {
  const account = uniqueAccount('store');
  const rows = rowsFor(account, 2).map((row) => ({ ...row, embedding: [...row.embedding, 0.1] }));
  const wrong = new MilvusVectorStore({ address: config.milvusAddress, collection, maxAttempts: 1 });
  try {
    await expect(wrong.upsert(rows)).rejects.toThrow(/could not replace vectors/);
  } finally {
    await wrong.close();
  }
  expect(await stored(account)).toHaveLength(0);
});
