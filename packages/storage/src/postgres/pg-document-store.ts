import type { Pool, PoolClient } from 'pg';
import {
  documentKey, type DocumentInput, type DocumentStore, type InsertOutcome, type StoredDocument,
} from '@nonstop/core';
import { contentHash } from './content-hash';
import { runQuery, withTransaction } from './transaction';

interface DocumentRow { id: string; chat_bot_id: string; content_name: string; job_id: string | null }
interface ChunkRow { id: string; document_id: string; chunk_index: number; text: string }

/**
 * Documents and chunks in PostgreSQL. Every call is one transaction with one
 * multi-row statement per table (unnest of arrays), whatever the batch size.
 */
export class PgDocumentStore implements DocumentStore {
  constructor(private readonly pool: Pool) {}

  async insertDocuments(accountName: string, documents: DocumentInput[], jobId: string | null): Promise<InsertOutcome[]> {
    if (documents.length === 0) return [];
    return withTransaction(this.pool, async (client) => {
      if (jobId !== null) await assertJobMayWrite(client, jobId);
      const inserted = await client.query<DocumentRow>(
        `INSERT INTO documents (account_name, chat_bot_id, content_name, metadata, chunks_count, content_hash, job_id)
         SELECT $1, d.chat_bot_id, d.content_name, d.metadata, d.chunks_count, d.content_hash, $7::uuid
           FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::int[], $6::text[])
             AS d (chat_bot_id, content_name, metadata, chunks_count, content_hash)
         ON CONFLICT ON CONSTRAINT documents_identity DO NOTHING
         RETURNING id, chat_bot_id, content_name, job_id`,
        [
          accountName,
          documents.map((d) => d.chat_bot_id),
          documents.map((d) => d.content_name),
          documents.map((d) => JSON.stringify(d.metadata ?? {})),
          documents.map((d) => d.chunks.length),
          documents.map((d) => contentHash(d.chunks)),
          jobId,
        ],
      );
      const insertedByKey = new Map(inserted.rows.map((row) => [documentKey(row), row]));
      const conflicting = documents.filter((d) => !insertedByKey.has(documentKey(d)));
      const ownedByKey = await this.findOwnedByJob(client, accountName, conflicting, jobId);

      const newChunks = documents.flatMap((d) => {
        const row = insertedByKey.get(documentKey(d));
        return row ? d.chunks.map((c) => ({ documentId: row.id, ...c })) : [];
      });
      const chunkRows = await this.insertChunks(client, newChunks);
      const resumedChunkRows = await this.loadChunks(client, [...ownedByKey.values()].map((r) => r.id));
      const chunksByDocument = groupChunks([...chunkRows, ...resumedChunkRows]);

      return documents.map((d): InsertOutcome => {
        const key = documentKey(d);
        const row = insertedByKey.get(key) ?? ownedByKey.get(key);
        if (!row) return { kind: 'already_exists' };
        const document = toStoredDocument(row, chunksByDocument.get(row.id) ?? []);
        return insertedByKey.has(key) ? { kind: 'inserted', document } : { kind: 'resumed', document };
      });
    });
  }

  async deleteDocuments(docIds: number[]): Promise<void> {
    if (docIds.length === 0) return;
    await runQuery(this.pool, 'DELETE FROM documents WHERE id = ANY($1::bigint[])', [docIds]);
  }

  /** Rows that already exist and were written by this same job (a resumed run), by document key. */
  private async findOwnedByJob(
    client: PoolClient, accountName: string, documents: DocumentInput[], jobId: string | null,
  ): Promise<Map<string, DocumentRow>> {
    if (documents.length === 0 || jobId === null) return new Map();
    const result = await client.query<DocumentRow>(
      `SELECT d.id, d.chat_bot_id, d.content_name, d.job_id
         FROM documents d
         JOIN unnest($2::text[], $3::text[]) AS k (chat_bot_id, content_name)
           ON d.chat_bot_id = k.chat_bot_id AND d.content_name = k.content_name
        WHERE d.account_name = $1 AND d.job_id = $4::uuid`,
      [accountName, documents.map((d) => d.chat_bot_id), documents.map((d) => d.content_name), jobId],
    );
    return new Map(result.rows.map((row) => [documentKey(row), row]));
  }

  private async insertChunks(
    client: PoolClient, chunks: Array<{ documentId: string; chunk_index: number; text: string }>,
  ): Promise<ChunkRow[]> {
    if (chunks.length === 0) return [];
    const result = await client.query<ChunkRow>(
      `INSERT INTO document_chunks (document_id, chunk_index, text)
       SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[])
       RETURNING id, document_id, chunk_index, text`,
      [chunks.map((c) => c.documentId), chunks.map((c) => c.chunk_index), chunks.map((c) => c.text)],
    );
    return result.rows;
  }

  private async loadChunks(client: PoolClient, documentIds: string[]): Promise<ChunkRow[]> {
    if (documentIds.length === 0) return [];
    const result = await client.query<ChunkRow>(
      `SELECT id, document_id, chunk_index, text FROM document_chunks
        WHERE document_id = ANY($1::bigint[]) ORDER BY document_id, chunk_index`,
      [documentIds],
    );
    return result.rows;
  }
}

export class JobNotWritableError extends Error {
  override name = 'JobNotWritableError';
}

/**
 * A job that has finished or been rolled back must not gain documents: a late
 * batch of an earlier run would leave rows nobody owns. The shared row lock
 * orders this check against the rollback's update of the same row.
 */
async function assertJobMayWrite(client: PoolClient, jobId: string): Promise<void> {
  const result = await client.query<{ status: string; rolled_back_at: Date | null }>(
    'SELECT status, rolled_back_at FROM ingest_jobs WHERE id = $1 FOR SHARE', [jobId]);
  const job = result.rows[0];
  if (job && (job.rolled_back_at !== null || job.status !== 'processing')) {
    throw new JobNotWritableError(`job ${jobId} is ${job.rolled_back_at ? 'rolled back' : job.status}; its documents are no longer written`);
  }
}

function groupChunks(rows: ChunkRow[]): Map<string, ChunkRow[]> {
  const byDocument = new Map<string, ChunkRow[]>();
  for (const row of rows) {
    const list = byDocument.get(row.document_id) ?? [];
    list.push(row);
    byDocument.set(row.document_id, list);
  }
  return byDocument;
}

function toStoredDocument(row: DocumentRow, chunks: ChunkRow[]): StoredDocument {
  return {
    doc_id: Number(row.id),
    chat_bot_id: row.chat_bot_id,
    content_name: row.content_name,
    chunks: chunks
      .map((c) => ({ chunk_id: Number(c.id), chunk_index: c.chunk_index, text: c.text }))
      .sort((a, b) => a.chunk_index - b.chunk_index),
  };
}
