/**
 * Request and response shapes of the Nonstop Ingest HTTP API, as the server
 * sends them (apps/api/src/jobs/job-routes.ts, job-view.ts, routes/data-routes.ts, routes/search-routes.ts).
 */

export type JobStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** Status of one document of a job (the `status` filter of the results listing). */
export type ResultStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'rolled_back';

/** Stable per-document error codes. */
export type DocumentErrorCode =
  | 'already_exists' | 'duplicate_in_request' | 'embedding_rejected' | 'vector_store_failed'
  | 'timeout' | 'cancelled' | 'rolled_back' | 'internal_error';

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
}

/** `POST /job/batch-insert` -> 202 (created) or 200 (the same Idempotency-Key and body again). */
export interface CreateJobResponse {
  job_id: string;
  status: JobStatus;
  total_documents: number;
  created_at: string;
  message: string;
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
  status: JobStatus;
  progress: JobProgress;
  /** The first page of results (100); follow `results_next_cursor` with `iterateResults`. */
  results: JobResult[];
  results_next_cursor: string | null;
  timing: JobTiming;
  message: string;
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
