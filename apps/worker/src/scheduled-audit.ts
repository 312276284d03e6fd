import { auditConsistency, type ConsistencyAuditStores, type ConsistencySummary } from '@nonstop/pipeline';
import type { Logger } from '@nonstop/core';

/** One lock for the whole deployment: an advisory lock key no other part of the service uses. */
export const AUDIT_LOCK_KEY = 7_320_006_007;

export type ScheduledAuditOutcome = 'audited' | 'another worker is auditing';

/**
 * The workers' scheduled consistency audit of every account (read only: it
 * reports, `npm run audit -- --repair` repairs). Every worker runs the pass on
 * its timer, and the session advisory lock lets one audit at a time; the
 * audit records its totals (consistency_audit_runs), which every worker's
 * nonstop_consistency_* series then report.
 */
export async function runScheduledAudit(stores: ConsistencyAuditStores, logger: Logger): Promise<ScheduledAuditOutcome> {
  const client = await stores.pool.connect();
  // A connection that failed is destroyed, not returned to the pool; its session lock ends with it.
  let broken: Error | undefined;
  // The lock's session waits, checked out and idle, while the audit reads: pg-pool has taken its own 'error'
  // listener off, so a PostgreSQL cut meanwhile would be an 'error' event nobody hears, which ends the worker.
  const onLost = (error: Error): void => {
    broken ??= error;
  };
  client.on('error', onLost);
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [AUDIT_LOCK_KEY]);
    if (!rows[0]?.locked) return 'another worker is auditing';
    try {
      logAudit(logger, await auditConsistency(stores));
      return 'audited';
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [AUDIT_LOCK_KEY]).catch((error: Error) => {
        broken = error;
      });
    }
  } catch (error) {
    broken ??= error as Error;
    throw error;
  } finally {
    client.off('error', onLost);
    client.release(broken);
  }
}

function logAudit(logger: Logger, summary: ConsistencySummary): void {
  const { drift, missing, orphans, duplicates, rolled_back_rows } = summary.totals;
  const fields = { drift, missing, orphans, duplicates, rolled_back_rows, duration_ms: summary.duration_ms };
  if (summary.clean) logger.info('consistency audit: no drift', fields);
  else logger.warn('consistency audit found drift (npm run audit -- --repair repairs it)', fields);
}
