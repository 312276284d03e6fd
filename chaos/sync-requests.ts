import type { Pool } from 'pg';
import type { DocumentInput } from '@nonstop/core';
import type { ApiClient, SyncAnswer } from './api-client';
import type { AppFleet } from './app-fleet';
import { makeDocuments, seededShuffle } from './documents';
import type { EventLog } from './event-log';
import { sleep } from './loopback';

/** One POST /data/insert/batch of the run and what came back. */
export interface SyncRequest {
  n: number;
  label: string;
  /** In the order sent: new documents and repeats of the large job's, shuffled. */
  documents: DocumentInput[];
  /** content_names no other writer submits: whether they are kept depends on this request alone. */
  fresh: Set<string>;
  sentAt: number;
  answeredAt: number;
  answer: SyncAnswer;
  /** 503 only: the job the API says the request stays staged as (PostgreSQL was away). */
  stagedJobId?: string;
  /** No answer only: the API was killed (or down) while it was in flight. */
  apiWasDown?: boolean;
}

export type SyncAnswerKind = '200' | '503' | 'connection error' | 'other';

/** The request reached the API: it was answered, or its connection dropped (not refused). */
export function reachedApi(request: SyncRequest): boolean {
  return request.answer.status !== 'no answer' || request.answer.cause !== 'ECONNREFUSED';
}

export function kindOf(request: SyncRequest): SyncAnswerKind {
  const { status } = request.answer;
  if (status === 'no answer') return 'connection error';
  return status === 200 ? '200' : status === 503 ? '503' : 'other';
}

const STAGED = /staged as job ([0-9a-f-]{36})/;

/**
 * Synchronous requests, one after another, each to an API that is up, for
 * as long as `over()` is false (each pushed to `requests` once answered):
 * 5-10 documents each, of which every other request repeats 1-3 documents
 * the large job has already stored (they must answer "already exists"). The
 * repeats are taken among the large job's succeeded ledger rows: a document
 * the large job has not stored yet could be won by a request that is then
 * rolled back, leaving the large job's "already exists" stale, a known gap
 * (docs/exactly-once.md) this run does not test.
 */
export async function runSyncRequests(
  deps: {
    api: ApiClient;
    pool: Pool;
    fleet: AppFleet;
    events: EventLog;
    accountName: string;
    chunksPerDocument: number;
    large: DocumentInput[];
    largeJobId: string;
    over: () => boolean;
    say: (line: string) => void;
  },
  requests: SyncRequest[],
): Promise<void> {
  for (let n = 1; !deps.over(); n += 1) {
    const size = 5 + (n % 6);
    const repeats = n % 2 === 0 ? await storedLargeDocuments(deps.pool, deps.largeJobId, deps.large, 1 + (n % 3)) : [];
    const label = `sync-${n}`;
    const fresh = makeDocuments(label, size - repeats.length, deps.chunksPerDocument);
    const documents = seededShuffle([...fresh, ...repeats], n);
    // Sent to an API that is up: a request refused by an API still booting tests nothing.
    while (readyApiPid(deps.fleet) === undefined && !deps.over()) await sleep(200);
    const apiAtSend = readyApiPid(deps.fleet);
    const sentAt = Date.now();
    const answer = await deps.api.insertBatch(deps.accountName, documents);
    const request: SyncRequest = {
      n,
      label,
      documents,
      fresh: new Set(fresh.map((d) => d.content_name)),
      sentAt,
      answeredAt: Date.now(),
      answer,
    };
    if (answer.status === 503) {
      const staged = STAGED.exec(answer.body.error?.message ?? '');
      if (staged) request.stagedJobId = staged[1]!;
    }
    if (answer.status === 'no answer') {
      // The exit of a killed API reaches the fleet a moment after the connection drops.
      await sleep(1_000);
      const killed = deps.events.events.some((e) => e.kind === 'kill -9 API' && e.at >= sentAt - 100 && e.at <= Date.now());
      request.apiWasDown = apiAtSend === undefined || killed || readyApiPid(deps.fleet) !== apiAtSend;
    }
    requests.push(request);
    if (answer.status !== 200) {
      const detail =
        answer.status === 'no answer'
          ? answer.cause
          : `${answer.body.error?.code ?? ''}${request.stagedJobId ? `, staged as job ${request.stagedJobId}` : ''}`;
      deps.say(`sync request ${n}: ${answer.status} (${detail})`);
    }
    await sleep(answer.status === 'no answer' ? 1_000 : 300 + Math.random() * 700);
  }
}

/** The ready API's pid, or undefined while none is up. */
function readyApiPid(fleet: AppFleet): number | undefined {
  return fleet.alive('api').find((app) => app.readyAt !== undefined)?.pid;
}

/** `count` documents of the large job its ledger already records succeeded (read directly, not through the cut proxy). */
async function storedLargeDocuments(pool: Pool, largeJobId: string, large: DocumentInput[], count: number): Promise<DocumentInput[]> {
  const rows = (
    await pool.query<{ position: number }>(
      `SELECT position FROM job_documents WHERE job_id = $1 AND status = 'succeeded' ORDER BY random() LIMIT $2`,
      [largeJobId, count],
    )
  ).rows;
  return rows.map((row) => large[row.position]!);
}
