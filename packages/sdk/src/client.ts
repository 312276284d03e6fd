import { abortReason, backoffDelay, DEFAULT_POLL_SCHEDULE_MS, sleep, type PollSchedule } from './backoff';
import { errorFromResponse, NonstopApiError, NonstopNetworkError, WaitTimeoutError } from './errors';
import { SseParser } from './sse';
import {
  FINAL_JOB_STATUSES,
  type BatchDeleteRequest,
  type BatchInsertRequest,
  type CancelJobResponse,
  type CreateJobResponse,
  type DryRunResponse,
  type JobResult,
  type JobStreamData,
  type JobStreamEvent,
  type JobView,
  type ResultsPage,
  type ResultStatus,
  type SearchRequest,
  type SearchResponse,
  type SyncInsertResponse,
} from './types';

export interface ClientOptions {
  /** Where the API listens, e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** A fetch implementation (defaults to the global one of Node 20+). */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** The default schedule of `waitForJob`. */
  pollSchedule?: PollSchedule;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface CreateOptions extends RequestOptions {
  /** Sent as `Idempotency-Key`: the same key and body return the first answer again instead of a second job. */
  idempotencyKey?: string;
}

export interface WaitOptions extends RequestOptions {
  /** Give up (WaitTimeoutError) after this many ms; the job itself goes on. Default: no deadline. */
  deadlineMs?: number;
  /** Called with every status read, the final one included. */
  onProgress?: (job: JobView) => void;
  /** Overrides the client's schedule (1, 2, 4, 8, 16 s, then every 16 s). */
  schedule?: PollSchedule;
  /** Called with each network error or 5xx/429 answer that the wait rides out. */
  onRetry?: (error: unknown) => void;
}

export interface StreamOptions extends RequestOptions {
  /** Resume after this event id (sent as Last-Event-ID). */
  lastEventId?: string;
  /** Wait before a reconnect unless the server sent `retry:`. Default 1000 ms. */
  reconnectDelayMs?: number;
  /** Consecutive reconnects without any event before giving up. Default 10. */
  maxReconnects?: number;
}

export interface IterateResultsOptions extends RequestOptions {
  /** Only the documents in this state, e.g. `failed`. */
  status?: ResultStatus;
  /** Results per request, 1 to 1000 (server default 100). */
  pageSize?: number;
}

/** A typed client of the Nonstop Ingest HTTP API. Every non-2xx answer throws NonstopApiError. */
export class NonstopIngestClient {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly headers: Record<string, string>;
  private readonly pollSchedule: PollSchedule;

  constructor(options: ClientOptions) {
    if (!options || typeof options.baseUrl !== 'string' || options.baseUrl === '') throw new TypeError('baseUrl is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new TypeError('no fetch available: pass one in the options');
    this.fetchImpl = fetchImpl;
    this.headers = { ...options.headers };
    this.pollSchedule = options.pollSchedule ?? DEFAULT_POLL_SCHEDULE_MS;
  }

  /**
   * `POST /job/batch-insert`. With an idempotency key, a retry of the same body returns the same job.
   * `on_existing` says what to do with stored documents (`fail`, `skip_unchanged`, `replace`); with
   * `dry_run: true` no job is made and the answer is a DryRunResponse (what each document would get).
   */
  async createBatchInsertJob(body: BatchInsertRequest & { dry_run: true }, options?: CreateOptions): Promise<DryRunResponse>;
  async createBatchInsertJob(body: BatchInsertRequest & { dry_run?: false }, options?: CreateOptions): Promise<CreateJobResponse>;
  async createBatchInsertJob(body: BatchInsertRequest, options?: CreateOptions): Promise<CreateJobResponse | DryRunResponse>;
  async createBatchInsertJob(body: BatchInsertRequest, options: CreateOptions = {}): Promise<CreateJobResponse | DryRunResponse> {
    return this.create('/job/batch-insert', body, options);
  }

  /**
   * `POST /job/batch-delete`: a job deleting the named documents (`content_names`, of `chat_bot_id` when
   * given), a whole bot (`chat_bot_id` alone) or the whole account (neither). `waitForJob` then returns
   * its view with the `receipt` (counts before and after, in both stores). A delete job cannot be rolled back.
   */
  async deleteDocuments(body: BatchDeleteRequest, options: CreateOptions = {}): Promise<CreateJobResponse> {
    return this.create('/job/batch-delete', body, options);
  }

  /**
   * `POST /job/{id}/retry`: a new job of the failed documents of a finished insert job (read from its
   * ledger; nothing is uploaded again), with `retry_of` set. 409 `job_not_finished` while the job runs,
   * `not_retryable` for a delete job, `nothing_to_retry` when none failed.
   */
  async retryJob(jobId: string, options: CreateOptions = {}): Promise<CreateJobResponse> {
    return this.create(`/job/${encodeURIComponent(jobId)}/retry`, undefined, options);
  }

  /** `GET /job/{id}`: status, progress, timing and the first 100 results. */
  async getJob(jobId: string, options: RequestOptions = {}): Promise<JobView> {
    const { body } = await this.request<JobView>('GET', `/job/${encodeURIComponent(jobId)}`, { signal: options.signal });
    return body;
  }

  /** `GET /job/{id}/results`: one page; pass its `next_cursor` to read the next. */
  async getResultsPage(
    jobId: string,
    options: RequestOptions & { cursor?: string | null; limit?: number; status?: ResultStatus } = {},
  ): Promise<ResultsPage> {
    const query = new URLSearchParams();
    if (options.cursor) query.set('cursor', options.cursor);
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.status !== undefined) query.set('status', options.status);
    const encoded = query.toString();
    const suffix = encoded ? `?${encoded}` : '';
    const { body } = await this.request<ResultsPage>('GET', `/job/${encodeURIComponent(jobId)}/results${suffix}`, {
      signal: options.signal,
    });
    return body;
  }

