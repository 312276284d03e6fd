import type { ApiSchema, DocumentAction, DocumentErrorCode, OnExisting } from '@nonstop/core';

export type JobStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
export type LedgerStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'rolled_back';

export type JobKind = 'insert' | 'delete';

export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export interface JobRow {
  id: string;
  account_name: string;
  status: JobStatus;
  total_documents: number;
  processed_documents: number;
  success_count: number;
  failure_count: number;
  cancelled_count: number;
  rolled_back_count: number;
  webhook_url: string | null;
  idempotency_key: string | null;
  request_hash: string;
  error_code: string | null;
  error_message: string | null;
  cancel_requested_at: Date | null;
  rollback_requested: boolean;
  vectors_cleanup_pending: boolean;
  rolled_back_at: Date | null;
  queue_prefix: string;
  run_count: number;
  kind: JobKind;
  on_existing: OnExisting;
  /** The job whose failed documents this one runs again. */
  retry_of: string | null;
  /** A delete job's receipt (the OpenAPI document's DeleteReceipt, as GET /job/{id} shows it), once it has begun. */
  receipt: ApiSchema<'DeleteReceipt'> | null;
  /** The W3C trace context (traceparent, tracestate) of the request that accepted the job; null when tracing was off. */
  trace_context?: Record<string, string> | null;
  created_at: Date;
  started_at: Date | null;
  updated_at: Date;
  finished_at: Date | null;
  expires_at: Date;
}

export interface LedgerRow {
  position: number;
  chat_bot_id: string;
  content_name: string;
  status: LedgerStatus;
  doc_id: string | null;
  chunks_count: number;
  action: DocumentAction | null;
  /** Written only from DocumentErrorCode (LedgerUpdate, the cancel, rollback and duplicate updates). */
  error_code: DocumentErrorCode | null;
  error_message: string | null;
}

/** A pending document as the worker reads it back from the ledger. */
export interface PendingDocument {
  position: number;
  chat_bot_id: string;
  content_name: string;
  chunks: Array<{ chunk_index: number; text: string }>;
  metadata: Record<string, unknown> | null;
  /** The document a delete job removes, when it was found when the job was accepted. */
  doc_id: string | null;
}

export interface LedgerUpdate {
  position: number;
  status: 'succeeded' | 'failed';
  doc_id?: number;
  chunks_count: number;
  action?: DocumentAction;
  error_code?: DocumentErrorCode;
  error_message?: string;
}
