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

export interface DocumentStore {
  /**
   * Duplicate check and insert in one transaction, one multi-row statement per
   * table. Outcomes are in the order of `documents`.
   */
  insertDocuments(accountName: string, documents: DocumentInput[], jobId: string | null): Promise<InsertOutcome[]>;
  /** Removes documents and their chunks (compensation and rollback). */
  deleteDocuments(docIds: number[]): Promise<void>;
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
  /** Idempotent: chunk ids are primary keys, so a replay overwrites. */
  upsert(rows: VectorRow[]): Promise<void>;
  deleteByDocumentIds(docIds: number[]): Promise<void>;
}

export type { ChunkInput };
