import {
  DocumentErrorCode,
  errorMessage,
  isErrorNamed,
  type DocumentInput,
  type DocumentResult,
  type DocumentStore,
  type Embedder,
  type InsertOutcome,
  type Logger,
  type OnExisting,
  type RunFence,
  type StoredDocument,
  type VectorStore,
} from '@nonstop/core';
import { withDeadline } from './deadline';
import { alreadyExists, concurrentWrite, failed, skipped, succeeded } from './document-results';

export interface PipelineDependencies {
  documents: DocumentStore;
  vectors: VectorStore;
  embedder: Embedder;
  logger?: Logger;
  /** Called with the number of chunks of each embedding call; lets tests and the chaos run count re-embeds. */
  onEmbedded?: (chunkIds: number[]) => void;
}

export interface PipelineOptions {
  /** A document (or a micro-batch being isolated) that takes longer fails with `timeout`. */
  documentTimeoutMs: number;
  /** Chunks per micro-batch: one PostgreSQL transaction, one Milvus upsert, embedding calls of EMBEDDING_BATCH_SIZE. */
  batchChunks: number;
  /** Micro-batches in flight at once, so PostgreSQL, embedding and Milvus stages overlap. */
  batchesInFlight: number;
}

export interface BatchContext {
  accountName: string;
  /** The run writing the documents: every write names it, and is refused once another run owns the job. */
  fence: RunFence;
  /** How documents that already exist are treated (the job's on_existing); default `fail`. */
  onExisting?: OnExisting;
  /** Aborts the work in hand (job deadline, shutdown); the batch then fails as a whole. */
  signal?: AbortSignal;
}

interface StoredEntry {
  position: number;
  input: DocumentInput;
  document: StoredDocument;
  /** The active version this one replaces; null for a new document. */
  replaces: number | null;
}

/**
 * Duplicate check -> PostgreSQL -> embeddings -> Milvus -> activation for one
 * micro-batch of a run, with results per document. A new version is staged,
 * embedded and written, and only then made the active one (in place of the
 * old, in one transaction): a reader sees one whole version of a document at
 * every moment. A document that fails at any stage is isolated by splitting
 * its batch, fails alone, and leaves nothing behind (the old version stays).
 * A store that is unreachable past its retries (DependencyError) is not a
 * document's fault: it is thrown, and the rows written so far stay, owned by
 * the run's job, which resumes them or rolls them back (BatchJobRunner).
 */
export class IngestionPipeline {
  constructor(
    private readonly deps: PipelineDependencies,
    readonly options: PipelineOptions,
  ) {}

  /** One micro-batch; results in the order of `documents`. */
  async ingestBatch(context: BatchContext, documents: DocumentInput[]): Promise<DocumentResult[]> {
    let outcomes: InsertOutcome[];
    try {
      outcomes = await this.deps.documents.insertDocuments(context.accountName, documents, context.fence, context.onExisting);
    } catch (error) {
      // A row PostgreSQL refuses (a value past one of its limits) belongs to one document: find it.
      if (!isErrorNamed(error, 'StorageRejectedError')) throw error;
      if (documents.length === 1) return [this.documentFailed(context, documents[0]!, error)];
      const middle = Math.ceil(documents.length / 2);
      return [
        ...(await this.ingestBatch(context, documents.slice(0, middle))),
        ...(await this.ingestBatch(context, documents.slice(middle))),
      ];
    }
    const results = new Array<DocumentResult>(documents.length);
    const stored: StoredEntry[] = [];
    outcomes.forEach((outcome, position) => {
      const input = documents[position]!;
      switch (outcome.kind) {
        case 'already_exists':
          results[position] = alreadyExists(input);
          break;
        case 'concurrent_write':
          results[position] = concurrentWrite(input);
          break;
        case 'unchanged':
        case 'metadata_updated':
          results[position] = skipped(input, outcome.existing, outcome.kind);
          break;
        default:
          stored.push({ position, input, document: outcome.document, replaces: outcome.replaces });
      }
    });

    const failures = await this.embedAndStore(context, stored);
    const written = stored.filter((entry) => !failures.has(entry.position));
    const blocked = new Set(
      await this.deps.documents.activateDocuments(
        written.map((entry) => ({ docId: entry.document.doc_id, mayReplace: (context.onExisting ?? 'fail') !== 'fail' })),
        context.fence,
      ),
    );
    for (const entry of written) if (blocked.has(entry.document.doc_id)) failures.set(entry.position, alreadyExists(entry.input));
    await this.removeDocuments(
      context.fence,
      stored.filter((entry) => failures.has(entry.position)).map((entry) => entry.document.doc_id),
    );
    for (const entry of stored) {
      results[entry.position] =
        failures.get(entry.position) ?? succeeded(entry.document, entry.replaces === null ? 'inserted' : 'replaced');
    }
    return results;
  }

