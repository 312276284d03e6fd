import { ConsistencyLevelEnum } from '@zilliz/milvus2-sdk-node';
import type { Embedder } from '@nonstop/core';
import { milvusIntList } from '@nonstop/storage';
import { auditConsistency, createRuntime, type AccountConsistency, type ConsistencyAuditOptions, type Runtime } from '@nonstop/pipeline';
import { seedChunks, type SeedOptions, type SeededChunk } from '../../../test/support/seed-chunks';
import { testConfig, testLogger, uniqueAccount } from '../../../test/support/test-env';

/**
 * The consistency audit against the real PostgreSQL and Milvus, with the
 * real local embedding model for the repair: drift made by hand in each
 * store (a deleted vector, a vector of a deleted row, a far-away orphan, a
 * second row of a key), reported exactly, repaired, and another account
 * left untouched.
 */
const config = testConfig();
let runtime: Runtime;

beforeAll(async () => {
  runtime = await createRuntime(config, testLogger, { applicationName: 'nonstop-test-audit' });
});
afterAll(async () => {
  await runtime.close();
});

/** Documents and chunks in PostgreSQL, and (unless `withVectors` is false) their vectors, embedded by the real model. */
async function seed(options: SeedOptions & { withVectors?: boolean }): Promise<SeededChunk[]> {
  const { chunks } = await seedChunks(runtime.pool, options);
  if (options.withVectors !== false) {
    const embeddings = await runtime.embedder.embed(chunks.map((chunk) => chunk.text));
    await runtime.vectors.upsert(chunks.map((chunk, i) => ({ ...chunk, embedding: embeddings[i]! })));
  }
  return chunks;
}

async function audit(accountName: string, options: Omit<ConsistencyAuditOptions, 'accountName'> = {}): Promise<AccountConsistency> {
  const summary = await auditConsistency(runtime, { accountName, ...options });
  expect(summary.accounts.map((account) => account.account_name)).toEqual([accountName]);
  return summary.accounts[0]!;
}

/** Rows Milvus holds per key (count(*) counts a second copy), and the stored vector of each. */
async function storedVectors(ids: number[]): Promise<{ rows: number; embeddings: Map<number, number[]> }> {
  const filter = `chunk_id in ${milvusIntList(ids)}`;
  const { client, collection } = runtime.vectors;
  const counted = await client.query({
    collection_name: collection,
    filter,
    output_fields: ['count(*)'],
    consistency_level: ConsistencyLevelEnum.Strong,
  });
  const found = await client.query({
    collection_name: collection,
    filter,
    output_fields: ['chunk_id', 'embedding'],
    limit: ids.length,
    consistency_level: ConsistencyLevelEnum.Strong,
  });
  return {
    rows: Number(counted.data[0]?.['count(*)']),
    embeddings: new Map(found.data.map((row) => [Number(row.chunk_id), row.embedding as number[]])),
  };
}

function expectSameVector(stored: number[] | undefined, expected: number[]): void {
  expect(stored).toHaveLength(expected.length);
  stored!.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
}

async function deleteVectors(ids: number[]): Promise<void> {
  await runtime.vectors.client.deleteEntities({ collection_name: runtime.vectors.collection, filter: `chunk_id in ${milvusIntList(ids)}` });
}

/** A raw Insert, without the store's delete first: a second row of the key, as a retried insert whose reply was lost would leave. */
async function insertRaw(chunk: SeededChunk, embedding: number[]): Promise<void> {
  const { text: _text, ...fields } = chunk;
  const result = await runtime.vectors.client.insert({ collection_name: runtime.vectors.collection, data: [{ ...fields, embedding }] });
  expect(result.status.error_code).toBe('Success');
}

const CLEAN = { missing: 0, orphans: 0, duplicates: 0, in_flight: 0, rolled_back_rows: 0, drift: 0 };

