import type { Pool } from 'pg';
import type { CheckRow } from './check-row';
import type { ChaosEvent } from './event-log';
import type { JobOutcome, SubmittedJob } from './job-checks';
import type { StoredChunk, StoredDocument } from './store-checks';
import { kindOf, reachedApi, type SyncRequest } from './sync-requests';

export interface SyncJobs {
  /** The sync jobs PostgreSQL holds for the requests, as writers for the job checks. */
  jobs: SubmittedJob[];
  /** Request number -> the ids of the sync jobs holding its new documents (0 or 1 expected). */
  jobsOf: Map<number, string[]>;
  /** Sync jobs of the account whose documents are not those of one request. */
  strays: string[];
}

/**
 * The job of each synchronous request, found by its new documents (names no
 * other writer uses): the client does not learn the job id of a request
 * whose API was killed under it, and a 503 names it only when it stays staged.
 */
export async function findSyncJobs(pool: Pool, accountName: string, requests: SyncRequest[]): Promise<SyncJobs> {
  const rows = (
    await pool.query<{ id: string; content_name: string }>(
      `SELECT j.id, d.content_name FROM ingest_jobs j JOIN job_documents d ON d.job_id = j.id
      WHERE j.account_name = $1 AND j.origin = 'sync'`,
      [accountName],
    )
  ).rows;
  const requestOf = new Map<string, SyncRequest>();
  for (const request of requests) for (const name of request.fresh) requestOf.set(name, request);
  const namesOf = new Map<string, Set<string>>();
  for (const row of rows) namesOf.set(row.id, (namesOf.get(row.id) ?? new Set()).add(row.content_name));
  const jobs: SubmittedJob[] = [];
  const jobsOf = new Map<number, string[]>();
  const strays: string[] = [];
  for (const [id, names] of namesOf) {
    const owners = new Set([...names].map((name) => requestOf.get(name)).filter((r): r is SyncRequest => r !== undefined));
    const [request] = owners;
    if (
      owners.size !== 1 ||
      !request ||
      names.size !== request.documents.length ||
      request.documents.some((d) => !names.has(d.content_name))
    ) {
      strays.push(id);
      continue;
    }
    jobs.push({ id, label: request.label, kind: 'sync', documents: request.documents });
    jobsOf.set(request.n, [...(jobsOf.get(request.n) ?? []), id]);
  }
  return { jobs, jobsOf, strays };
}

/** Requests the API had while the store did not answer (the whole event if that was not measured). */
function inApiDuring(requests: SyncRequest[], event: ChaosEvent): SyncRequest[] {
  const { from, to } = event.unanswered ?? { from: event.at, to: event.endedAt };
  return requests.filter((r) => reachedApi(r) && r.sentAt <= to && r.answeredAt >= from);
}

