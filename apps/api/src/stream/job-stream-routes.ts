import { Router, type Response } from 'express';
import { ApiError, errorMessage, type Logger } from '@nonstop/core';
import { callerOf } from '../auth/api-key-auth';
import { visibleJob } from '../auth/tenancy';
import { progressOf } from '@nonstop/pipeline';
import { FINAL_JOB_STATUSES, type JobRow, type PgJobStore } from '@nonstop/storage';
import { jobView } from '../jobs/job-view';
import { DEFAULT_PAGE_LIMIT } from '../jobs/page-params';
import type { JobEventHub } from './job-event-hub';
import type { OpenStreams } from './open-streams';
import { formatSseEvent, startSse } from './sse';

export interface JobStreamDeps {
  jobs: PgJobStore;
  logger: Logger;
  /** Wake-ups from the queue; without it the stream relies on its poll alone. */
  hub?: JobEventHub;
  /** The per-key and per-process caps, and the end of a revoked key's streams; without it streams are not counted. */
  openStreams?: OpenStreams;
  heartbeatMs?: number;
  pollMs?: number;
}

/** Seconds a client refused a stream is told to wait: streams last minutes, so asking sooner is pointless. */
const STREAM_RETRY_AFTER_SECONDS = 10;

/** The shape of every id streamEventId writes: a Last-Event-ID of another shape was not sent by this API. */
const EVENT_ID = /^[0-9]{1,10}-(pending|processing|completed|failed|cancelled)(-cancelling)?$/;

/** The event id: changes exactly when what a client sees changes. */
export function streamEventId(job: JobRow): string {
  return `${job.processed_documents}-${job.status}${job.cancel_requested_at && job.status === 'processing' ? '-cancelling' : ''}`;
}

export function stateEvent(job: JobRow): Record<string, unknown> {
  return {
    job_id: job.id,
    status: job.status,
    progress: progressOf(job),
    updated_at: job.updated_at.toISOString(),
    ...(job.cancel_requested_at ? { cancel_requested_at: job.cancel_requested_at.toISOString() } : {}),
  };
}

/**
 * `GET /job/{id}/stream`: Server-Sent Events of a job. PostgreSQL is the
 * truth for every event; queue events (any worker, through Redis) only wake
 * the stream up, and a slow poll covers what no event announces (a cancel,
 * a lost event). The last event is `end`, shaped like GET /job/{id}.
 * A client reconnecting with Last-Event-ID gets the latest state at once,
 * and the end event if the job finished meanwhile: nothing that matters is lost.
 */
export function jobStreamRoutes(deps: JobStreamDeps): Router {
  const router = Router();
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const pollMs = deps.pollMs ?? 2_000;

  router.get('/job/:jobId/stream', async (req, res) => {
    const jobId = req.params.jobId;
    const lastEventId = req.get('Last-Event-ID');
    if (lastEventId !== undefined && !EVENT_ID.test(lastEventId)) {
      throw new ApiError(400, 'invalid_last_event_id', 'Last-Event-ID must be the id of an event of this stream, such as 12-processing');
    }
    const caller = callerOf(res);
    await visibleJob(deps.jobs, jobId, caller);
    const log = deps.logger.child({ job_id: jobId });

    let closed = false;
    let lastId: string | undefined;
    let running = false;
    let again = false;
    const cleanups: Array<() => void> = [];
    const finish = (): void => {
      if (closed) return;
      closed = true;
      for (const cleanup of cleanups) cleanup();
    };
    if (deps.openStreams) {
      const admission = deps.openStreams.admit(caller.keyId, () => {
        if (!closed) res.write(': the API key of this stream was revoked\n\n');
        finish();
        res.end();
      });
      if ('refusal' in admission) {
        res.set('Retry-After', String(STREAM_RETRY_AFTER_SECONDS));
        throw new ApiError(429, 'too_many_streams', `${admission.refusal}; close a stream or retry after ${STREAM_RETRY_AFTER_SECONDS} s`);
      }
      cleanups.push(admission.release);
    }
    res.on('close', finish);

    const send = async (job: JobRow): Promise<void> => {
      if (FINAL_JOB_STATUSES.includes(job.status)) {
        const rows = await deps.jobs.listResults(job.id, { limit: DEFAULT_PAGE_LIMIT + 1 });
        if (closed) return;
        write(res, streamEventId(job), 'end', jobView(job, rows, DEFAULT_PAGE_LIMIT));
        finish();
        res.end();
        return;
      }
      const id = streamEventId(job);
      if (id === lastId) return;
      lastId = id;
      write(res, id, undefined, stateEvent(job));
    };

    // Coalesced: events arriving during a read make one more read, never a pile of them.
    const refresh = async (): Promise<void> => {
      if (closed) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const job = await deps.jobs.getJob(jobId);
          if (closed) return;
          if (!job) {
            finish();
            res.end();
            return;
          }
          await send(job);
        } while (again && !closed);
      } catch (error) {
        log.warn('job stream could not read the job; the next poll retries', { error: errorMessage(error) });
      } finally {
        running = false;
      }
    };

    // Listen before the first read, so a change between the two is not missed.
    if (deps.hub) {
      cleanups.push(deps.hub.subscribe(jobId, () => void refresh()));
      cleanups.push(
        deps.hub.onShutdown(() => {
          finish();
          res.end();
        }),
      );
    }
    startSse(res, pollMs);
    const poll = setInterval(() => void refresh(), pollMs);
    const heartbeat = setInterval(() => {
      if (!closed) res.write(': ping\n\n');
    }, heartbeatMs);
    cleanups.push(
      () => clearInterval(poll),
      () => clearInterval(heartbeat),
    );
    if (lastEventId !== undefined) log.debug('stream resumed', { last_event_id: lastEventId });
    await refresh();
  });

  return router;
}

function write(res: Response, id: string, event: string | undefined, data: unknown): void {
  res.write(formatSseEvent({ id, ...(event ? { event } : {}), data }));
}
