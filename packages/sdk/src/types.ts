/**
 * Request and response shapes of the Nonstop Ingest HTTP API, as the server
 * sends them (apps/api/src/jobs/job-routes.ts, job-view.ts, routes/data-routes.ts, routes/dry-run.ts, routes/search-routes.ts);
 * the OpenAPI document (apps/api/src/openapi/openapi-document.ts) describes the same shapes.
 */

export type JobStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** Status of one document of a job (the `status` filter of the results listing). */
export type ResultStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'rolled_back';

/** Stable per-document error codes. `concurrent_write`: another job is writing a version of the same document; retry it when that job ends. */
export type DocumentErrorCode =
  | 'already_exists'
  | 'duplicate_in_request'
  | 'concurrent_write'
  | 'embedding_rejected'
  | 'vector_store_failed'
  | 'storage_rejected'
  | 'timeout'
  | 'cancelled'
  | 'rolled_back'
  | 'internal_error';

/**
 * What an insert does with a document that is stored already (same account,
 * chat_bot_id and content_name): `fail` (the server's default) reports
 * `already_exists`; `skip_unchanged` skips the same content (no embedding
 * call), updates a metadata-only change in place, and replaces changed
 * chunks; `replace` always writes a new version. A replace is atomic per document.
 */
export type OnExisting = 'fail' | 'skip_unchanged' | 'replace';
export const ON_EXISTING_MODES: readonly OnExisting[] = ['fail', 'skip_unchanged', 'replace'];

/** What happened to a document that succeeded: inserts `inserted` … `metadata_updated`, deletes `deleted` or `not_found`. */
export type DocumentAction = 'inserted' | 'replaced' | 'unchanged' | 'metadata_updated' | 'deleted' | 'not_found';

/** The kind of a job. */
export type JobKind = 'insert' | 'delete';

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

/** Body of `POST /job/batch-insert` and `POST /data/insert/batch`. */
export interface BatchInsertRequest {
  account_name: string;
  documents: DocumentInput[];
  /** Jobs only. */
  webhook_url?: string;
  /** What to do with documents stored already; the server's default is `fail`. */
  on_existing?: OnExisting;
  /** `true`: answer what each document would get (a DryRunResponse); nothing written, no job. */
  dry_run?: boolean;
}

/** `POST /job/batch-insert`, `/job/batch-delete`, `/job/{id}/retry` -> 202 (created) or 200 (the same Idempotency-Key and body again). */
export interface CreateJobResponse {
  job_id: string;
  kind: JobKind;
  status: JobStatus;
  /** For a delete job: the documents it found to delete when accepted. */
  total_documents: number;
  created_at: string;
  /** A retry: the job whose failed documents this one re-runs. */
  retry_of?: string;
  message: string;
}

/** What a dry run says a document would get: an action, or the failure it would have. */
export type PlannedAction = 'insert' | 'replace' | 'skip' | 'update_metadata' | 'already_exists' | 'duplicate_in_request';

/** One document of a dry run, in request order. */
export interface DryRunResult {
  position: number;
  chat_bot_id: string;
  content_name: string;
  action: PlannedAction;
  /** The stored document it would replace, skip or update. */
  doc_id?: number;
}

/** `dry_run: true` on either insert endpoint -> 200. Nothing was written. */
export interface DryRunResponse {
  dry_run: true;
  account_name: string;
  on_existing: OnExisting;
  total_documents: number;
  /** How many documents would get each action. */
  summary: Partial<Record<PlannedAction, number>>;
  results: DryRunResult[];
}

/** Body of `POST /job/batch-delete`: named documents, a whole bot (chat_bot_id alone), or the whole account (neither). */
export interface BatchDeleteRequest {
  account_name: string;
  chat_bot_id?: string;
  /** 1 to 10,000 names; a name given twice is deleted once. */
  content_names?: string[];
  webhook_url?: string;
}

/** What a delete job was asked to delete: empty for the whole account. */
export interface DeleteScope {
  chat_bot_id?: string;
  /** How many content names were given (the names are the results' content_name). */
  content_names_count?: number;
}

