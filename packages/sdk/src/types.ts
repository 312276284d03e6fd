/**
 * Request and response shapes of the Nonstop Ingest HTTP API. Each is an
 * alias of a schema of the OpenAPI document (apps/api/src/openapi/openapi-document.ts,
 * the one source of the wire contract), through the types that
 * `npm run generate:api-types` writes to ./generated/openapi-types.ts; only
 * what the SDK adds itself (CancelJobResponse's `settled`, the stream event
 * as parsed) is written here.
 */
import type { components } from './generated/openapi-types';

type Schemas = components['schemas'];

/** The OpenAPI document's component schemas by name, e.g. `ApiSchema<'JobStatus'>` is the body of `GET /job/{id}`. */
export type ApiSchema<Name extends keyof Schemas> = Schemas[Name];

export type JobStatus = Schemas['JobStatus']['status'];
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** Status of one document of a job (the `status` filter of the results listing). */
export type ResultStatus = Schemas['JobResult']['status'];

/** Stable per-document error codes. `concurrent_write`: another job is writing a version of the same document; retry it when that job ends. */
export type DocumentErrorCode = NonNullable<Schemas['JobResult']['error_code']>;

/**
 * What an insert does with a document that is stored already (same account,
 * chat_bot_id and content_name): `fail` (the server's default) reports
 * `already_exists`; `skip_unchanged` skips the same content (no embedding
 * call), updates a metadata-only change in place, and replaces changed
 * chunks; `replace` always writes a new version. A replace is atomic per document.
 */
export type OnExisting = Schemas['OnExisting'];
export const ON_EXISTING_MODES: readonly OnExisting[] = ['fail', 'skip_unchanged', 'replace'];

/** What happened to a document that succeeded: inserts `inserted` … `metadata_updated`, deletes `deleted` or `not_found`. */
export type DocumentAction = NonNullable<Schemas['JobResult']['action']>;

/** The kind of a job. */
export type JobKind = Schemas['JobCreated']['kind'];

export type ChunkInput = Schemas['Chunk'];

export type DocumentInput = Schemas['Document'];

/** Body of `POST /job/batch-insert` (and of `POST /data/insert/batch`, which takes no `webhook_url`). */
export type BatchInsertRequest = Schemas['BatchInsertRequest'];

/** Body of `POST /data/insert/batch`. */
export type DataInsertRequest = Schemas['DataInsertRequest'];

/** `POST /job/batch-insert`, `/job/batch-delete`, `/job/{id}/retry` -> 202 (created) or 200 (the same Idempotency-Key and body again). */
export type CreateJobResponse = Schemas['JobCreated'];

/** `dry_run: true` on either insert endpoint -> 200. Nothing was written. */
export type DryRunResponse = Schemas['DryRunResponse'];

/** One document of a dry run, in request order. */
export type DryRunResult = DryRunResponse['results'][number];

/** What a dry run says a document would get: an action, or the failure it would have. */
export type PlannedAction = DryRunResult['action'];

/** Body of `POST /job/batch-delete`: named documents, a whole bot (chat_bot_id alone), or the whole account (neither). */
export type BatchDeleteRequest = Schemas['BatchDeleteRequest'];

/** What a delete job was asked to delete: empty for the whole account. */
export type DeleteScope = Schemas['DeleteScope'];

/** A delete job's receipt: the "before" counts from its start, the rest once it has run. */
export type DeleteReceipt = Schemas['DeleteReceipt'];

export type JobProgress = Schemas['JobProgress'];

/** One document's outcome in a job. */
export type JobResult = Schemas['JobResult'];

export type JobTiming = Schemas['JobStatus']['timing'];

/** `GET /job/{id}` (and the body of `DELETE /job/{id}`). The first page of results (100); follow `results_next_cursor` with `iterateResults`. */
export type JobView = Schemas['JobStatus'];

/** `DELETE /job/{id}`: 200 when the job is final, 202 while the worker is still stopping it. */
export interface CancelJobResponse extends JobView {
  /** False when the server answered 202 (cancel requested, not yet final). */
  settled: boolean;
}

/** `GET /job/{id}/results?cursor&limit&status`. */
export type ResultsPage = Schemas['ResultsPage'];

/** `POST /data/insert/batch` -> 200. */
export type SyncInsertResponse = Schemas['DataInsertResponse'];

/** `GET /job/{id}/webhook-deliveries`: every attempt to deliver the job's webhook, oldest first. */
export type WebhookDeliveries = Schemas['WebhookDeliveries'];

/** Body of `POST /search`. */
export type SearchRequest = Schemas['SearchRequest'];

/** One chunk found by `POST /search`. */
export type SearchResult = Schemas['SearchResult'];

/** `POST /search` -> 200: best first, at most top_k. */
export type SearchResponse = Schemas['SearchResponse'];

/** Every error answer of the API. */
export type ApiErrorBody = Schemas['ErrorBody'];

/** A field the server refused: `field` is a path such as `documents[0].chunks[1].text`. */
export type FieldProblem = NonNullable<ApiErrorBody['error']['details']>[number];

/** One event of `GET /job/{id}/stream`. */
export interface JobStreamEvent {
  /** The SSE event name: `message` for progress events, `end` for the last one. */
  event: string;
  /** The SSE `id:` (resume point sent back as Last-Event-ID), when the server gave one. */
  id?: string;
  data: JobStreamData;
}

/**
 * The data of a stream event: a JobStreamState for progress events; on the
 * `end` event, the JobStatus body of GET /job/{id} (so `results` and the rest
 * of a JobView are there too).
 */
export type JobStreamData = Pick<JobView, 'job_id' | 'status' | 'progress'> &
  Partial<Pick<Schemas['JobStreamState'], 'updated_at' | 'cancel_requested_at'>> &
  Partial<Pick<JobView, 'results'>> & { [key: string]: unknown };
