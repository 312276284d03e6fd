import type { Pool, PoolClient } from 'pg';
import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  currentTraceContext,
  DocumentErrorCode,
  UnprocessableError,
  type DocumentInput,
  type OnExisting,
  type RunFence,
} from '@nonstop/core';
import { FencedOutError } from './fenced-out-error';
import { runQuery, withTransaction } from './transaction';
import { stageDeleteTargets, type DeleteScope } from './delete-targets';
import type { JobKind, JobRow, JobStatus, LedgerRow, LedgerStatus, LedgerUpdate, PendingDocument } from './job-rows';
import { recordLedgerResults } from './ledger-results';
import { reserveQueuedQuota, type QueuedQuota } from './queued-quota';
import { restoreSupersededVersions, retireSupersededVersions } from './version-lifecycle';

/** The scope as the receipt shows it: the names themselves are the ledger's, not repeated in every status read. */
function receiptScope(scope: DeleteScope): Record<string, unknown> {
  return {
    ...(scope.chat_bot_id !== undefined ? { chat_bot_id: scope.chat_bot_id } : {}),
    ...(scope.content_names !== undefined ? { content_names_count: scope.content_names.length } : {}),
  };
}

/** What every new job records, whatever it does. */
interface JobRowFields {
  id: string;
  accountName: string;
  webhookUrl?: string;
  idempotencyKey?: string;
  requestHash: string;
  expiresAt: Date;
  /** BullMQ prefix of the accepting deployment (recovery scope). */
  queuePrefix?: string;
  /** 'sync': a POST /data/insert/batch request that its API runs itself. Default 'job'. */
  origin?: JobOrigin;
  /** How the insert treats documents that already exist. Default 'fail'. */
  onExisting?: OnExisting;
  /** The job whose failed documents this one runs again. */
  retryOf?: string;
}

export interface NewJob extends JobRowFields {
  documents: DocumentInput[];
  /** Later copies of a document in the same request, by position -> first position. */
  duplicates: Map<number, number>;
  /** The account's queued quota, checked in the staging transaction (QueuedQuotaExceededError past it); none: unchecked. */
  quota?: QueuedQuota;
}

export interface NewDeleteJob extends JobRowFields {
  scope: DeleteScope;
}

export type JobOrigin = 'job' | 'sync';

/**
 * Rows per INSERT when staging a job, and the chunk and metadata text one
 * INSERT carries at most: each statement's parameters are serialised and
 * escaped in memory, so a statement is held two or three times while sent.
 * Bounded this way, staging a 200 MB body adds tens of MB at most, not a copy of it.
 */
const STAGE_ROWS_PER_STATEMENT = 1_000;
const STAGE_CHARACTERS_PER_STATEMENT = 4 * 1024 * 1024;

/** A document as one ledger row holds it. */
interface StagedRow {
  position: number;
  document: DocumentInput;
  chunks: string;
  metadata: string | null;
}

/** The documents as rows, cut into statements by STAGE_ROWS_PER_STATEMENT and STAGE_CHARACTERS_PER_STATEMENT. */
function* stagingStatements(documents: DocumentInput[]): Generator<StagedRow[]> {
  let rows: StagedRow[] = [];
  let characters = 0;
  for (const [position, document] of documents.entries()) {
    const row = {
      position,
      document,
      chunks: JSON.stringify(document.chunks),
      metadata: document.metadata === undefined ? null : JSON.stringify(document.metadata),
    };
    rows.push(row);
    characters += row.chunks.length + (row.metadata?.length ?? 0);
    if (rows.length >= STAGE_ROWS_PER_STATEMENT || characters >= STAGE_CHARACTERS_PER_STATEMENT) {
      yield rows;
      rows = [];
      characters = 0;
    }
  }
  if (rows.length > 0) yield rows;
}

/**
 * Jobs and their per-document ledger in PostgreSQL: the durable record of
 * every job's documents, progress and results. Redis only schedules.
 */
