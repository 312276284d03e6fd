import type { Pool } from 'pg';
import type { DocumentInput } from '@nonstop/core';
import type { ApiClient, ResultView } from './api-client';
import type { CheckRow } from './check-row';
import type { ExpectedDocument } from './store-checks';

/**
 * A writer of the run: a job POSTed to /job/batch-insert (every one must
 * complete), or the job PostgreSQL staged for a synchronous request
 * (`sync`: it may end `failed`, rolled back, when a store was out).
 */
export interface SubmittedJob {
  id: string;
  label: string;
  kind: 'large' | 'small' | 'overlap' | 'sync';
  documents: DocumentInput[];
}

export interface JobOutcome {
  rows: CheckRow[];
  /** Every document that must be stored, once: those of the jobs that completed. */
  expected: Map<string, ExpectedDocument>;
  /** content_name -> doc_id and job of its one succeeded result. */
  succeeded: Map<string, { docId: number; jobId: string }>;
  /** Each job's per-document results (API, all pages) and status (PostgreSQL). */
  results: Map<string, ResultView[]>;
  status: Map<string, string>;
}

/**
 * Every POSTed job completed (API and PostgreSQL agree); every job, sync
 * ones included, has exactly one result per document. The expected store:
 * whichever writer won a document, a document of a completed job succeeded
 * in exactly one job (the others, which submitted it too, report "already
 * exists"), and a document no completed job holds (a sync request that
 * failed, or was never staged) succeeded nowhere.
 */
export async function checkJobs(api: ApiClient, pool: Pool, accountName: string, jobs: SubmittedJob[]): Promise<JobOutcome> {
  const posted = jobs.filter((job) => job.kind !== 'sync');
  const jobRows = (
    await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ingest_jobs WHERE account_name = $1 AND origin = 'job'`, [accountName])
  ).rows[0]!.n;
  const statuses = (
    await pool.query<{ id: string; status: string }>('SELECT id, status FROM ingest_jobs WHERE id = ANY($1::uuid[])', [
      jobs.map((j) => j.id),
    ])
  ).rows;
  const pgStatus = new Map(statuses.map((row) => [row.id, row.status]));
  const apiStatus = new Map<string, string>();
  for (const job of posted) apiStatus.set(job.id, (await api.job(job.id))?.status ?? 'no answer');
  const notCompleted = posted.filter((job) => pgStatus.get(job.id) !== 'completed' || apiStatus.get(job.id) !== 'completed');

  // A document more than one writer submitted: any of them may win it, the others answer "already exists".
  const writers = new Map<string, number>();
  for (const job of jobs) for (const d of job.documents) writers.set(d.content_name, (writers.get(d.content_name) ?? 0) + 1);
  let badResultSets = 0;
  let unexpectedFailures = 0;
  const successes = new Map<string, Array<ResultView & { jobId: string }>>();
  const results = new Map<string, ResultView[]>();
  const expected = new Map<string, ExpectedDocument>();
  for (const job of jobs) {
    const jobResults = await api.allResults(job.id);
    results.set(job.id, jobResults);
    const positions = new Set(jobResults.map((r) => r.position));
    const complete =
      jobResults.length === job.documents.length &&
      positions.size === jobResults.length &&
      jobResults.every(
        (r) => r.position >= 0 && r.position < job.documents.length && r.content_name === job.documents[r.position]!.content_name,
      );
    if (!complete) badResultSets += 1;
    const completed = pgStatus.get(job.id) === 'completed';
    if (completed)
      for (const d of job.documents) expected.set(d.content_name, { contentName: d.content_name, texts: d.chunks.map((c) => c.text) });
    for (const result of jobResults) {
      if (result.status === 'succeeded' && result.success) {
        successes.set(result.content_name, [...(successes.get(result.content_name) ?? []), { ...result, jobId: job.id }]);
      } else if (completed && !(result.error_code === 'already_exists' && (writers.get(result.content_name) ?? 0) > 1)) {
        // A failed sync job's rows are rolled back or never processed: that is the failure, checked with the requests.
        unexpectedFailures += 1;
      }
    }
  }
  const notExactlyOnce = [...expected.keys()].filter((name) => (successes.get(name)?.length ?? 0) !== 1);
  const keptElsewhere = [...successes.keys()].filter((name) => !expected.has(name));
  const succeeded = new Map([...successes].map(([name, [first]]) => [name, { docId: first!.doc_id ?? -1, jobId: first!.jobId }]));
  const totalDocuments = jobs.reduce((sum, job) => sum + job.documents.length, 0);
  return {
    expected,
    succeeded,
    results,
    status: pgStatus,
    rows: [
      {
        check: 'one job per POST, retried POSTs included (Idempotency-Key)',
        expected: `${posted.length} jobs`,
        actual: `${jobRows} jobs in PostgreSQL`,
        ok: jobRows === posted.length,
      },
      {
        check: 'every POSTed job completed (API and PostgreSQL)',
        expected: `${posted.length} completed`,
        actual:
          notCompleted.length === 0
            ? `${posted.length} completed`
            : notCompleted.map((j) => `${j.label}: ${pgStatus.get(j.id)}/${apiStatus.get(j.id)}`).join(', '),
        ok: notCompleted.length === 0,
      },
      {
        check: 'every job, sync ones included, has exactly one result per document (all positions, once)',
        expected: `${totalDocuments} results in ${jobs.length} jobs`,
        actual: `${badResultSets} jobs with missing or extra results`,
        ok: badResultSets === 0,
      },
      {
        check: 'no failed result in a completed job except "already exists" for a document another writer also submitted',
        expected: '0',
        actual: `${unexpectedFailures}`,
        ok: unexpectedFailures === 0,
      },
      {
        check: 'each document of a completed job succeeded in exactly one job; none of a failed or unstaged sync request did',
        expected: `${expected.size}, 0`,
        actual: `${expected.size - notExactlyOnce.length} (${notExactlyOnce.length} not exactly once), ${keptElsewhere.length}`,
        ok: notExactlyOnce.length === 0 && keptElsewhere.length === 0,
      },
    ],
  };
}
