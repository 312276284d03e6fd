import { DependencyError, type DocumentStore, type RunFence } from '@nonstop/core';
import type { JobRow, PendingDocument, PgDocumentDeletes } from '@nonstop/storage';

/** The Milvus side of a delete job. */
export interface DeletionVectors {
  deleteByDocumentIds(docIds: number[]): Promise<void>;
  countByDocumentIds(docIds: number[]): Promise<number>;
}

/** Checks for vectors still visible after a delete, before Milvus counts as failing to delete. */
const VERIFY_ATTEMPTS = 5;
const VERIFY_DELAY_MS = 500;

/**
 * What a delete job does with its ledger (BatchJobRunner runs it like an
 * insert job: fenced, resumable, cancellable, with progress). Per page: the
 * rows go in one transaction that records their vectors under the job's id
 * and the results; then the vectors. Before the job completes, every vector
 * it recorded is deleted again and counted at Strong consistency: it ends
 * `completed` only when Milvus has none left. The receipt says what there
 * was before and what is left after.
 */
export class DocumentDeletion {
  constructor(
    private readonly deletes: PgDocumentDeletes,
    private readonly documents: Pick<DocumentStore, 'pendingVectorDeletesOfJob' | 'clearPendingVectorDeletes'>,
    private readonly vectors: DeletionVectors,
  ) {}

  /** The first run counts the vectors of what the job listed, before anything is deleted. */
  async begin(job: JobRow): Promise<void> {
    if (job.receipt && 'vectors_before' in job.receipt) return;
    const vectorsBefore = await this.vectors.countByDocumentIds(await this.deletes.listedDocIds(job.id));
    await this.deletes.updateReceipt(job.id, { vectors_before: vectorsBefore, started_at: new Date().toISOString() });
  }

  async deletePage(fence: RunFence, job: JobRow, page: PendingDocument[]): Promise<JobRow> {
    const { job: updated, removedDocIds } = await this.deletes.deletePage(fence, job.account_name, page);
    await this.vectors.deleteByDocumentIds(removedDocIds);
    return updated;
  }

  /** Deletes and counts every vector the job recorded; throws (the job waits and resumes) while any is left. */
  async finish(job: JobRow): Promise<void> {
    const removed = await this.documents.pendingVectorDeletesOfJob(job.id);
    // A listed document no longer has rows whoever removed it (this job, or the end of a
    // job that replaced it), so its vectors are deleted and counted too.
    const checked = [...new Set([...removed, ...(await this.deletes.listedDocIds(job.id))])];
    let left = 0;
    for (let attempt = 1; attempt <= VERIFY_ATTEMPTS; attempt += 1) {
      await this.vectors.deleteByDocumentIds(checked);
      left = await this.vectors.countByDocumentIds(checked);
      if (left === 0) break;
      await new Promise((resolve) => setTimeout(resolve, VERIFY_DELAY_MS));
    }
    if (left > 0)
      throw new DependencyError('milvus', `Milvus still holds ${left} vectors of deleted documents after ${VERIFY_ATTEMPTS} deletes`);
    await this.documents.clearPendingVectorDeletes(removed);
    const deleted = await this.deletes.deletedCounts(job.id);
    const remaining = await this.deletes.remainingOf(job.id, job.account_name);
    await this.deletes.updateReceipt(job.id, {
      documents_deleted: deleted.deleted,
      chunks_deleted: deleted.chunks,
      not_found: deleted.not_found,
      documents_after: remaining.documents,
      chunks_after: remaining.chunks,
      vectors_after: left,
      finished_at: new Date().toISOString(),
    });
  }
}