/** The requests in the API while `event` lasted, by answer: "4: 200 x2, 503 milvus_unavailable x1, no answer x1". */
export function answersDuring(requests: SyncRequest[], event: ChaosEvent | undefined): string {
  if (!event) return '-';
  const during = inApiDuring(requests, event);
  const tally = new Map<string, number>();
  for (const r of during) {
    const key =
      r.answer.status === 'no answer'
        ? 'no answer'
        : r.answer.status === 200
          ? '200'
          : `${r.answer.status} ${r.answer.body.error?.code ?? ''}${r.stagedJobId ? ' (staged)' : ''}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  return `${during.length}${during.length ? `: ${[...tally].map(([key, n]) => `${key} x${n}`).join(', ')}` : ''}`;
}

/**
 * What each answer promised, against the stores at the end:
 * - 200: its job completed, the answer is the ledger's, and every document
 *   it reports succeeded is stored (its doc_id, every chunk, every vector);
 * - 503: nothing new kept, unless the 503 says the request stays staged as a
 *   job: then that job ended, completed or failed;
 * - no answer (the API was killed or down): whatever its job's ledger says.
 * In every case a request's new documents are all kept if its job completed
 * and none otherwise: no document half stored.
 */
export function checkSyncRequests(
  requests: SyncRequest[],
  found: SyncJobs,
  outcome: JobOutcome,
  stored: Map<string, StoredDocument>,
  chunks: StoredChunk[],
  milvusMissing: Set<number>,
  events: ChaosEvent[],
): CheckRow[] {
  const by = (kind: ReturnType<typeof kindOf>) => requests.filter((r) => kindOf(r) === kind);
  const [ok200, got503, noAnswer, other] = [by('200'), by('503'), by('connection error'), by('other')];
  const staged = got503.filter((r) => r.stagedJobId !== undefined);
  const unexplained = noAnswer.filter((r) => !r.apiWasDown);
  const jobOf = (r: SyncRequest) => found.jobsOf.get(r.n)?.[0];
  const statusOf = (r: SyncRequest) => {
    const id = jobOf(r);
    return id === undefined ? 'no job' : (outcome.status.get(id) ?? 'unknown');
  };
  const chunksOf = new Map<number, number[]>();
  for (const chunk of chunks) chunksOf.set(chunk.docId, [...(chunksOf.get(chunk.docId) ?? []), chunk.chunkId]);

  let reportedSucceeded = 0;
  let notStored = 0;
  let unlikeLedger = 0;
  for (const request of ok200) {
    const answer = request.answer.status === 200 ? request.answer.body : {};
    const ledger = new Map((outcome.results.get(answer.job_id ?? '') ?? []).map((r) => [r.position, r]));
    const sameAsLedger =
      answer.job_id === jobOf(request) &&
      statusOf(request) === 'completed' &&
      (answer.results ?? []).length === request.documents.length &&
      (answer.results ?? []).every((r) => {
        const l = ledger.get(r.position);
        return l !== undefined && l.status === r.status && l.doc_id === r.doc_id && l.error_code === r.error_code;
      });
    if (!sameAsLedger) unlikeLedger += 1;
    for (const result of answer.results ?? []) {
      if (!result.success) continue;
      reportedSucceeded += 1;
      const document = stored.get(result.content_name);
      const ids = chunksOf.get(result.doc_id ?? -1) ?? [];
      if (!document || document.docId !== result.doc_id || ids.length !== result.chunks_count || ids.some((id) => milvusMissing.has(id)))
        notStored += 1;
    }
  }

  // New documents: all kept when the request's job completed, none otherwise.
  let halfKept = 0;
  let newKept = 0;
  for (const request of requests) {
    const kept = [...request.fresh].filter((name) => stored.has(name)).length;
    newKept += kept;
    if (kept !== (statusOf(request) === 'completed' ? request.fresh.size : 0)) halfKept += 1;
  }
  const notStaged = got503.filter((r) => r.stagedJobId === undefined);
  const notStagedBroken = notStaged.filter(
    (r) => !['no job', 'failed'].includes(statusOf(r)) || [...r.fresh].some((name) => stored.has(name)),
  );
  const stagedEnded = staged.filter((r) => jobOf(r) === r.stagedJobId && ['completed', 'failed'].includes(statusOf(r)));
  const tally = (list: SyncRequest[]) => {
    const count = (status: string) => list.filter((r) => statusOf(r) === status).length;
    return `${count('completed')} completed, ${count('failed')} failed, ${count('no job')} never staged`;
  };
  const unended = found.jobs.filter((job) => !['completed', 'failed'].includes(outcome.status.get(job.id) ?? ''));
  const twice = [...found.jobsOf.values()].filter((ids) => ids.length > 1).length;
  const during = (kind: ChaosEvent['kind']) => {
    const event = events.find((e) => e.kind === kind);
    return event ? inApiDuring(requests, event).length : -1;
  };
  const [duringPg, duringMilvus] = [during('PostgreSQL connection cut'), during('Milvus restart')];
  const milvusRestarted = events.some((e) => e.kind === 'Milvus restart');

  return [
    {
      check: 'sync requests: every answer is a 200, a 503, or no answer while the API was killed or down',
      expected: '0 other, 0 unexplained',
      actual:
        `${requests.length} sent: ${ok200.length} 200, ${got503.length} 503 (${staged.length} staged as a job), ${noAnswer.length} no answer ` +
        `(${unexplained.length} with the API up); ${other.length} other${other.length ? ` (${[...new Set(other.map((r) => r.answer.status))].join(', ')})` : ''}`,
      ok: other.length === 0 && unexplained.length === 0,
    },
    {
      check: 'sync requests in the API while PostgreSQL was cut, and while Milvus did not answer',
      expected: milvusRestarted ? '>= 1 each' : '>= 1 (Milvus skipped by flag)',
      actual: `${duringPg}, ${milvusRestarted ? duringMilvus : '-'}`,
      ok: duringPg >= 1 && (!milvusRestarted || duringMilvus >= 1),
    },
    {
      check: "sync 200: job completed, the answer is its ledger's, every document reported succeeded stored (doc_id, chunks, vectors)",
      expected: '0 unlike, 0 not stored',
      actual: `${ok200.length} answers, ${unlikeLedger} unlike the ledger; ${reportedSucceeded} documents reported succeeded, ${notStored} not stored`,
      ok: unlikeLedger === 0 && notStored === 0,
    },
    {
      check: 'sync 503 not staged: no job completed, none of its new documents kept',
      expected: '0 broken',
      actual: `${notStaged.length} answers (${tally(notStaged)}), ${notStagedBroken.length} broken`,
      ok: notStagedBroken.length === 0,
    },
    {
      check: 'sync 503 staged as a job: that job ended, completed or failed',
      expected: `${staged.length} ended`,
      actual: `${stagedEnded.length} ended (${tally(staged)})`,
      ok: stagedEnded.length === staged.length,
    },
    {
      check: 'sync requests without an answer: their job (if staged) ended; outcome as its ledger says',
      expected: '0 not ended',
      actual: `${noAnswer.length} requests: ${tally(noAnswer)}; ${noAnswer.filter((r) => !['completed', 'failed', 'no job'].includes(statusOf(r))).length} not ended`,
      ok: noAnswer.every((r) => ['completed', 'failed', 'no job'].includes(statusOf(r))),
    },
    {
      check: 'sync jobs: at most one per request, none without a request, every one ended',
      expected: '0, 0, 0',
      actual: `${twice}, ${found.strays.length}, ${unended.length} (${found.jobs.length} sync jobs)`,
      ok: twice === 0 && found.strays.length === 0 && unended.length === 0,
    },
    {
      check: "sync requests: new documents all kept if the request's job completed, none otherwise",
      expected: '0 requests otherwise',
      actual: `${halfKept} requests otherwise (${newKept} new documents kept)`,
      ok: halfKept === 0,
    },
  ];
}
