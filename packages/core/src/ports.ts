import type { ChunkInput, DocumentInput, OnExisting } from './domain';

/**
 * The pipeline's view of the outside world. PostgreSQL, Milvus and each
 * embedding provider are adapters behind these interfaces.
 */
export interface Embedder {
  /** Model name recorded with the vectors. */
  readonly model: string;
  readonly dimension: number;
  /**
   * Embeds texts in order. Throws EmbeddingRejectedError when the service
   * refuses the input for good, DependencyError when it is unreachable past
   * its retries.
   */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  /**
   * Embeds search queries, for models whose queries and passages are written
   * differently (e5: `query: ` versus `passage: `). Optional: a search uses it
   * when present and `embed` otherwise. Same errors as `embed`.
   */
  embedQueries?(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  close?(): Promise<void>;
}

export interface StoredChunk {
  chunk_id: number;
  chunk_index: number;
  text: string;
}

export interface StoredDocument {
  doc_id: number;
  chat_bot_id: string;
  content_name: string;
  chunks: StoredChunk[];
}

/** The active version of a document, as a skip reports it. */
export interface ExistingDocument {
  doc_id: number;
  chunks_count: number;
}

/**
 * What the duplicate check and insert did with one document. `inserted` and
 * `resumed` are versions to embed and then activate; `replaces` is the active
 * version they take over from (null for a new document).
 */
export type InsertOutcome =
  | { kind: 'inserted'; document: StoredDocument; replaces: number | null }
  /** The version exists and was written by this same job: a resumed run continues with it. */
  | { kind: 'resumed'; document: StoredDocument; replaces: number | null }
  /** skip_unchanged: same chunks and metadata; nothing written. */
  | { kind: 'unchanged'; existing: ExistingDocument }
  /** skip_unchanged: same chunks, new metadata, updated in place; no embedding. */
  | { kind: 'metadata_updated'; existing: ExistingDocument }
  | { kind: 'already_exists' }
  /** Another job has a version of this document staged. */
  | { kind: 'concurrent_write' };

/**
 * The fencing token of a run: the job and its run number (ingest_jobs.run_count,
 * raised by every start). Every write of a run names it, and PostgreSQL refuses
 * it once another run has started, the job has ended, or it was rolled back.
 */
export interface RunFence {
  jobId: string;
  run: number;
}

export interface DocumentStore {
  /**
   * Duplicate check and insert in one transaction, one multi-row statement per
   * table. Outcomes are in the order of `documents`. Throws FencedOutError
   * when the run no longer owns its job.
   */
  insertDocuments(accountName: string, documents: DocumentInput[], fence: RunFence, onExisting?: OnExisting): Promise<InsertOutcome[]>;
  /**
   * Makes the run's staged versions the active ones, each in place of the
   * version active now (which is superseded, and kept until the job ends), in
   * one transaction. A version with `mayReplace` false (a new document under
   * `fail`) is not activated when another became active meanwhile: those ids
   * are returned, to be removed as already existing.
   */
  activateDocuments(versions: Array<{ docId: number; mayReplace: boolean }>, fence: RunFence): Promise<number[]>;
  /** Removes documents the run wrote (a failed document) and records their vectors for deletion. */
  deleteDocuments(docIds: number[], fence: RunFence): Promise<void>;
  /** Forgets the record once the vectors are deleted. */
  clearPendingVectorDeletes(docIds: number[]): Promise<void>;
  /** Documents whose rows a job removed (versions it replaced, documents it deleted) and whose vectors may remain. */
  pendingVectorDeletesOfJob(jobId: string): Promise<number[]>;
}

export interface VectorRow {
  chunk_id: number;
  account_name: string;
  chat_bot_id: string;
  document_id: number;
  job_id: string;
  chunk_index: number;
  embedding: number[];
}

export interface VectorStore {
  /**
   * Idempotent: chunk ids are primary keys, so a replay overwrites. An abort
   * stops its retries but never abandons a call in flight. Throws
   * MilvusRejectedError when Milvus refuses the rows themselves.
   */
  upsert(rows: VectorRow[], signal?: AbortSignal): Promise<void>;
  deleteByDocumentIds(docIds: number[]): Promise<void>;
}

export type { ChunkInput };
