/** What a producer sends: one document, already split into chunks. */
export interface ChunkInput {
  chunk_index: number;
  text: string;
}

export interface DocumentInput {
  chat_bot_id: string;
  content_name: string;
  chunks: ChunkInput[];
  metadata?: Record<string, unknown>;
}

/** Stable error codes in per-document results; clients may branch on them. */
export const DocumentErrorCode = {
  alreadyExists: 'already_exists',
  duplicateInRequest: 'duplicate_in_request',
  embeddingRejected: 'embedding_rejected',
  vectorStoreFailed: 'vector_store_failed',
  storageRejected: 'storage_rejected',
  timeout: 'timeout',
  cancelled: 'cancelled',
  rolledBack: 'rolled_back',
  internal: 'internal_error',
} as const;
export type DocumentErrorCode = (typeof DocumentErrorCode)[keyof typeof DocumentErrorCode];

export interface DocumentResult {
  content_name: string;
  chat_bot_id: string;
  success: boolean;
  doc_id?: number;
  chunks_count: number;
  error?: string;
  error_code?: DocumentErrorCode;
}

/** The identity of a document: unique per account. */
export function documentKey(doc: { chat_bot_id: string; content_name: string }): string {
  return JSON.stringify([doc.chat_bot_id, doc.content_name]);
}
