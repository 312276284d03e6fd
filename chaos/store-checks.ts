import { ConsistencyLevelEnum, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { Pool } from 'pg';
import type { CheckRow } from './check-row';

export interface ExpectedDocument {
  contentName: string;
  texts: string[];
}
export interface StoredChunk {
  chunkId: number;
  docId: number;
  contentName: string;
  chunkIndex: number;
  jobId: string;
}

export interface StoredDocument {
  docId: number;
  jobId: string;
  chunks: number;
}

/**
 * PostgreSQL holds exactly the expected documents, each the one its
 * succeeded result names (doc_id, job: whichever writer won it), with
 * exactly its chunks and their texts.
 */
export async function checkPostgres(
  pool: Pool,
  accountName: string,
  expected: Map<string, ExpectedDocument>,
  succeeded: Map<string, { docId: number; jobId: string }>,
): Promise<{ rows: CheckRow[]; chunks: StoredChunk[]; documents: Map<string, StoredDocument> }> {
  const documents = (
    await pool.query<{ id: string; content_name: string; chunks_count: number; job_id: string }>(
      'SELECT id, content_name, chunks_count, job_id FROM documents WHERE account_name = $1',
      [accountName],
    )
  ).rows;
  const chunkRows = (
    await pool.query<{ id: string; document_id: string; chunk_index: number; text: string }>(
      `SELECT c.id, c.document_id, c.chunk_index, c.text FROM document_chunks c JOIN documents d ON d.id = c.document_id
      WHERE d.account_name = $1`,
      [accountName],
    )
  ).rows;
  const names = new Set(documents.map((d) => d.content_name));
  const missing = [...expected.keys()].filter((name) => !names.has(name));
  const unexpected = documents.filter((d) => !expected.has(d.content_name));
  const wrongId = documents.filter(
    (d) => succeeded.get(d.content_name)?.docId !== Number(d.id) || succeeded.get(d.content_name)?.jobId !== d.job_id,
  );

  const byDocument = new Map<string, typeof chunkRows>();
  for (const chunk of chunkRows) byDocument.set(chunk.document_id, [...(byDocument.get(chunk.document_id) ?? []), chunk]);
  const chunks: StoredChunk[] = [];
  const stored = new Map<string, StoredDocument>();
  let badChunks = 0;
  for (const document of documents) {
    const want = expected.get(document.content_name)?.texts ?? [];
    const have = (byDocument.get(document.id) ?? []).sort((a, b) => a.chunk_index - b.chunk_index);
    const same =
      have.length === want.length &&
      document.chunks_count === want.length &&
      have.every((chunk, i) => chunk.chunk_index === i && chunk.text === want[i]);
    if (!same) badChunks += 1;
    stored.set(document.content_name, { docId: Number(document.id), jobId: document.job_id, chunks: have.length });
    for (const chunk of have) {
      chunks.push({
        chunkId: Number(chunk.id),
        docId: Number(document.id),
        contentName: document.content_name,
        chunkIndex: chunk.chunk_index,
        jobId: document.job_id,
      });
    }
  }
  const expectedChunks = [...expected.values()].reduce((sum, d) => sum + d.texts.length, 0);
  return {
    chunks,
    documents: stored,
    rows: [
      {
        check: 'PostgreSQL: documents are exactly the expected ones',
        expected: `${expected.size}`,
        actual: `${documents.length} (${missing.length} missing, ${unexpected.length} unexpected)`,
        ok: documents.length === expected.size && missing.length === 0 && unexpected.length === 0,
      },
      {
        check: 'PostgreSQL: each document is the one its succeeded result names (doc_id and job)',
        expected: '0 mismatches',
        actual: `${wrongId.length} mismatches`,
        ok: wrongId.length === 0,
      },
      {
        check: 'PostgreSQL: chunks are exactly the expected ones (count, index, text)',
        expected: `${expectedChunks}`,
        actual: `${chunkRows.length} (${badChunks} documents with wrong chunks)`,
        ok: chunkRows.length === expectedChunks && badChunks === 0,
      },
    ],
  };
}

/**
 * Milvus holds exactly one vector per PostgreSQL chunk: a query by every
 * chunk id finds each one, with the document, job and position PostgreSQL
 * has; and count(*) of the account, which counts rows (a second copy of a
 * key included, see milvus-self-test.ts), equals the chunk count. N rows
 * holding all N ids: no duplicate, no vector of another id.
 */
export async function checkMilvus(
  milvus: MilvusClient,
  collection: string,
  accountName: string,
  chunks: StoredChunk[],
): Promise<{ rows: CheckRow[]; missing: Set<number> }> {
  const counted = await milvus.query({
    collection_name: collection,
    filter: `account_name == "${accountName}"`,
    output_fields: ['count(*)'],
    consistency_level: ConsistencyLevelEnum.Strong,
  });
  const total = Number(counted.data[0]?.['count(*)'] ?? -1);
  // The collection is this run's alone: rows of any other account would be strays too.
  const all = await milvus.query({
    collection_name: collection,
    filter: 'chunk_id >= 0',
    output_fields: ['count(*)'],
    consistency_level: ConsistencyLevelEnum.Strong,
  });
  const collectionTotal = Number(all.data[0]?.['count(*)'] ?? -1);
  const seen = new Map<number, number>();
  let mismatched = 0;
  const byId = new Map(chunks.map((chunk) => [chunk.chunkId, chunk]));
  for (let start = 0; start < chunks.length; start += 1_000) {
    const ids = chunks.slice(start, start + 1_000).map((chunk) => chunk.chunkId);
    const result = await milvus.query({
      collection_name: collection,
      filter: `chunk_id in [${ids.join(',')}]`,
      limit: 16_384,
      output_fields: ['chunk_id', 'document_id', 'job_id', 'chunk_index', 'account_name'],
      consistency_level: ConsistencyLevelEnum.Strong,
    });
    for (const row of result.data) {
      const id = Number(row.chunk_id);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      const want = byId.get(id);
      if (
        !want ||
        Number(row.document_id) !== want.docId ||
        row.job_id !== want.jobId ||
        Number(row.chunk_index) !== want.chunkIndex ||
        row.account_name !== accountName
      )
        mismatched += 1;
    }
  }
  const missingIds = new Set(chunks.filter((chunk) => !seen.has(chunk.chunkId)).map((chunk) => chunk.chunkId));
  const missing = missingIds.size;
  const repeated = [...seen.values()].filter((n) => n > 1).length;
  return {
    missing: missingIds,
    rows: [
      {
        check: 'Milvus: count(*) of the account, and of the whole collection, equals the PostgreSQL chunks',
        expected: `${chunks.length}`,
        actual: `${total}, ${collectionTotal}`,
        ok: total === chunks.length && collectionTotal === chunks.length,
      },
      {
        check: 'Milvus: every chunk id has a vector (none missing)',
        expected: '0 missing',
        actual: `${missing} missing`,
        ok: missing === 0,
      },
      {
        check: 'Milvus: no chunk id returned twice by the query',
        expected: '0 repeated',
        actual: `${repeated} repeated`,
        ok: repeated === 0,
      },
      {
        check: 'Milvus: each vector names its PostgreSQL document, job, position, account',
        expected: '0 mismatches',
        actual: `${mismatched} mismatches`,
        ok: mismatched === 0,
      },
    ],
  };
}
