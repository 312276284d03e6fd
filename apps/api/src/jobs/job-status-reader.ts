import { createHash } from 'node:crypto';
import type { PgJobStore } from '@nonstop/storage';
import { jobView } from './job-view';
import { DEFAULT_PAGE_LIMIT } from './page-params';

/** The status of one job as GET /job/{id} answers it: the owner (for the tenancy check), the body as JSON bytes and their ETag. */
export interface JobStatus {
  account_name: string;
  body: Buffer;
  etag: string;
}

interface Entry {
  status: Promise<JobStatus | undefined>;
  /** When the read that made this entry started; once settled, it answers until `startedAt + maxStalenessMs`. */
  startedAt: number;
  settled: boolean;
}

/**
 * Reads of GET /job/{id}, shared. Clients polling the same job at once
 * (a dashboard, several workers of one producer) would each cost two
 * PostgreSQL queries and a JSON serialization of up to 100 results; here
 * requests for the same job that arrive while a read is in flight, or up to
 * `maxStalenessMs` after that read started, get its answer.
 *
 * Staleness is bounded: an answer reflects the job as it was at most
 * `maxStalenessMs` (JOB_STATUS_CACHE_MS) plus one read's duration before
 * the request. With 0, only reads already in flight are shared. A DELETE
 * through this process drops the job's entry, so the caller sees its own
 * cancel at once. Entries are removed when they expire, so memory is bounded
 * by the jobs read within that window.
 */
export class JobStatusReader {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly jobs: PgJobStore,
    private readonly maxStalenessMs: number,
  ) {}

  read(jobId: string): Promise<JobStatus | undefined> {
    const now = Date.now();
    const entry = this.entries.get(jobId);
    if (entry && (!entry.settled || now - entry.startedAt <= this.maxStalenessMs)) return entry.status;
    const fresh: Entry = { status: this.load(jobId), startedAt: now, settled: false };
    this.entries.set(jobId, fresh);
    const drop = () => {
      if (this.entries.get(jobId) === fresh) this.entries.delete(jobId);
    };
    fresh.status.then(() => {
      fresh.settled = true;
      const left = now + this.maxStalenessMs - Date.now();
      if (left <= 0) drop();
      else setTimeout(drop, left).unref();
    }, drop);
    return fresh.status;
  }

  /** The job changed through this process (a cancel): the next read goes to PostgreSQL. */
  forget(jobId: string): void {
    this.entries.delete(jobId);
  }

  private async load(jobId: string): Promise<JobStatus | undefined> {
    const [job, firstRows] = await Promise.all([this.jobs.getJob(jobId), this.jobs.listResults(jobId, { limit: DEFAULT_PAGE_LIMIT + 1 })]);
    if (!job) return undefined;
    const body = Buffer.from(JSON.stringify(jobView(job, firstRows, DEFAULT_PAGE_LIMIT)));
    // Express would hash the body again on every response that shares it; this is its weak ETag, made once.
    return {
      account_name: job.account_name,
      body,
      etag: `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"`,
    };
  }
}