  /** Every result of a job in document order, page after page until `next_cursor` is null. */
  async *iterateResults(jobId: string, options: IterateResultsOptions = {}): AsyncGenerator<JobResult, void, undefined> {
    let cursor: string | null = null;
    do {
      const page: ResultsPage = await this.getResultsPage(jobId, {
        cursor,
        signal: options.signal,
        ...(options.pageSize !== undefined ? { limit: options.pageSize } : {}),
        ...(options.status !== undefined ? { status: options.status } : {}),
      });
      yield* page.results;
      cursor = page.next_cursor;
    } while (cursor);
  }

  /**
   * Polls `GET /job/{id}` until the job is completed, failed or cancelled, and
   * returns that last view (a failed or cancelled job is returned, not thrown).
   * Waits follow the schedule (1, 2, 4, 8, 16 s, then every 16 s). A network
   * error or 5xx answer is retried on the same schedule, since the service is
   * built to come back; a 4xx (e.g. 404) is thrown.
   */
  async waitForJob(jobId: string, options: WaitOptions = {}): Promise<JobView> {
    const schedule = options.schedule ?? this.pollSchedule;
    const deadline = options.deadlineMs !== undefined ? Date.now() + options.deadlineMs : Infinity;
    let lastStatus: string | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const job = await this.getJob(jobId, { signal: options.signal });
        lastStatus = job.status;
        options.onProgress?.(job);
        if (FINAL_JOB_STATUSES.includes(job.status)) return job;
      } catch (error) {
        if (options.signal?.aborted) throw abortReason(options.signal);
        if (!isTransient(error)) throw error;
        options.onRetry?.(error);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new WaitTimeoutError(jobId, lastStatus, options.deadlineMs!);
      await sleep(Math.min(backoffDelay(attempt, schedule), remaining), options.signal);
    }
  }

