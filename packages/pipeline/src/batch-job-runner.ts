import {
  activeTraceId,
  DocumentErrorCode,
  errorMessage,
  isErrorNamed,
  type DocumentInput,
  type DocumentResult,
  type Logger,
  type RunFence,
} from '@nonstop/core';
import type { JobRow, LedgerUpdate, PendingDocument, PgJobStore } from '@nonstop/storage';
import type { DocumentDeletion } from './delete/document-deletion';
import type { IngestionPipeline } from './ingestion-pipeline';
import { progressOf, type JobProgress } from './job-progress';
import { traceJobRun, traceMicroBatch } from './job-spans';
import { mapWithConcurrency, planMicroBatches } from './micro-batches';
import { StoreOutageGuard } from './store-outage-guard';

export interface JobVectorCleaner {
  deleteByJobId(jobId: string): Promise<void>;
}

export interface JobRunnerOptions {
  jobTimeoutMs: number;
  /**
   * A store outage shorter than this pauses the job, which then resumes from
   * its ledger; a longer one fails it and rolls it back. Default 0: the first
   * outage past the store's own retries fails the job.
   */
  outageGraceMs?: number;
  /** Documents read from the ledger at a time. */
  pageSize: number;
  /** Called with each micro-batch's per-document results once they are recorded in the ledger (metrics). Must not throw. */
  onResultsRecorded?: (results: DocumentResult[]) => void;
  /** Called when this runner ends a job with a final status (completed, failed, cancelled) (metrics). Must not throw. */
  onJobEnded?: (status: 'completed' | 'failed' | 'cancelled') => void;
}

export type RunOutcome =
  | { status: 'completed' | 'failed' | 'cancelled'; job: JobRow }
  /** The worker is shutting down: the job goes back to the queue and resumes elsewhere. */
  | { status: 'interrupted' }
  /** The job is gone or already final (a duplicate delivery), or another run took it over. */
  | { status: 'skipped' };

export class JobTimeoutError extends Error {
  override name = 'JobTimeoutError';
}

/**
 * Runs one job from its PostgreSQL ledger: resumes where the ledger says,
 * records results per micro-batch, honours cancel requests between batches,
 * and on a system failure or the job's time limit removes everything an
 * insert job wrote from both stores (restoring what it replaced) and fails
 * the job. A delete job (kind 'delete') runs its pages through
 * DocumentDeletion; what it deleted stays deleted when it fails.
 */
export class BatchJobRunner {
  constructor(
    private readonly jobs: PgJobStore,
    private readonly pipeline: IngestionPipeline,
    private readonly vectors: JobVectorCleaner,
    private readonly logger: Logger,
    private readonly options: JobRunnerOptions,
    /** Runs delete jobs; a runner without it (the synchronous API's) only runs inserts. */
    private readonly deletion?: DocumentDeletion,
  ) {}

  async run(
    jobId: string,
    hooks: { onProgress?: (progress: JobProgress) => Promise<void>; shutdown?: AbortSignal } = {},
  ): Promise<RunOutcome> {
    const outages = new StoreOutageGuard({
      graceMs: this.options.outageGraceMs ?? 0,
      onWait: (error, outageMs, delayMs) =>
        this.logger.warn('store unavailable: the job waits, then resumes from its ledger', {
          job_id: jobId,
          dependency: error.dependency,
          error: error.message,
          outage_ms: outageMs,
          retry_in_ms: delayMs,
        }),
    });
    const job = await outages.run(() => this.jobs.startJob(jobId), hooks.shutdown);
    if (!job) return { status: 'skipped' };
    return traceJobRun(job, () => this.runStarted(job, hooks, outages));
  }