test('a clean account has no drift', async () => {
  const account = uniqueAccount('audit_clean');
  await seed({ accountName: account, documents: 3, chunksPerDocument: 4 });
  const summary = await auditConsistency(runtime, { accountName: account });
  expect(summary.accounts).toEqual([expect.objectContaining({ account_name: account, pg_chunks: 12, milvus_vectors: 12, ...CLEAN })]);
  expect(summary.totals).toMatchObject({ pg_chunks: 12, milvus_vectors: 12, drift: 0 });
  expect(summary.clean).toBe(true);
  expect(summary.collection).toBe(config.milvusCollection);
});

test('reports a missing vector, two orphans and a duplicated key exactly, repairs them, and leaves another account alone', async () => {
  const account = uniqueAccount('audit_drift');
  const other = uniqueAccount('audit_other');
  const chunks = await seed({ accountName: account, documents: 3, chunksPerDocument: 4 });
  const otherChunks = await seed({ accountName: other, documents: 2, chunksPerDocument: 4 });
  const otherBefore = await storedVectors(otherChunks.map((chunk) => chunk.chunk_id));

  const [lost, , doubled, , rowDeleted] = chunks as [SeededChunk, SeededChunk, SeededChunk, SeededChunk, SeededChunk];
  await deleteVectors([lost.chunk_id]);
  // The row goes, its vector stays: an orphan inside the account's id range.
  await runtime.pool.query('DELETE FROM document_chunks WHERE id = $1', [rowDeleted.chunk_id]);
  // An orphan far beyond PostgreSQL's last id (the sequence will not reach it): the open last window must see it.
  const farId = 8_000_000_000_000_000 + Math.floor(Math.random() * 1e12);
  const [someVector] = await runtime.embedder.embed(['a vector nobody wrote a row for']);
  await insertRaw({ ...lost, chunk_id: farId }, someVector!);
  const [doubledVector] = await runtime.embedder.embed([doubled.text]);
  await insertRaw(doubled, doubledVector!);

  const expected = {
    pg_chunks: 11,
    milvus_vectors: 13,
    missing: 1,
    orphans: 2,
    duplicates: 1,
    in_flight: 0,
    rolled_back_rows: 0,
    drift: 4,
    examples: { missing: [lost.chunk_id], orphans: [rowDeleted.chunk_id, farId], duplicates: [doubled.chunk_id], rolled_back_rows: [] },
  };
  expect(await audit(account)).toMatchObject(expected);
  // Small pages and a tiny Milvus query limit: windows split down to single ids (the duplicated key holds as many rows as the limit), same answer.
  expect(await audit(account, { pageSize: 5, milvusQueryLimit: 2 })).toMatchObject(expected);
  // Every account at once: the drifting account reads the same, the other one is clean.
  const everyone = await auditConsistency(runtime);
  expect(everyone.accounts.find((a) => a.account_name === account)).toMatchObject(expected);
  expect(everyone.accounts.find((a) => a.account_name === other)).toMatchObject({ pg_chunks: 8, milvus_vectors: 8, ...CLEAN });

  const repaired = await audit(account, { repairWith: runtime.embedder });
  expect(repaired.repair).toEqual({ rewritten: 2, deleted: 2, skipped: 0, left: 0 });

  expect(await audit(account)).toMatchObject({ pg_chunks: 11, milvus_vectors: 11, ...CLEAN });
  const after = await storedVectors([lost.chunk_id, doubled.chunk_id, rowDeleted.chunk_id, farId]);
  expect(after.rows).toBe(2);
  const [lostVector] = await runtime.embedder.embed([lost.text]);
  expectSameVector(after.embeddings.get(lost.chunk_id), lostVector!);
  expectSameVector(after.embeddings.get(doubled.chunk_id), doubledVector!);

  expect(await audit(other)).toMatchObject({ pg_chunks: 8, milvus_vectors: 8, ...CLEAN });
  const otherAfter = await storedVectors(otherChunks.map((chunk) => chunk.chunk_id));
  expect(otherAfter.rows).toBe(8);
  for (const [id, vector] of otherBefore.embeddings) expectSameVector(otherAfter.embeddings.get(id), vector);
});

