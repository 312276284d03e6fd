import type { Pool, PoolClient } from 'pg';
import {
  documentKey,
  errorMessage,
  StorageRejectedError,
  type DocumentInput,
  type DocumentStore,
  type InsertOutcome,
  type OnExisting,
  type RunFence,
  type StoredDocument,
} from '@nonstop/core';
import { contentHash } from './content-hash';
import { findVersions, planDocument, plannedAction, updateMetadata, type PlannedAction } from './document-versions';
import { FencedOutError } from './fenced-out-error';
import { runQuery, withTransaction } from './transaction';

interface DocumentRow {
  id: string;
  chat_bot_id: string;
  content_name: string;
  job_id: string | null;
  replaces: string | null;
}
interface ChunkRow {
  id: string;
  document_id: string;
  chunk_index: number;
  text: string;
}

/**
 * Documents and chunks in PostgreSQL. Every call is one transaction with one
 * multi-row statement per table (unnest of arrays), whatever the batch size.
 * A write stages a new version; activateDocuments makes it the one readers
 * see once its vectors are written (see document-versions.ts).
 */
export class PgDocumentStore implements DocumentStore {
  constructor(private readonly pool: Pool) {}

  async insertDocuments(
    accountName: string,
    documents: DocumentInput[],
    fence: RunFence,
    onExisting: OnExisting = 'fail',
  ): Promise<InsertOutcome[]> {
    if (documents.length === 0) return [];
    return rejectionsAsDocumentErrors(() =>
      withTransaction(this.pool, async (client) => {
        await assertRunMayWrite(client, fence);
        const versions = await findVersions(client, accountName, documents, fence.jobId);
        const plans = documents.map((document, i) => planDocument(document, versions[i]!, onExisting));
        const staged = await this.stageVersions(
          client,
          accountName,
          fence.jobId,
          documents.flatMap((document, i) => {
            const plan = plans[i]!;
            return plan.kind === 'stage' ? [{ document, replaces: plan.replaces }] : [];
          }),
        );
        await updateMetadata(
          client,
          documents.flatMap((document, i) => {
            const plan = plans[i]!;
            return plan.kind === 'metadata_updated' ? [{ docId: plan.active.id, metadata: document.metadata }] : [];
          }),
        );

        const ownIds = plans.flatMap((plan) => (plan.kind === 'resume' ? [plan.own.id] : []));
        const resumedChunks = await this.loadChunks(client, ownIds);
        return plans.map((plan, i): InsertOutcome => {
          const key = documentKey(documents[i]!);
          switch (plan.kind) {
            case 'already_exists':
              return { kind: 'already_exists' };
            case 'unchanged':
            case 'metadata_updated':
              return { kind: plan.kind, existing: { doc_id: Number(plan.active.id), chunks_count: plan.active.chunks_count } };
            case 'resume':
              return {
                kind: 'resumed',
                document: toStoredDocument(plan.own, resumedChunks.get(plan.own.id) ?? []),
                replaces: plan.own.replaces === null ? null : Number(plan.own.replaces),
              };
            case 'stage': {
              const row = staged.get(key);
              if (!row) return onExisting === 'fail' ? { kind: 'already_exists' } : { kind: 'concurrent_write' };
              return { kind: 'inserted', document: toStoredDocument(row.document, row.chunks), replaces: plan.replaces };
            }
          }
        });
      }),
    );
  }

  /**
   * A dry run: what insertDocuments would do with each document now, read in
   * one statement, writing nothing. `doc_id` is the active version's.
   */
  async planInserts(
    accountName: string,
    documents: DocumentInput[],
    onExisting: OnExisting,
  ): Promise<Array<{ action: PlannedAction; doc_id?: number }>> {
    if (documents.length === 0) return [];
    // No job owns anything yet: the nil id matches no row's job.
    const versions = await findVersions(this.pool, accountName, documents, '00000000-0000-0000-0000-000000000000');
    return documents.map((document, i) => {
      const found = versions[i]!;
      const action = plannedAction(planDocument(document, found, onExisting));
      return found.active ? { action, doc_id: Number(found.active.id) } : { action };
    });
  }

