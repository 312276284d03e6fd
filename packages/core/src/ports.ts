import type { ChunkInput, DocumentInput } from './domain';

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

export type InsertOutcome =
  | { kind: 'inserted'; document: StoredDocument }
  /** The document exists and was written by this same job: a resumed run continues with it. */
  | { kind: 'resumed'; document: StoredDocument }
  | { kind: 'already_exists' };

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
  insertDocuments(accountName: string, documents: DocumentInput[], fence: RunFence): Promise<InsertOutcome[]>;
  /** Removes documents the run wrote (a failed document) and records their vectors for deletion. */
  deleteDocuments(docIds: number[], fence: RunFence): Promise<void>;
  /** Forgets the record once the vectors are deleted. */
  clearPendingVectorDeletes(docIds: number[]): Promise<void>;
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