  private async runStarted(
    job: JobRow,
    hooks: { onProgress?: (progress: JobProgress) => Promise<void>; shutdown?: AbortSignal },
    outages: StoreOutageGuard,
  ): Promise<RunOutcome> {
    const jobId = job.id;
    const fence: RunFence = { jobId, run: job.run_count };
    const traceId = activeTraceId();
    const log = this.logger.child({
      job_id: jobId,
      account_name: job.account_name,
      run: job.run_count,
      ...(traceId ? { trace_id: traceId } : {}),
    });
    const deadline = (job.started_at ?? job.created_at).getTime() + this.options.jobTimeoutMs;
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new JobTimeoutError(`job exceeded its time limit of ${this.options.jobTimeoutMs} ms`)),
      Math.max(0, deadline - Date.now()),
    );
    log.info(job.run_count > 1 ? 'resuming job' : 'starting job', { total_documents: job.total_documents });
    const waitSignal = hooks.shutdown ? AbortSignal.any([abort.signal, hooks.shutdown]) : abort.signal;
    try {
      return await this.superseded(log, async () => {
        try {
          return this.ended(await outages.run(() => this.processPages(job, fence, abort.signal, hooks, log, outages), waitSignal));
        } catch (error) {
          // Shutting down (even mid-outage): hand the job back; the next worker resumes it with a whole grace again.
          if (hooks.shutdown?.aborted && !abort.signal.aborted) {
            log.warn('job handed back: worker shutting down', { error: errorMessage(error) });
            return { status: 'interrupted' };
          }
          const reason = abort.signal.aborted ? abort.signal.reason : error;
          if (isErrorNamed(reason, 'JobTimeoutError') || isErrorNamed(reason, 'DependencyError')) {
            return this.ended({ status: 'failed', job: await this.failAndRollBack(fence, job, reason as Error, log) });
          }
          throw error;
        }
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** A run another run took over stops where it is: the job is the newer run's now. */
  private async superseded(log: Logger, work: () => Promise<RunOutcome>): Promise<RunOutcome> {
    try {
      return await work();
    } catch (error) {
      if (!isErrorNamed(error, 'FencedOutError')) throw error;
      log.warn("run stopped: the job is no longer this run's", { error: errorMessage(error) });
      return { status: 'skipped' };
    }
  }

  private async processPages(
    job: JobRow,
    fence: RunFence,
    signal: AbortSignal,
    hooks: { onProgress?: (progress: JobProgress) => Promise<void>; shutdown?: AbortSignal },
    log: Logger,
    outages: StoreOutageGuard,
  ): Promise<RunOutcome> {
    const context = { accountName: job.account_name, fence, signal, onExisting: job.on_existing };
    const deletion = job.kind === 'delete' ? this.deletionFor(job) : undefined;
    await deletion?.begin(job);
    let cancel = await this.jobs.cancelState(job.id);
    for (;;) {
      if (cancel.cancelRequested) return this.cancel(fence, cancel.rollback && job.kind === 'insert', log);
      // On shutdown the batches in hand finish and are recorded; the rest resumes on another worker.
      if (hooks.shutdown?.aborted) {
        log.warn('job handed back: worker shutting down');
        return { status: 'interrupted' };
      }
      signal.throwIfAborted();
      const page = await this.jobs.nextPendingDocuments(job.id, this.options.pageSize);
      if (page.length === 0) break;
      if (deletion) {
        const updated = await deletion.deletePage(fence, job, page);
        outages.madeProgress();
        if (hooks.onProgress) await hooks.onProgress(progressOf(updated));
        cancel = await this.jobs.cancelState(job.id);
        continue;
      }
      const batches = planMicroBatches(
        page.map((doc) => ({ position: doc.position, item: toInput(doc) })),
        this.pipeline.options.batchChunks,
      );
      await mapWithConcurrency(batches, this.pipeline.options.batchesInFlight, async (batch) => {
        if (cancel.cancelRequested || signal.aborted || hooks.shutdown?.aborted) return;
        await traceMicroBatch(
          batch.map((entry) => entry.item),
          async () => {
            const results = await this.pipeline.ingestBatch(
              context,
              batch.map((entry) => entry.item),
            );
            const updated = await this.jobs.recordResults(
              fence,
              toLedgerUpdates(
                batch.map((entry) => entry.position),
                results,
              ),
            );
            outages.madeProgress();
            this.options.onResultsRecorded?.(results);
            if (hooks.onProgress) await hooks.onProgress(progressOf(updated));
            cancel = await this.jobs.cancelState(job.id);
            return results;
          },
        );
      });
    }
    await deletion?.finish(job);
    const finished = await this.jobs.finishJob(fence, 'completed');
    await this.deleteRetiredVectors(job.id, log);
    log.info('job completed', { success_count: finished.success_count, failure_count: finished.failure_count });
    return { status: 'completed', job: finished };
  }

  /** After a kept end: the replaced versions' vectors (their rows went with the end). */
  private async deleteRetiredVectors(jobId: string, log: Logger): Promise<void> {
    try {
      await this.pipeline.deleteRetiredVectors(jobId);
    } catch (error) {
      log.warn("could not delete the replaced versions' vectors now; the sweeper will", { error: errorMessage(error) });
    }
  }

  private deletionFor(job: JobRow): DocumentDeletion {
    if (!this.deletion) throw new Error(`job ${job.id} is a delete job, which this runner does not run`);
    return this.deletion;
  }

  private async cancel(fence: RunFence, rollback: boolean, log: Logger): Promise<RunOutcome> {
    if (rollback) await this.rollBack(fence, 'rolled back on the cancel request', log);
    const job = await this.jobs.finishCancelled(fence);
    await this.deleteRetiredVectors(fence.jobId, log);
    log.info('job cancelled', { rollback, success_count: job.success_count, cancelled_count: job.cancelled_count });
    return { status: 'cancelled', job };
  }

  /**
   * Fails a job from outside a run (retention expiry, a failure an earlier
   * attempt could not record), rolling back what it wrote. It starts a run of
   * its own first, so a run still working on the job is fenced out: nothing it
   * writes afterwards is kept, and it cannot end the job.
   */
  async failJob(jobId: string, code: string, message: string): Promise<JobRow | undefined> {
    const taken = await this.jobs.startJob(jobId);
    if (!taken) return this.jobs.getJob(jobId);
    const fence: RunFence = { jobId, run: taken.run_count };
    const log = this.logger.child({ job_id: jobId, run: fence.run });
    log.error('failing job; rolling back its documents', { code, error: message });
    const outcome = await this.superseded(log, async () => {
      if (taken.kind === 'insert') await this.rollBack(fence, `rolled back: ${message}`, log);
      return { status: 'failed', job: await this.jobs.finishJob(fence, 'failed', { code, message }) };
    });
    if (outcome.status !== 'failed') return this.jobs.getJob(jobId);
    this.options.onJobEnded?.('failed');
    return outcome.job;
  }

  private ended(outcome: RunOutcome): RunOutcome {
    if (outcome.status === 'completed' || outcome.status === 'failed' || outcome.status === 'cancelled')
      this.options.onJobEnded?.(outcome.status);
    return outcome;
  }

  private async failAndRollBack(fence: RunFence, job: JobRow, error: Error, log: Logger): Promise<JobRow> {
    const code =
      error.name === 'JobTimeoutError' ? 'job_timeout' : `${(error as { dependency?: string }).dependency ?? 'system'}_unavailable`;
    log.error(job.kind === 'insert' ? 'job failed; rolling back its documents' : 'delete job failed; what it deleted stays deleted', {
      error: error.message,
      code,
    });
    if (job.kind === 'insert') await this.rollBack(fence, `rolled back: the job failed (${error.message})`, log);
    return this.jobs.finishJob(fence, 'failed', { code, message: error.message });
  }

  /**
   * Rows first (PostgreSQL is the record; the same transaction marks the
   * vectors for cleanup), then vectors; if Milvus is away, the sweeper
   * finishes the vectors later.
   */
  private async rollBack(fence: RunFence, reason: string, log: Logger): Promise<void> {
    const removed = await this.jobs.rollbackRows(fence, reason);
    try {
      await this.vectors.deleteByJobId(fence.jobId);
      await this.jobs.setVectorsCleanupPending(fence.jobId, false);
    } catch (error) {
      log.error("could not delete the job's vectors now; the sweeper will retry", { error: errorMessage(error) });
    }
    log.info('rolled back', { documents_removed: removed.length });
  }
}

function toInput(doc: PendingDocument): DocumentInput {
  return {
    chat_bot_id: doc.chat_bot_id,
    content_name: doc.content_name,
    chunks: doc.chunks,
    ...(doc.metadata ? { metadata: doc.metadata } : {}),
  };
}

function toLedgerUpdates(positions: number[], results: DocumentResult[]): LedgerUpdate[] {
  return results.map((result, i) => ({
    position: positions[i]!,
    status: result.success ? 'succeeded' : 'failed',
    ...(result.doc_id !== undefined ? { doc_id: result.doc_id } : {}),
    ...(result.action !== undefined ? { action: result.action } : {}),
    chunks_count: result.chunks_count,
    ...(result.success ? {} : { error_code: result.error_code ?? DocumentErrorCode.internal, error_message: result.error ?? 'failed' }),
  }));
}