  /**
   * The vectors of the rows a job removed when it ended (the versions it
   * replaced): deleted now, then the record. If Milvus is away the record
   * stays and the sweeper finishes it; readers never saw those versions.
   */
  async deleteRetiredVectors(jobId: string): Promise<void> {
    const docIds = await this.deps.documents.pendingVectorDeletesOfJob(jobId);
    if (docIds.length === 0) return;
    await this.deps.vectors.deleteByDocumentIds(docIds);
    await this.deps.documents.clearPendingVectorDeletes(docIds);
  }

  /**
   * Removes failed documents from both stores: the rows (with a durable record
   * of their vectors) in one fenced transaction, then the vectors, then the
   * record. A crash or Milvus outage in between leaves the record to the sweeper.
   */
  private async removeDocuments(fence: RunFence, docIds: number[]): Promise<void> {
    if (docIds.length === 0) return;
    await this.deps.documents.deleteDocuments(docIds, fence);
    await this.deps.vectors.deleteByDocumentIds(docIds);
    await this.deps.documents.clearPendingVectorDeletes(docIds);
  }

  /**
   * Embeds and writes a group. When it fails for a reason that may belong to
   * one document (text the embedding service rejects, the per-document time
   * limit, a value Milvus refuses), it is split in halves until the failing
   * documents stand alone.
   */
  private async embedAndStore(context: BatchContext, group: StoredEntry[]): Promise<Map<number, DocumentResult>> {
    if (group.length === 0) return new Map();
    try {
      await this.embedAndWrite(context, group);
      return new Map();
    } catch (error) {
      if (isErrorNamed(error, 'DependencyError') || isErrorNamed(error, 'FencedOutError') || context.signal?.aborted) throw error;
      if (group.length === 1) {
        const entry = group[0]!;
        return new Map([[entry.position, this.documentFailed(context, entry.input, error)]]);
      }
      const middle = Math.ceil(group.length / 2);
      const left = await this.embedAndStore(context, group.slice(0, middle));
      const right = await this.embedAndStore(context, group.slice(middle));
      return new Map([...left, ...right]);
    }
  }

  /**
   * The time limit covers the embedding call, which writes nothing, so giving
   * up on it leaves nothing behind. The Milvus write is never abandoned: it
   * runs to its own end (success, a refusal, or Milvus unavailable after its
   * retries), so no write of a document is in flight once its result is known.
   * A hung Milvus is a store outage, not a slow document.
   */
  private async embedAndWrite(context: BatchContext, group: StoredEntry[]): Promise<void> {
    const chunks = group.flatMap((entry) => entry.document.chunks.map((chunk) => ({ entry, chunk })));
    const vectors = await withDeadline(this.options.documentTimeoutMs, context.signal, (signal) =>
      this.deps.embedder.embed(
        chunks.map(({ chunk }) => chunk.text),
        signal,
      ),
    );
    this.deps.onEmbedded?.(chunks.map(({ chunk }) => chunk.chunk_id));
    context.signal?.throwIfAborted();
    await this.deps.vectors.upsert(
      chunks.map(({ entry, chunk }, i) => ({
        chunk_id: chunk.chunk_id,
        account_name: context.accountName,
        chat_bot_id: entry.document.chat_bot_id,
        document_id: entry.document.doc_id,
        job_id: context.fence.jobId,
        chunk_index: chunk.chunk_index,
        embedding: vectors[i]!,
      })),
      context.signal,
    );
  }

  private documentFailed(context: BatchContext, input: DocumentInput, error: unknown): DocumentResult {
    this.deps.logger?.warn('document failed', {
      job_id: context.fence.jobId,
      content_name: input.content_name,
      error: errorMessage(error),
    });
    return documentFailure(input, error, this.options.documentTimeoutMs);
  }
}

function documentFailure(input: DocumentInput, error: unknown, timeoutMs: number): DocumentResult {
  if (isErrorNamed(error, 'EmbeddingRejectedError')) {
    return failed(input, DocumentErrorCode.embeddingRejected, `embedding service rejected the document: ${errorMessage(error)}`);
  }
  if (isErrorNamed(error, 'DeadlineExceededError')) {
    return failed(input, DocumentErrorCode.timeout, `document took longer than ${timeoutMs} ms and was stopped`);
  }
  if (isErrorNamed(error, 'StorageRejectedError')) {
    return failed(input, DocumentErrorCode.storageRejected, `PostgreSQL refused the document: ${errorMessage(error)}`);
  }
  if (isErrorNamed(error, 'MilvusRejectedError')) {
    return failed(input, DocumentErrorCode.vectorStoreFailed, errorMessage(error));
  }
  return failed(input, DocumentErrorCode.internal, `document could not be stored: ${errorMessage(error)}`);
}