test('chunks of unfinished jobs are in flight, rows of rolled-back jobs are reported, and the repair touches neither', async () => {
  const account = uniqueAccount('audit_jobs');
  await seed({ accountName: account, documents: 1, chunksPerDocument: 3 });
  const running = await seed({
    accountName: account,
    documents: 1,
    chunksPerDocument: 2,
    job: { status: 'processing' },
    withVectors: false,
  });
  await seed({ accountName: account, documents: 1, chunksPerDocument: 1, job: { status: 'pending' }, withVectors: false });
  // A failed job rolls back before it is marked failed: rows of one are leaked. Likewise a job cancelled with rollback.
  const leaked = await seed({ accountName: account, documents: 1, chunksPerDocument: 2, job: { status: 'failed' }, withVectors: false });
  const cancelled = await seed({
    accountName: account,
    documents: 1,
    chunksPerDocument: 1,
    job: { status: 'cancelled', rolledBack: true },
  });
  // Written without a job (as the synchronous API did) a moment ago: its vector may still be on its way.
  const jobless = await seed({ accountName: account, documents: 1, chunksPerDocument: 2, job: null, withVectors: false });

  const report = await audit(account);
  expect(report).toMatchObject({
    pg_chunks: 11,
    milvus_vectors: 4,
    missing: 0,
    orphans: 0,
    duplicates: 0,
    in_flight: 5,
    rolled_back_rows: 3,
    drift: 3,
    examples: { rolled_back_rows: [...leaked, ...cancelled].map((chunk) => chunk.chunk_id) },
  });
  // Without the grace the job-less chunks are settled, and missing.
  expect(await audit(account, { joblessGraceSeconds: 0 })).toMatchObject({
    in_flight: 3,
    missing: 2,
    examples: { missing: jobless.map((chunk) => chunk.chunk_id) },
  });

  const repaired = await audit(account, { repairWith: runtime.embedder });
  expect(repaired.repair).toEqual({ rewritten: 0, deleted: 0, skipped: 0, left: 3 });
  const untouched = await storedVectors([...running, ...leaked].map((chunk) => chunk.chunk_id));
  expect(untouched.rows).toBe(0);
  const summary = await auditConsistency(runtime, { accountName: account, repairWith: runtime.embedder });
  expect(summary.clean).toBe(false);
});

test('the repair re-checks right before it writes: a chunk deleted or gone in flight meanwhile is skipped, not written', async () => {
  const account = uniqueAccount('audit_race');
  const [gone] = await seed({ accountName: account, documents: 1, chunksPerDocument: 1, label: 'gone' });
  const reopenedJob = await seedChunks(runtime.pool, { accountName: account, documents: 1, chunksPerDocument: 1, label: 'reopened' });
  const reopened = reopenedJob.chunks[0]!;
  await deleteVectors([gone!.chunk_id]);
  // A writer acts while the repair embeds (after the audit confirmed both chunks missing, before the repair's locked re-check).
  const embedder: Embedder = {
    model: runtime.embedder.model,
    dimension: runtime.embedder.dimension,
    embed: async (texts) => {
      await runtime.pool.query('DELETE FROM documents WHERE id = $1', [gone!.document_id]);
      await runtime.pool.query("UPDATE ingest_jobs SET status = 'processing', finished_at = NULL WHERE id = $1", [reopenedJob.jobId]);
      return runtime.embedder.embed(texts);
    },
  };
  const repaired = await audit(account, { repairWith: embedder });
  expect(repaired).toMatchObject({ missing: 2, repair: { rewritten: 0, deleted: 0, skipped: 2, left: 0 } });
  expect((await storedVectors([gone!.chunk_id, reopened.chunk_id])).rows).toBe(0);
  expect(await audit(account)).toMatchObject({ pg_chunks: 1, milvus_vectors: 0, in_flight: 1, missing: 0, orphans: 0, drift: 0 });
});