  /**
   * `GET /job/{id}/stream` (Server-Sent Events) as an async iterator of typed
   * events. A dropped connection is reopened with Last-Event-ID so that no
   * event is lost; the iterator ends after the server's `end` event.
   */
  async *streamJob(jobId: string, options: StreamOptions = {}): AsyncGenerator<JobStreamEvent, void, undefined> {
    const parser = new SseParser(options.lastEventId ?? '');
    const maxReconnects = options.maxReconnects ?? 10;
    let failures = 0;
    for (;;) {
      const headers: Record<string, string> = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
      if (parser.lastEventId) headers['Last-Event-ID'] = parser.lastEventId;
      let response: Response | undefined;
      let dropped: unknown;
      try {
        response = await this.send('GET', `/job/${encodeURIComponent(jobId)}/stream`, { headers, signal: options.signal });
      } catch (error) {
        if (options.signal?.aborted) throw abortReason(options.signal);
        if (!(error instanceof NonstopNetworkError)) throw error;
        dropped = error;
      }
      if (response) {
        if (!response.ok) {
          const error = errorFromResponse(
            response.status,
            await response.text().catch(() => ''),
            response.headers.get('x-request-id') ?? undefined,
          );
          if (!isTransient(error)) throw error;
          dropped = error;
        } else if (response.body) {
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              for (const message of parser.push(value)) {
                failures = 0;
                const event: JobStreamEvent = {
                  event: message.event,
                  data: JSON.parse(message.data) as JobStreamData,
                  ...(message.id ? { id: message.id } : {}),
                };
                yield event;
                if (message.event === 'end') return;
              }
            }
            parser.end();
          } catch (error) {
            if (options.signal?.aborted) throw abortReason(options.signal);
            if (error instanceof SyntaxError) throw error;
            dropped = error;
            parser.end();
          } finally {
            await reader.cancel().catch(() => undefined);
          }
        }
      }
      failures++;
      if (failures > maxReconnects) {
        throw new NonstopNetworkError(`job ${jobId} stream: gave up after ${maxReconnects} reconnects`, { cause: dropped });
      }
      await sleep(parser.retryMs ?? options.reconnectDelayMs ?? 1_000, options.signal);
    }
  }

  /**
   * `DELETE /job/{id}`: the document in hand finishes, the rest stop. With
   * `rollback`, what the job wrote is removed too. `settled` is false when
   * the server answered before the worker stopped (202).
   */
  async cancelJob(jobId: string, options: RequestOptions & { rollback?: boolean } = {}): Promise<CancelJobResponse> {
    const suffix = options.rollback ? '?rollback=true' : '';
    const { status, body } = await this.request<JobView>('DELETE', `/job/${encodeURIComponent(jobId)}${suffix}`, {
      signal: options.signal,
    });
    return { ...body, settled: status === 200 };
  }

  /**
   * `POST /data/insert/batch`: the synchronous API, for small batches (100 documents by default). With an
   * idempotency key, a retry after a lost answer gets the first request's results instead of "already exists".
   */
  async insertBatchSync(body: BatchInsertRequest & { dry_run: true }, options?: CreateOptions): Promise<DryRunResponse>;
  async insertBatchSync(body: BatchInsertRequest & { dry_run?: false }, options?: CreateOptions): Promise<SyncInsertResponse>;
  async insertBatchSync(body: BatchInsertRequest, options?: CreateOptions): Promise<SyncInsertResponse | DryRunResponse>;
  async insertBatchSync(body: BatchInsertRequest, options: CreateOptions = {}): Promise<SyncInsertResponse | DryRunResponse> {
    return this.create('/data/insert/batch', body, options);
  }

  /**
   * `POST /search`: the chunks of the account closest to the query, best
   * first. A document is findable as soon as its insert answered.
   */
  async search(body: SearchRequest, options: RequestOptions = {}): Promise<SearchResponse> {
    const { body: answer } = await this.request<SearchResponse>('POST', '/search', { json: body, signal: options.signal });
    return answer;
  }

  private async create<T>(path: string, body: unknown, options: CreateOptions): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
    const { body: answer } = await this.request<T>('POST', path, { json: body, headers, signal: options.signal });
    return answer;
  }

  private async request<T>(
    method: string,
    path: string,
    init: { json?: unknown; headers?: Record<string, string>; signal?: AbortSignal | undefined },
  ): Promise<{ status: number; body: T }> {
    const response = await this.send(method, path, init);
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(response.status, text, response.headers.get('x-request-id') ?? undefined);
    try {
      return { status: response.status, body: JSON.parse(text) as T };
    } catch {
      throw new NonstopApiError(response.status, 'invalid_response', `${method} ${path}: the answer is not JSON`);
    }
  }

  private async send(
    method: string,
    path: string,
    init: { json?: unknown; headers?: Record<string, string>; signal?: AbortSignal | undefined },
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...this.headers, ...init.headers };
    if (this.apiKey !== undefined) headers.Authorization = `Bearer ${this.apiKey}`;
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['Content-Type'] = 'application/json; charset=utf-8';
      body = JSON.stringify(init.json);
    }
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (error) {
      if (init.signal?.aborted) throw abortReason(init.signal);
      throw new NonstopNetworkError(`${method} ${this.baseUrl}${path} failed: ${describe(error)}`, { cause: error });
    }
  }
}

/** Tells a dry run's answer from a job or results answer. */
export function isDryRun(answer: CreateJobResponse | SyncInsertResponse | DryRunResponse): answer is DryRunResponse {
  return (answer as { dry_run?: unknown }).dry_run === true;
}

/** Worth another try: no answer at all, or the server's 5xx (it restarts, or a store is briefly down), or 429. */
export function isTransient(error: unknown): boolean {
  if (error instanceof NonstopNetworkError) return true;
  return error instanceof NonstopApiError && (error.status >= 500 || error.status === 429);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