/** A delete job's receipt: the "before" counts from its start, the rest once it has run. */
export interface DeleteReceipt {
  scope: DeleteScope;
  documents_before: number;
  chunks_before: number;
  vectors_before?: number;
  documents_deleted?: number;
  chunks_deleted?: number;
  /** Named documents that did not exist. */
  not_found?: number;
  documents_after?: number;
  chunks_after?: number;
  /** Counted in Milvus at Strong consistency: 0 once the job completed. */
  vectors_after?: number;
  started_at?: string;
  finished_at?: string;
}

export interface JobProgress {
  total_documents: number;
  processed_documents: number;
  success_count: number;
  failure_count: number;
  cancelled_count: number;
  percentage: number;
}

/** One document's outcome in a job. */
export interface JobResult {
  position: number;
  content_name: string;
  chat_bot_id: string;
  status: ResultStatus;
  success: boolean;
  doc_id?: number;
  chunks_count: number;
  /** What happened to a document that succeeded; absent on failure. */
  action?: DocumentAction;
  error?: string;
  error_code?: DocumentErrorCode | string;
}

export interface JobTiming {
  created_at: string;
  started_at: string | null;
  updated_at: string;
  finished_at: string | null;
  estimated_completion: string | null;
  expires_at: string;
}

/** `GET /job/{id}` (and the body of `DELETE /job/{id}`). */
export interface JobView {
  job_id: string;
  account_name: string;
  kind: JobKind;
  status: JobStatus;
  progress: JobProgress;
  /** The first page of results (100); follow `results_next_cursor` with `iterateResults`. */
  results: JobResult[];
  results_next_cursor: string | null;
  timing: JobTiming;
  message: string;
  /** Insert jobs: the mode the job runs with. */
  on_existing?: OnExisting;
  /** The job whose failed documents this one re-runs. */
  retry_of?: string;
  /** Delete jobs, once they have begun. */
  receipt?: DeleteReceipt;
  cancel_requested_at?: string;
  /** Why the whole job failed. */
  error?: { code: string; message: string };
}

/** `DELETE /job/{id}`: 200 when the job is final, 202 while the worker is still stopping it. */
export interface CancelJobResponse extends JobView {
  /** False when the server answered 202 (cancel requested, not yet final). */
  settled: boolean;
}

/** `GET /job/{id}/results?cursor&limit&status`. */
export interface ResultsPage {
  job_id: string;
  results: JobResult[];
  next_cursor: string | null;
}

/** `POST /data/insert/batch` -> 200. */
export interface SyncInsertResponse {
  /** The request runs as a job of its own; GET /job/{job_id} shows it. */
  job_id: string;
  account_name: string;
  total_documents: number;
  success_count: number;
  failure_count: number;
  results: JobResult[];
}

/** Body of `POST /search`. */
export interface SearchRequest {
  account_name: string;
  /** Any language, 1 to 2,000 characters. */
  query: string;
  /** 1 to 50; the server's default is 10. */
  top_k?: number;
  /** Only this bot's documents. */
  chat_bot_id?: string;
  /** Only the documents with one of these names (1 to 100, exact match). */
  content_names?: string[];
  /** Drop results whose score is below it (-1 to 1). */
  score_threshold?: number;
}

/** One chunk found by `POST /search`. */
export interface SearchResult {
  content_name: string;
  chat_bot_id: string;
  doc_id: number;
  chunk_index: number;
  /** The chunk as stored. */
  text: string;
  /** COSINE similarity to the query; higher is closer, at most 1. */
  score: number;
  /** The document's metadata. */
  metadata: Record<string, unknown>;
}

/** `POST /search` -> 200: best first, at most top_k. */
export interface SearchResponse {
  results: SearchResult[];
}

/** A field the server refused: `field` is a path such as `documents[0].chunks[1].text`. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** Every error answer of the API. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: FieldProblem[] };
}

/** One event of `GET /job/{id}/stream`. */
export interface JobStreamEvent {
  /** The SSE event name: `message` for progress events, `end` for the last one. */
  event: string;
  /** The SSE `id:` (resume point sent back as Last-Event-ID), when the server gave one. */
  id?: string;
  data: JobStreamData;
}

export interface JobStreamData {
  job_id: string;
  status: JobStatus;
  progress: JobProgress;
  updated_at?: string;
  cancel_requested_at?: string;
  /** On the `end` event, which is shaped like GET /job/{id} (JobView). */
  results?: JobResult[];
  [key: string]: unknown;
}