  async activateDocuments(versions: Array<{ docId: number; mayReplace: boolean }>, fence: RunFence): Promise<number[]> {
    if (versions.length === 0) return [];
    return withTransaction(this.pool, async (client) => {
      await assertRunMayWrite(client, fence);
      const ids = versions.map((v) => v.docId);
      const replacing = versions.filter((v) => v.mayReplace).map((v) => v.docId);
      await client.query(
        `UPDATE documents old SET state = 'superseded', superseded_by_job = $2
           FROM documents mine
          WHERE mine.id = ANY($1::bigint[]) AND mine.job_id = $2 AND mine.state = 'staged'
            AND old.account_name = mine.account_name AND old.chat_bot_id = mine.chat_bot_id
            AND old.content_name_digest = mine.content_name_digest AND old.state = 'active'`,
        [replacing, fence.jobId],
      );
      // A new document under `fail` whose identity became active meanwhile (another job
      // activated it between this one's check and its staging) stays out: it already exists.
      const blocked = await client.query<{ id: string }>(
        `SELECT mine.id FROM documents mine
          WHERE mine.id = ANY($1::bigint[]) AND mine.job_id = $2 AND mine.state = 'staged'
            AND EXISTS (SELECT 1 FROM documents a
                         WHERE a.account_name = mine.account_name AND a.chat_bot_id = mine.chat_bot_id
                           AND a.content_name_digest = mine.content_name_digest AND a.state = 'active')`,
        [ids, fence.jobId],
      );
      const blockedIds = blocked.rows.map((row) => row.id);
      await client.query(
        `UPDATE documents SET state = 'active'
          WHERE id = ANY($1::bigint[]) AND job_id = $2 AND state = 'staged' AND NOT (id = ANY($3::bigint[]))`,
        [ids, fence.jobId, blockedIds],
      );
      return blockedIds.map(Number);
    });
  }

  /** Inserts staged versions and their chunks; a version another job has staged is left out (absent from the map). */
  private async stageVersions(
    client: PoolClient,
    accountName: string,
    jobId: string,
    versions: Array<{ document: DocumentInput; replaces: number | null }>,
  ): Promise<Map<string, { document: DocumentRow; chunks: ChunkRow[] }>> {
    if (versions.length === 0) return new Map();
    const toStage = versions.map((v) => v.document);
    // Rows go in one stable order (the identity's), whatever the request's: two jobs
    // inserting the same documents then wait for each other instead of deadlocking.
    const inserted = await client.query<DocumentRow>(
      `INSERT INTO documents (account_name, chat_bot_id, content_name, metadata, chunks_count, content_hash, job_id, state, replaces)
       SELECT $1, d.chat_bot_id, d.content_name, d.metadata, d.chunks_count, d.content_hash, $7::uuid, 'staged', d.replaces
         FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::int[], $6::text[], $8::bigint[])
           AS d (chat_bot_id, content_name, metadata, chunks_count, content_hash, replaces)
        ORDER BY d.chat_bot_id, sha256(convert_to(d.content_name, 'UTF8'))
       ON CONFLICT (account_name, chat_bot_id, content_name_digest) WHERE state = 'staged' DO NOTHING
       RETURNING id, chat_bot_id, content_name, job_id, replaces`,
      [
        accountName,
        toStage.map((d) => d.chat_bot_id),
        toStage.map((d) => d.content_name),
        toStage.map((d) => JSON.stringify(d.metadata ?? {})),
        toStage.map((d) => d.chunks.length),
        toStage.map((d) => contentHash(d.chunks)),
        jobId,
        versions.map((v) => v.replaces),
      ],
    );
    const rowsByKey = new Map(inserted.rows.map((row) => [documentKey(row), row]));
    const newChunks = toStage.flatMap((d) => {
      const row = rowsByKey.get(documentKey(d));
      return row ? d.chunks.map((c) => ({ documentId: row.id, ...c })) : [];
    });
    const chunksByDocument = groupChunks(await this.insertChunks(client, newChunks));
    return new Map([...rowsByKey].map(([key, row]) => [key, { document: row, chunks: chunksByDocument.get(row.id) ?? [] }]));
  }

