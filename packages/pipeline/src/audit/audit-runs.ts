import type { Pool } from 'pg';
import type { ConsistencyAuditReading } from '@nonstop/core';
import type { ConsistencySummary } from './audit-report';

/** Rows kept: older audits are deleted as new ones are recorded. */
const RUNS_KEPT = 1_000;

/** Keeps one finished audit's totals (and prunes the oldest rows past RUNS_KEPT). */
export async function recordAuditRun(pool: Pool, summary: ConsistencySummary): Promise<void> {
  const { totals } = summary;
  await pool.query(
    `WITH recorded AS (
       INSERT INTO consistency_audit_runs
         (collection, account_name, started_at, pg_chunks, missing, orphans, duplicates, rolled_back_rows, drift, repaired)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       RETURNING id
     )
     DELETE FROM consistency_audit_runs WHERE id <= (SELECT id FROM recorded) - $11`,
    [
      summary.collection,
      summary.account_name,
      summary.started_at,
      totals.pg_chunks,
      totals.missing,
      totals.orphans,
      totals.duplicates,
      totals.rolled_back_rows,
      totals.repair ? totals.repair.left : totals.drift,
      totals.repair !== undefined,
      RUNS_KEPT,
    ],
  );
}

/** The newest audit of every account (account-scoped audits do not count: they saw one account), or undefined before the first. */
export async function latestWholeAudit(pool: Pool): Promise<ConsistencyAuditReading | undefined> {
  const { rows } = await pool.query<{
    finished_at: Date;
    missing: string;
    orphans: string;
    duplicates: string;
    rolled_back_rows: string;
    drift: string;
  }>(
    `SELECT finished_at, missing, orphans, duplicates, rolled_back_rows, drift
       FROM consistency_audit_runs WHERE account_name IS NULL ORDER BY finished_at DESC LIMIT 1`,
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    finishedAt: row.finished_at,
    drift: Number(row.drift),
    found: {
      missing: Number(row.missing),
      orphans: Number(row.orphans),
      duplicates: Number(row.duplicates),
      rolled_back_rows: Number(row.rolled_back_rows),
    },
  };
}
