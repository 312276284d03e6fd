import type { DocumentInput } from '@nonstop/core';
import { sleep } from './loopback';

export interface JobView {
  job_id: string;
  status: string;
  progress: { total_documents: number; processed_documents: number; success_count: number; failure_count: number; percentage: number };
}

export interface ResultView {
  position: number;
  content_name: string;
  status: string;
  success: boolean;
  doc_id?: number;
  chunks_count: number;
  error_code?: string;
}

/** What one POST /data/insert/batch got: an HTTP answer (its JSON body), or no answer at all (the connection failed). */
export type SyncAnswer =
  | { status: number; body: { job_id?: string; results?: ResultView[]; error?: { code: string; message: string } } }
  | { status: 'no answer'; cause: string };

/**
 * The chaos run's only way in: the real HTTP API on loopback. The API is
 * killed now and then, so every call is retried until it is answered; a job
 * POST carries an Idempotency-Key so a retry after a lost answer returns the
 * same job instead of making a second one.
 */
export class ApiClient {
  unanswered = 0;

  constructor(
    private readonly base: string,
    private readonly deadline: () => number,
  ) {}

  async submitJob(accountName: string, documents: DocumentInput[], idempotencyKey: string): Promise<string> {
    const body = JSON.stringify({ account_name: accountName, documents });
    for (;;) {
      const response = await this.call('/job/batch-insert', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      });
      if (response && (response.status === 202 || response.status === 200)) return ((await response.json()) as { job_id: string }).job_id;
      if (response && response.status < 500 && response.status !== 429) {
        throw new Error(`POST /job/batch-insert -> ${response.status} ${(await response.text()).slice(0, 300)}`);
      }
      await sleep(1_000);
    }
  }

  /**
   * One synchronous insert, never retried: the run checks what each answer
   * (or the lack of one) left in the stores. The API answers within
   * SYNC_REQUEST_TIMEOUT_MS (60 s); the client waits a little longer.
   */
  async insertBatch(accountName: string, documents: DocumentInput[]): Promise<SyncAnswer> {
    try {
      const response = await fetch(`${this.base}/data/insert/batch`, {
        method: 'POST',
        body: JSON.stringify({ account_name: accountName, documents }),
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(90_000),
      });
      const text = await response.text();
      let body: Extract<SyncAnswer, { body: unknown }>['body'];
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        body = { error: { code: 'not_json', message: text.slice(0, 300) } };
      }
      return { status: response.status, body };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { status: 'no answer', cause: cause?.code ?? cause?.message ?? (error as Error).name };
    }
  }

  /** The job as the API shows it, or undefined while the API does not answer. */
  async job(jobId: string): Promise<JobView | undefined> {
    const response = await this.call(`/job/${jobId}`, {}, 1);
    return response?.status === 200 ? ((await response.json()) as JobView) : undefined;
  }

  /** Every per-document result of a job, all pages. */
  async allResults(jobId: string): Promise<ResultView[]> {
    const results: ResultView[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const response = await this.call(`/job/${jobId}/results?limit=1000${query}`);
      if (response?.status !== 200) throw new Error(`GET results of ${jobId} -> ${response?.status ?? 'no answer'}`);
      const page = (await response.json()) as { results: ResultView[]; next_cursor: string | null };
      results.push(...page.results);
      cursor = page.next_cursor;
    } while (cursor !== null);
    return results;
  }

  /** fetch with retries while the API is down; undefined after `attempts` failures. */
  private async call(path: string, init: RequestInit = {}, attempts = Infinity): Promise<Response | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await fetch(`${this.base}${path}`, { ...init, signal: AbortSignal.timeout(60_000) });
        if (response.status < 500) return response;
        if (attempt >= attempts) return response;
      } catch {
        this.unanswered += 1;
        if (attempt >= attempts) return undefined;
      }
      if (Date.now() > this.deadline()) throw new Error(`API at ${this.base} did not answer ${path} before the deadline`);
      await sleep(Math.min(1_000 * attempt, 3_000));
    }
  }
}
