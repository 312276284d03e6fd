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

/**
 * What an insert does with a document that already exists (same account,
 * chat_bot_id and content_name): `fail` reports it as already existing (the
 * default); `skip_unchanged` skips it when its chunks and metadata are the
 * same, updates the metadata alone when only that changed, and replaces it
 * otherwise; `replace` always writes a new version.
 */
export const ON_EXISTING_MODES = ['fail', 'skip_unchanged', 'replace'] as const;
export type OnExisting = (typeof ON_EXISTING_MODES)[number];

/** What happened to a document that succeeded. */
export type DocumentAction = 'inserted' | 'replaced' | 'unchanged' | 'metadata_updated' | 'deleted' | 'not_found';

/** Stable error codes in per-document results; clients may branch on them. */
export const DocumentErrorCode = {
  alreadyExists: 'already_exists',
  duplicateInRequest: 'duplicate_in_request',
  /** Another job is writing a version of the same document right now: retry the document when it ends. */
  concurrentWrite: 'concurrent_write',
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
  /** Set when it succeeded. */
  action?: DocumentAction;
  error?: string;
  error_code?: DocumentErrorCode;
}

/** The identity of a document: unique per account. */
export function documentKey(doc: { chat_bot_id: string; content_name: string }): string {
  return JSON.stringify([doc.chat_bot_id, doc.content_name]);
}