export class PgJobStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Stages a job and all of its documents in one transaction. With an
   * idempotency key already used by this account, returns that job when the
   * request is the same and refuses a different one.
   */
  async createJob(job: NewJob): Promise<{ job: JobRow; created: boolean }> {
    return withTransaction(this.pool, async (client) => {
      const row = await this.insertJobRow(client, job, {
        kind: 'insert',
        totalDocuments: job.documents.length,
        failedAtStart: job.duplicates.size,
      });
      if (!row.inserted) return row.existing;
      for (const rows of stagingStatements(job.documents)) await this.stageDocuments(client, job, rows);
      const queuedChunks = job.documents.reduce((sum, doc, position) => sum + (job.duplicates.has(position) ? 0 : doc.chunks.length), 0);
      await reserveQueuedQuota(
        client,
        { id: job.id, accountName: job.accountName, documents: job.documents.length - job.duplicates.size },
        queuedChunks,
        job.quota,
      );
      return { job: row.inserted, created: true };
    });
  }

  /**
   * Stages a delete job: the documents it deletes are listed in its ledger
   * in the same transaction (named ones, or every active one of the bot or
   * account), with the receipt's counts before.
   */
  async createDeleteJob(job: NewDeleteJob): Promise<{ job: JobRow; created: boolean }> {
    return withTransaction(this.pool, async (client) => {
      const row = await this.insertJobRow(client, job, { kind: 'delete', totalDocuments: 0, failedAtStart: 0 });
      if (!row.inserted) return row.existing;
      const before = await stageDeleteTargets(client, job.id, job.accountName, job.scope);
      const staged = await client.query<JobRow>('UPDATE ingest_jobs SET total_documents = $2, receipt = $3 WHERE id = $1 RETURNING *', [
        job.id,
        before.listed,
        JSON.stringify({ scope: receiptScope(job.scope), documents_before: before.documents, chunks_before: before.chunks }),
      ]);
      return { job: staged.rows[0]!, created: true };
    });
  }

  /**
   * The job's row, or the job an earlier request made: the same id (a retry
   * whose first COMMIT went through, its reply lost) or the same idempotency key.
   */
  private async insertJobRow(
    client: PoolClient,
    job: JobRowFields,
    shape: { kind: JobKind; totalDocuments: number; failedAtStart: number },
  ): Promise<{ inserted: JobRow; existing?: never } | { inserted?: never; existing: { job: JobRow; created: boolean } }> {
    // ON CONFLICT: two requests racing with the same key wait for each other
    // here, and the second returns the first's job instead of failing.
    // trace_context: the trace active while the job is staged (the accepting request's span), continued by its runs.
    const traceContext = currentTraceContext();
    const inserted = await client.query<JobRow>(
      `INSERT INTO ingest_jobs (id, account_name, status, total_documents, processed_documents, failure_count,
                                webhook_url, idempotency_key, request_hash, expires_at, queue_prefix, origin, on_existing, retry_of, kind,
                                trace_context)
       VALUES ($1, $2, 'pending', $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT DO NOTHING RETURNING *`,
      [
        job.id,
        job.accountName,
        shape.totalDocuments,
        shape.failedAtStart,
        job.webhookUrl ?? null,
        job.idempotencyKey ?? null,
        job.requestHash,
        job.expiresAt,
        job.queuePrefix ?? 'nonstop',
        job.origin ?? 'job',
        job.onExisting ?? 'fail',
        job.retryOf ?? null,
        shape.kind,
        traceContext ? JSON.stringify(traceContext) : null,
      ],
    );
    if (inserted.rows[0]) return { inserted: inserted.rows[0] };
    // The id is new for every request: finding it means this is the retry of an attempt whose
    // COMMIT went through but whose reply was lost, and the job (with its documents) is ours.
    const ours = await client.query<JobRow>('SELECT * FROM ingest_jobs WHERE id = $1', [job.id]);
    if (ours.rows[0]) return { existing: { job: ours.rows[0], created: true } };
    return { existing: { job: await this.sameRequestJob(client, job), created: false } };
  }

  /** The job an earlier request made with this idempotency key; a different body is refused. */
  private async sameRequestJob(client: PoolClient, job: JobRowFields): Promise<JobRow> {
    const existing = await client.query<JobRow>('SELECT * FROM ingest_jobs WHERE account_name = $1 AND idempotency_key = $2', [
      job.accountName,
      job.idempotencyKey,
    ]);
    const found = existing.rows[0]!;
    if (found.request_hash !== job.requestHash) {
      throw new UnprocessableError(
        'idempotency_key_reused',
        'Idempotency-Key was already used for a different request body; use a new key for a new batch',
      );
    }
    return found;
  }

  private async stageDocuments(client: PoolClient, job: NewJob, rows: StagedRow[]): Promise<void> {
    const positions = rows.map((row) => row.position);
    const duplicateOf = positions.map((p) => job.duplicates.get(p));
    await client.query(
      `INSERT INTO job_documents (job_id, position, chat_bot_id, content_name, chunks, metadata, status, error_code, error_message, finished_at)
       SELECT $1, d.position, d.chat_bot_id, d.content_name, d.chunks, d.metadata,
              CASE WHEN d.duplicate_of IS NULL THEN 'pending' ELSE 'failed' END,
              CASE WHEN d.duplicate_of IS NULL THEN NULL ELSE $8 END,
              CASE WHEN d.duplicate_of IS NULL THEN NULL
                   ELSE 'document already exists (same chat_bot_id and content_name as documents[' || d.duplicate_of || '] of this request)' END,
              CASE WHEN d.duplicate_of IS NULL THEN NULL ELSE now() END
         FROM unnest($2::int[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::int[])
           AS d (position, chat_bot_id, content_name, chunks, metadata, duplicate_of)`,
      [
        job.id,
        positions,
        rows.map((row) => row.document.chat_bot_id),
        rows.map((row) => row.document.content_name),
        rows.map((row) => row.chunks),
        rows.map((row) => row.metadata),
        duplicateOf.map((p) => p ?? null),
        DocumentErrorCode.duplicateInRequest,
      ],
    );
  }

  /** A failed synchronous request kept nothing: its Idempotency-Key may be used again. */
  async releaseIdempotencyKey(jobId: string): Promise<void> {
    await runQuery(this.pool, `UPDATE ingest_jobs SET idempotency_key = NULL WHERE id = $1 AND status = 'failed'`, [jobId]);
  }

  async getJob(jobId: string): Promise<JobRow | undefined> {
    const result = await runQuery<JobRow>(this.pool, 'SELECT * FROM ingest_jobs WHERE id = $1', [jobId]);
    return result.rows[0];
  }

  async listResults(jobId: string, options: { afterPosition?: number; limit: number; status?: LedgerStatus }): Promise<LedgerRow[]> {
    const result = await runQuery<LedgerRow>(
      this.pool,
      `SELECT position, chat_bot_id, content_name, status, doc_id, chunks_count, action, error_code, error_message
         FROM job_documents
        WHERE job_id = $1 AND position > $2 AND ($3::text IS NULL OR status = $3)
        ORDER BY position LIMIT $4`,
      [jobId, options.afterPosition ?? -1, options.status ?? null, options.limit],
    );
    return result.rows;
  }

  /** A finished job's failed documents, as they were sent (the ledger keeps their chunks), in order. */
  async failedDocuments(jobId: string): Promise<DocumentInput[]> {
    const result = await runQuery<PendingDocument>(
      this.pool,
      `SELECT position, chat_bot_id, content_name, chunks, metadata, doc_id FROM job_documents
        WHERE job_id = $1 AND status = 'failed' ORDER BY position`,
      [jobId],
    );
    return result.rows.map((row) => ({
      chat_bot_id: row.chat_bot_id,
      content_name: row.content_name,
      chunks: row.chunks,
      ...(row.metadata ? { metadata: row.metadata } : {}),
    }));
  }

  /** Moves a job to processing (first start or a resume) and returns it; undefined if it is gone or final. */
  async startJob(jobId: string): Promise<JobRow | undefined> {
    const result = await runQuery<JobRow>(
      this.pool,
      `UPDATE ingest_jobs
          SET status = 'processing', started_at = COALESCE(started_at, now()), updated_at = now(), run_count = run_count + 1
        WHERE id = $1 AND status IN ('pending', 'processing') RETURNING *`,
      [jobId],
    );
    return result.rows[0];
  }

  async nextPendingDocuments(jobId: string, limit: number): Promise<PendingDocument[]> {
    const result = await runQuery<PendingDocument>(
      this.pool,
      `SELECT position, chat_bot_id, content_name, chunks, metadata, doc_id FROM job_documents
        WHERE job_id = $1 AND status = 'pending' ORDER BY position LIMIT $2`,
      [jobId, limit],
    );
    return result.rows;
  }

  /**
   * Records finished documents and moves the job's counters in the same
   * transaction. Only rows still pending change, so a replay after a crash
   * counts nothing twice.
   */
  async recordResults(fence: RunFence, updates: LedgerUpdate[]): Promise<JobRow> {
    return recordLedgerResults((sql, params) => runQuery<JobRow>(this.pool, sql, params), fence, updates);
  }

  async cancelState(jobId: string): Promise<{ cancelRequested: boolean; rollback: boolean }> {
    const result = await runQuery<{ cancel_requested_at: Date | null; rollback_requested: boolean }>(
      this.pool,
      'SELECT cancel_requested_at, rollback_requested FROM ingest_jobs WHERE id = $1',
      [jobId],
    );
    const row = result.rows[0];
    return { cancelRequested: row?.cancel_requested_at != null, rollback: row?.rollback_requested ?? false };
  }

  /**
   * A user's cancel. A pending job is cancelled at once; a processing one is
   * flagged, and its worker stops after the document in hand.
   */
  async requestCancel(jobId: string, rollback: boolean): Promise<JobRow> {
    const requestId = randomUUID();
    return withTransaction(this.pool, async (client) => {
      const locked = await client.query<JobRow & { cancel_request_id: string | null }>(
        'SELECT * FROM ingest_jobs WHERE id = $1 FOR UPDATE',
        [jobId],
      );
      const job = locked.rows[0];
      if (!job) throw new ConflictError('job_gone', 'job no longer exists');
      // A retry after a lost COMMIT reply: this very request cancelled it.
      if (job.cancel_request_id === requestId) return job;
      if (job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') {
        throw new ConflictError('job_finished', `job already ${job.status}; only pending or processing jobs can be cancelled`);
      }
      await client.query(
        'UPDATE ingest_jobs SET cancel_requested_at = now(), rollback_requested = $2, cancel_request_id = $3, updated_at = now() WHERE id = $1',
        [jobId, rollback, requestId],
      );
      if (job.status === 'pending') await this.closeAsCancelled(client, jobId, null);
      return (await client.query<JobRow>('SELECT * FROM ingest_jobs WHERE id = $1', [jobId])).rows[0]!;
    });
  }

  /** Marks the documents not yet processed as cancelled and the job as cancelled. */
  async finishCancelled(fence: RunFence): Promise<JobRow> {
    return withTransaction(this.pool, async (client) => {
      await this.closeAsCancelled(client, fence.jobId, fence.run);
      return (await client.query<JobRow>('SELECT * FROM ingest_jobs WHERE id = $1', [fence.jobId])).rows[0]!;
    });
  }

  /** Pending documents and the job become cancelled; `run` null only for a job no run has started (under its row lock). */
  private async closeAsCancelled(client: PoolClient, jobId: string, run: number | null): Promise<void> {
    await this.finishWith(client, jobId, 'cancelled', null, null, run);
    await client.query(
      `UPDATE job_documents SET status = 'cancelled', error_code = $2, error_message = 'job cancelled before this document was processed',
              finished_at = now()
        WHERE job_id = $1 AND status = 'pending'`,
      [jobId, DocumentErrorCode.cancelled],
    );
    await this.recount(client, jobId);
  }

  /** Ends the run's job and recounts its counters from the ledger, the authoritative record. */
  async finishJob(fence: RunFence, status: JobStatus, error?: { code: string; message: string }): Promise<JobRow> {
    return withTransaction(this.pool, async (client) => {
      await this.finishWith(client, fence.jobId, status, error?.code ?? null, error?.message ?? null, fence.run);
      await this.recount(client, fence.jobId);
      return (await client.query<JobRow>('SELECT * FROM ingest_jobs WHERE id = $1', [fence.jobId])).rows[0]!;
    });
  }

  /**
   * The final transition, only from an unfinished state and only by the run
   * that owns the job: a run that outlived its job can never turn `failed`
   * into `completed`. A refused transition rolls back the transaction.
   */
  private async finishWith(
    client: PoolClient,
    jobId: string,
    status: JobStatus,
    code: string | null,
    message: string | null,
    run: number | null,
  ): Promise<void> {
    const ended = await client.query(
      `UPDATE ingest_jobs SET status = $2, error_code = $3, error_message = $4, finished_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('pending', 'processing') AND ($5::int IS NULL OR run_count = $5)`,
      [jobId, status, code, message, run],
    );
    if (ended.rowCount === 1) {
      if (status !== 'failed') await retireSupersededVersions(client, jobId);
      return;
    }
    // The retry of a transaction whose COMMIT went through (its reply was lost) finds its own work done.
    const current = await client.query<{ status: JobStatus; run_count: number }>(
      'SELECT status, run_count FROM ingest_jobs WHERE id = $1',
      [jobId],
    );
    const row = current.rows[0];
    if (row && row.status === status && (run === null || row.run_count === run)) return;
    throw new FencedOutError(`job ${jobId} is no longer run ${run ?? 'unstarted'}'s to end as ${status}`);
  }

  private async recount(client: PoolClient, jobId: string): Promise<void> {
    await client.query(
      `UPDATE ingest_jobs j SET
         success_count = c.succeeded, failure_count = c.failed, cancelled_count = c.cancelled,
         rolled_back_count = c.rolled_back, processed_documents = c.succeeded + c.failed + c.rolled_back
       FROM (SELECT count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                    count(*) FILTER (WHERE status = 'failed') AS failed,
                    count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
                    count(*) FILTER (WHERE status = 'rolled_back') AS rolled_back
               FROM job_documents WHERE job_id = $1) c
       WHERE j.id = $1`,
      [jobId],
    );
  }

  /**
   * Removes every document row the job wrote (whatever the ledger says, so
   * rows of documents in flight go too) and marks its successes rolled back.
   * Returns the removed document ids so their vectors can be deleted.
   */
  async rollbackRows(fence: RunFence, reason: string): Promise<number[]> {
    const jobId = fence.jobId;
    return withTransaction(this.pool, async (client) => {
      // Fence first: PgDocumentStore refuses to write for a job once this is set.
      const marked = await client.query(
        `UPDATE ingest_jobs SET rolled_back_at = COALESCE(rolled_back_at, now()), vectors_cleanup_pending = true
          WHERE id = $1 AND run_count = $2 AND status = 'processing'`,
        [jobId, fence.run],
      );
      if (marked.rowCount !== 1) throw new FencedOutError(`run ${fence.run} of job ${jobId} no longer owns it; it does not roll it back`);
      const removed = await client.query<{ id: string }>('DELETE FROM documents WHERE job_id = $1 RETURNING id', [jobId]);
      await restoreSupersededVersions(client, jobId);
      await client.query(
        `UPDATE job_documents SET status = 'rolled_back', error_code = $2, error_message = $3, doc_id = NULL, chunks_count = 0, action = NULL
          WHERE job_id = $1 AND status = 'succeeded'`,
        [jobId, DocumentErrorCode.rolledBack, reason],
      );
      return removed.rows.map((row) => Number(row.id));
    });
  }

  async setVectorsCleanupPending(jobId: string, pending: boolean): Promise<void> {
    await runQuery(this.pool, 'UPDATE ingest_jobs SET vectors_cleanup_pending = $2 WHERE id = $1', [jobId, pending]);
  }

  async jobsNeedingVectorCleanup(queuePrefix: string, limit: number): Promise<string[]> {
    const result = await runQuery<{ id: string }>(
      this.pool,
      'SELECT id FROM ingest_jobs WHERE vectors_cleanup_pending AND queue_prefix = $1 LIMIT $2',
      [queuePrefix, limit],
    );
    return result.rows.map((row) => row.id);
  }

  /**
   * Jobs of this deployment (queue prefix) to resume: pending or processing and
   * not expired. A synchronous request belongs to the API running it while that
   * API keeps it moving; one not updated for `abandonedSyncMs` is resumed here.
   */
  async findIncompleteJobs(queuePrefix: string, abandonedSyncMs: number): Promise<Array<Pick<JobRow, 'id' | 'status' | 'created_at'>>> {
    const result = await runQuery<Pick<JobRow, 'id' | 'status' | 'created_at'>>(
      this.pool,
      `SELECT id, status, created_at FROM ingest_jobs
        WHERE status IN ('pending', 'processing') AND expires_at > now() AND queue_prefix = $1
          AND (origin = 'job' OR updated_at < now() - make_interval(secs => $2 / 1000.0))
        ORDER BY created_at`,
      [queuePrefix, abandonedSyncMs],
    );
    return result.rows;
  }

  /** Of this deployment's jobs: unfinished ones past their expiry fail; finished ones past their retention are deleted. */
  async sweep(
    queuePrefix: string,
    retention: { completedHours: number; failedHours: number },
  ): Promise<{ expired: string[]; deleted: number }> {
    const expired = await runQuery<{ id: string }>(
      this.pool,
      `SELECT id FROM ingest_jobs WHERE status IN ('pending', 'processing') AND expires_at <= now() AND queue_prefix = $1`,
      [queuePrefix],
    );
    const deleted = await runQuery(
      this.pool,
      `DELETE FROM ingest_jobs
        WHERE queue_prefix = $3
          AND ((status IN ('completed', 'cancelled') AND finished_at < now() - make_interval(hours => $1))
            OR (status = 'failed' AND finished_at < now() - make_interval(hours => $2)))`,
      [retention.completedHours, retention.failedHours, queuePrefix],
    );
    return { expired: expired.rows.map((row) => row.id), deleted: deleted.rowCount ?? 0 };
  }
}