  /**
   * Removes documents this run wrote, and records their vectors for deletion in
   * the same transaction (see pendingVectorDeletes): the caller deletes the
   * vectors next and then clears the record; a crash in between leaves the
   * record to the sweeper. Rows go first because they are what a newer run of
   * the job would resume: once they are gone, deleting their vectors can no
   * longer remove anything a newer run wrote.
   */
  async deleteDocuments(docIds: number[], fence: RunFence): Promise<void> {
    if (docIds.length === 0) return;
    await withTransaction(this.pool, async (client) => {
      await assertRunMayWrite(client, fence);
      await client.query(
        `WITH removed AS (DELETE FROM documents WHERE id = ANY($1::bigint[]) AND job_id = $2 RETURNING id)
         INSERT INTO pending_vector_deletes (document_id, queue_prefix)
         SELECT removed.id, j.queue_prefix FROM removed, ingest_jobs j WHERE j.id = $2
         ON CONFLICT (document_id) DO NOTHING`,
        [docIds, fence.jobId],
      );
    });
  }

  /** Documents whose rows are gone but whose vectors may not be, oldest first, of one deployment. */
  async pendingVectorDeletes(queuePrefix: string, limit: number): Promise<number[]> {
    const result = await runQuery<{ document_id: string }>(
      this.pool,
      // A running delete job's records are its own: it deletes and checks them before it completes.
      `SELECT p.document_id FROM pending_vector_deletes p
        WHERE p.queue_prefix = $1
          AND NOT EXISTS (SELECT 1 FROM ingest_jobs j WHERE j.id = p.job_id AND j.status IN ('pending', 'processing'))
        ORDER BY p.requested_at LIMIT $2`,
      [queuePrefix, limit],
    );
    return result.rows.map((row) => Number(row.document_id));
  }

  async pendingVectorDeletesOfJob(jobId: string): Promise<number[]> {
    const result = await runQuery<{ document_id: string }>(
      this.pool,
      'SELECT document_id FROM pending_vector_deletes WHERE job_id = $1 ORDER BY document_id',
      [jobId],
    );
    return result.rows.map((row) => Number(row.document_id));
  }

  async clearPendingVectorDeletes(docIds: number[]): Promise<void> {
    if (docIds.length === 0) return;
    await runQuery(this.pool, 'DELETE FROM pending_vector_deletes WHERE document_id = ANY($1::bigint[])', [docIds]);
  }

  private async insertChunks(
    client: PoolClient,
    chunks: Array<{ documentId: string; chunk_index: number; text: string }>,
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

  private async loadChunks(client: PoolClient, documentIds: string[]): Promise<Map<string, ChunkRow[]>> {
    if (documentIds.length === 0) return new Map();
    const result = await client.query<ChunkRow>(
      `SELECT id, document_id, chunk_index, text FROM document_chunks
        WHERE document_id = ANY($1::bigint[]) ORDER BY document_id, chunk_index`,
      [documentIds],
    );
    return groupChunks(result.rows);
  }
}

/**
 * Only the current run of a processing job may write: a late batch of an
 * earlier run (its worker stalled, the job expired or was taken over) would
 * leave rows nobody owns or undo the newer run's. The shared row lock orders
 * this check against every change of the job row (a new run, a rollback).
 */
export async function assertRunMayWrite(client: PoolClient, fence: RunFence): Promise<void> {
  const result = await client.query<{ status: string; rolled_back_at: Date | null; run_count: number }>(
    'SELECT status, rolled_back_at, run_count FROM ingest_jobs WHERE id = $1 FOR SHARE',
    [fence.jobId],
  );
  const job = result.rows[0];
  if (!job) throw new FencedOutError(`job ${fence.jobId} no longer exists`);
  if (job.rolled_back_at !== null || job.status !== 'processing') {
    throw new FencedOutError(
      `job ${fence.jobId} is ${job.rolled_back_at ? 'rolled back' : job.status}; its documents are no longer written`,
    );
  }
  if (job.run_count !== fence.run) {
    throw new FencedOutError(`run ${fence.run} of job ${fence.jobId} was superseded by run ${job.run_count}`);
  }
}

/**
 * SQLSTATE classes of a statement refused for its data: 22 (a value out of
 * range, an invalid encoding), 23 (a violated constraint), 54 (past a limit,
 * such as an index row too large). Each belongs to some document of the batch.
 */
const REJECTED_DATA_CLASSES = new Set(['22', '23', '54']);

async function rejectionsAsDocumentErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && REJECTED_DATA_CLASSES.has(code.slice(0, 2))) {
      throw new StorageRejectedError(`${errorMessage(error)} (SQLSTATE ${code})`, { cause: error });
    }
    throw error;
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
