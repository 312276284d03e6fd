import type { Pool } from 'pg';
import type { DocumentInput } from '@nonstop/core';
import type { ApiClient, ResultView } from './api-client';
import type { CheckRow } from './check-row';

export interface SubmittedJob {
  id: string;
  label: string;
  kind: 'large' | 'small' | 'overlap';
  documents: DocumentInput[];
}

export interface JobOutcome {
  rows: CheckRow[];
  /** content_name -> doc_id of its one succeeded result. */
  succeededDocIds: Map<string, number>;
}

/** Every job completed (API and PostgreSQL agree); every document has exactly one result; each content name succeeded exactly once. */
export async function checkJobs(api: ApiClient, pool: Pool, accountName: string, jobs: SubmittedJob[]): Promise<JobOutcome> {
  const jobRows = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ingest_jobs WHERE account_name = $1', [accountName])).rows[0]!.n;
  const statuses = (await pool.query<{ id: string; status: string }>('SELECT id, status FROM ingest_jobs WHERE id = ANY($1::uuid[])', [jobs.map((j) => j.id)])).rows;
  const pgStatus = new Map(statuses.map((row) => [row.id, row.status]));
  const apiStatus = new Map<string, string>();
  for (const job of jobs) apiStatus.set(job.id, (await api.job(job.id))?.status ?? 'no answer');
  const notCompleted = jobs.filter((job) => pgStatus.get(job.id) !== 'completed' || apiStatus.get(job.id) !== 'completed');

  let badResultSets = 0;
  let unexpectedFailures = 0;
  const successes = new Map<string, ResultView[]>();
  const overlapNames = new Set(jobs.filter((job) => job.kind === 'overlap').flatMap((job) => job.documents.map((d) => d.content_name)));
  for (const job of jobs) {
    const results = await api.allResults(job.id);
    const positions = new Set(results.map((r) => r.position));
    const complete = results.length === job.documents.length && positions.size === results.length
      && results.every((r) => r.position >= 0 && r.position < job.documents.length && r.content_name === job.documents[r.position]!.content_name);
    if (!complete) badResultSets += 1;
    for (const result of results) {
      if (result.status === 'succeeded' && result.success) {
        successes.set(result.content_name, [...(successes.get(result.content_name) ?? []), result]);
      } else if (!(result.error_code === 'already_exists' && overlapNames.has(result.content_name))) {
        unexpectedFailures += 1;
      }
    }
  }
  const allNames = new Set(jobs.flatMap((job) => job.documents.map((d) => d.content_name)));
  const notExactlyOnce = [...allNames].filter((name) => (successes.get(name)?.length ?? 0) !== 1);
  const succeededDocIds = new Map([...successes].map(([name, [first]]) => [name, first!.doc_id ?? -1]));
  const totalDocuments = jobs.reduce((sum, job) => sum + job.documents.length, 0);
  return {
    succeededDocIds,
    rows: [
      { check: 'one job per POST, retried POSTs included (Idempotency-Key)', expected: `${jobs.length} jobs`, actual: `${jobRows} jobs in PostgreSQL`, ok: jobRows === jobs.length },
      { check: 'every job completed (API and PostgreSQL)', expected: `${jobs.length} completed`,
        actual: notCompleted.length === 0 ? `${jobs.length} completed` : notCompleted.map((j) => `${j.label}: ${pgStatus.get(j.id)}/${apiStatus.get(j.id)}`).join(', '),
        ok: notCompleted.length === 0 },
      { check: 'every document has exactly one result (all positions, once)', expected: `${totalDocuments} results`, actual: `${badResultSets} jobs with missing or extra results`, ok: badResultSets === 0 },
      { check: 'no failed result except "already exists" for the overlapping documents', expected: '0', actual: `${unexpectedFailures}`, ok: unexpectedFailures === 0 },
      { check: 'each distinct document succeeded in exactly one job', expected: `${allNames.size}`, actual: `${allNames.size - notExactlyOnce.length} (${notExactlyOnce.length} not exactly once)`, ok: notExactlyOnce.length === 0 },
    ],
  };
}
