import {
  DocumentErrorCode, errorMessage, isErrorNamed,
  type DocumentInput, type DocumentResult, type DocumentStore, type Embedder, type Logger,
  type StoredDocument, type VectorStore,
} from '@nonstop/core';
import { withDeadline } from './deadline';
import { alreadyExists, duplicateInRequest, failed, succeeded } from './document-results';
import { findDuplicatesInRequest } from './duplicates-in-request';
import { mapWithConcurrency, planMicroBatches } from './micro-batches';

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
  /** The job writing the documents; null for the synchronous API. */
  jobId: string | null;
  /** Aborts the work in hand (job deadline, shutdown); the batch then fails as a whole. */
  signal?: AbortSignal;
}

interface StoredEntry {
  position: number;
  input: DocumentInput;
  document: StoredDocument;
}

/**
 * Duplicate check -> PostgreSQL -> embeddings -> Milvus, in micro-batches
 * across documents, with results per document. A document that fails is
 * isolated by splitting its batch, fails alone, and leaves nothing behind.
 * A failure of a store past its retries (DependencyError) is not a document's
 * fault: it is thrown, after removing what the batch wrote.
 */
export class IngestionPipeline {
  constructor(private readonly deps: PipelineDependencies, readonly options: PipelineOptions) {}

  /** The synchronous path: every document of a request, micro-batched, all or nothing on a system failure. */
  async ingestAll(context: BatchContext, documents: DocumentInput[]): Promise<DocumentResult[]> {
    const results = new Array<DocumentResult>(documents.length);
    const duplicates = findDuplicatesInRequest(documents);
    const unique = documents
      .map((item, position) => ({ position, item }))
      .filter(({ position, item }) => {
        const first = duplicates.get(position);
        if (first !== undefined) results[position] = duplicateInRequest(item, first);
        return first === undefined;
      });
    const batches = planMicroBatches(unique, this.options.batchChunks);
    const written: number[] = [];
    try {
      await mapWithConcurrency(batches, this.options.batchesInFlight, async (batch) => {
        const batchResults = await this.ingestBatch(context, batch.map((entry) => entry.item));
        batchResults.forEach((result, i) => {
          results[batch[i]!.position] = result;
          if (result.success && result.doc_id !== undefined) written.push(result.doc_id);
        });
      });
    } catch (error) {
      await this.removeDocuments(written);
      throw error;
    }
    return results;
  }

  /** One micro-batch; results in the order of `documents`. */
  async ingestBatch(context: BatchContext, documents: DocumentInput[]): Promise<DocumentResult[]> {
    const outcomes = await this.deps.documents.insertDocuments(context.accountName, documents, context.jobId);
    const results = new Array<DocumentResult>(documents.length);
    const stored: StoredEntry[] = [];
    outcomes.forEach((outcome, position) => {
      const input = documents[position]!;
      if (outcome.kind === 'already_exists') results[position] = alreadyExists(input);
      else stored.push({ position, input, document: outcome.document });
    });

    let failures: Map<number, DocumentResult>;
    try {
      failures = await this.embedAndStore(context, stored);
    } catch (error) {
      await this.removeDocuments(stored.map((entry) => entry.document.doc_id));
      throw error;
    }
    await this.removeDocuments([...failures.keys()].map((position) => stored.find((s) => s.position === position)!.document.doc_id));
    for (const entry of stored) {
      results[entry.position] = failures.get(entry.position) ?? succeeded(entry.document);
    }
    return results;
  }

  /** Removes documents from both stores: vectors first, so a crash in between leaves no orphan vector. */
  async removeDocuments(docIds: number[]): Promise<void> {
    if (docIds.length === 0) return;
    await this.deps.vectors.deleteByDocumentIds(docIds);
    await this.deps.documents.deleteDocuments(docIds);
  }

  /**
   * Embeds and upserts a group under one deadline. When the group fails for a
   * reason that may belong to one document (rejected text, time limit), it is
   * split in halves until the failing documents stand alone.
   */
  private async embedAndStore(context: BatchContext, group: StoredEntry[]): Promise<Map<number, DocumentResult>> {
    if (group.length === 0) return new Map();
    try {
      await withDeadline(this.options.documentTimeoutMs, context.signal, (signal) => this.embedAndUpsert(context, group, signal));
      return new Map();
    } catch (error) {
      if (isErrorNamed(error, 'DependencyError') || context.signal?.aborted) throw error;
      if (group.length === 1) {
        const entry = group[0]!;
        this.deps.logger?.warn('document failed', {
          job_id: context.jobId, content_name: entry.input.content_name, error: errorMessage(error),
        });
        return new Map([[entry.position, documentFailure(entry.input, error, this.options.documentTimeoutMs)]]);
      }
      const middle = Math.ceil(group.length / 2);
      const left = await this.embedAndStore(context, group.slice(0, middle));
      const right = await this.embedAndStore(context, group.slice(middle));
      return new Map([...left, ...right]);
    }
  }

  private async embedAndUpsert(context: BatchContext, group: StoredEntry[], signal: AbortSignal): Promise<void> {
    const chunks = group.flatMap((entry) => entry.document.chunks.map((chunk) => ({ entry, chunk })));
    const vectors = await this.deps.embedder.embed(chunks.map(({ chunk }) => chunk.text), signal);
    this.deps.onEmbedded?.(chunks.map(({ chunk }) => chunk.chunk_id));
    signal.throwIfAborted();
    await this.deps.vectors.upsert(chunks.map(({ entry, chunk }, i) => ({
      chunk_id: chunk.chunk_id,
      account_name: context.accountName,
      chat_bot_id: entry.document.chat_bot_id,
      document_id: entry.document.doc_id,
      job_id: context.jobId ?? '',
      chunk_index: chunk.chunk_index,
      embedding: vectors[i]!,
    })));
  }
}

function documentFailure(input: DocumentInput, error: unknown, timeoutMs: number): DocumentResult {
  if (isErrorNamed(error, 'EmbeddingRejectedError')) {
    return failed(input, DocumentErrorCode.embeddingRejected, `embedding service rejected the document: ${errorMessage(error)}`);
  }
  if (isErrorNamed(error, 'DeadlineExceededError')) {
    return failed(input, DocumentErrorCode.timeout, `document took longer than ${timeoutMs} ms and was stopped`);
  }
  return failed(input, DocumentErrorCode.internal, `document could not be stored: ${errorMessage(error)}`);
}
