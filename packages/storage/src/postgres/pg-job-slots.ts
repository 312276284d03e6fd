import type { Pool } from 'pg';
import { runQuery, withTransaction } from './transaction';

export interface SlotRules {
  /** Slots each account is entitled to (MAX_ACTIVE_JOBS_PER_ACCOUNT). */
  share: number;
  /** How long a slot stays held without a renewal (a killed worker's slot is free after this). */
  leaseMs: number;
}

export type Admission =
  /** Run it; `leased` false for a job that is gone or final (the runner skips it) */
  | { run: true; leased: boolean }
  /** Not now: `ahead` older jobs of the same account wait too (FIFO within an account). */
  | { run: false; ahead: number };

/** A slot is live while its lease has not expired; a killed worker's slot frees itself. */
const LIVE = 'expires_at > now()';

/**
 * A job that waits for a slot: unfinished, of the queue's deployment, not a
 * synchronous request (its API runs it), and holding no live slot. Jobs a
 * worker handed back (shutdown, fairness) and jobs whose worker died wait too.
 */
const WAITING = `j.queue_prefix = $1 AND j.status IN ('pending', 'processing') AND j.origin = 'job'
  AND j.expires_at > now() AND j.cancel_requested_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM job_slots s WHERE s.job_id = j.id AND s.${LIVE})`;

/** Another account than $2 has a job waiting while it holds fewer live slots than its share ($3). */
const OTHERS_WAIT_BELOW_SHARE = `EXISTS (
  SELECT 1 FROM ingest_jobs j
   WHERE ${WAITING} AND j.account_name <> $2
     AND (SELECT count(*) FROM job_slots s WHERE s.queue_prefix = $1 AND s.account_name = j.account_name AND s.${LIVE}) < $3)`;

/**
 * The job slots of fair scheduling, in PostgreSQL (see the job_slots
 * migration and apps/worker/src/scheduling/fair-share.ts). Admission is
 * decided under a per-account advisory lock, so two workers cannot both give
 * an account its last slot; everything else reads the leases as they are.
 */
export class PgJobSlots {
  constructor(private readonly pool: Pool) {}

  /**
   * Takes a slot for the job when its account may run one more: it is the
   * account's oldest waiting job, and the account holds fewer slots than its
   * share, or no other account waits below its own share.
   */
  async admit(jobId: string, holder: string, rules: SlotRules): Promise<Admission> {
    return withTransaction(this.pool, async (client) => {
      const found = await client.query<{ account_name: string; queue_prefix: string; status: string }>(
        'SELECT account_name, queue_prefix, status FROM ingest_jobs WHERE id = $1',
        [jobId],
      );
      const job = found.rows[0];
      if (!job || (job.status !== 'pending' && job.status !== 'processing')) return { run: true, leased: false };
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('job-slots:' || $1 || ':' || $2, 0))", [
        job.queue_prefix,
        job.account_name,
      ]);
      const state = await client.query<{ active: string; ahead: string; others_wait: boolean }>(
        `SELECT (SELECT count(*) FROM job_slots s
                  WHERE s.queue_prefix = $1 AND s.account_name = $2 AND s.${LIVE} AND s.job_id <> $4) AS active,
                (SELECT count(*) FROM ingest_jobs j, ingest_jobs me
                  WHERE me.id = $4 AND ${WAITING} AND j.account_name = $2 AND j.id <> $4
                    AND (j.created_at, j.id) < (me.created_at, me.id)) AS ahead,
                ${OTHERS_WAIT_BELOW_SHARE} AS others_wait`,
        [job.queue_prefix, job.account_name, rules.share, jobId],
      );
      const { active, ahead, others_wait: othersWait } = state.rows[0]!;
      if (Number(ahead) > 0) return { run: false, ahead: Number(ahead) };
      if (Number(active) >= rules.share && othersWait) return { run: false, ahead: 0 };
      await client.query(
        `INSERT INTO job_slots (job_id, account_name, queue_prefix, holder, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5 / 1000.0))
         ON CONFLICT (job_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at`,
        [jobId, job.account_name, job.queue_prefix, holder, rules.leaseMs],
      );
      return { run: true, leased: true };
    });
  }

  /**
   * Renews the holder's lease and says whether the job must hand its slot
   * back: it is beyond its account's share (its account's older running jobs
   * fill the share) while another account waits below its own. `lost`: the
   * slot is no longer this holder's (another worker took the job over).
   */
  async renew(jobId: string, holder: string, rules: SlotRules): Promise<'keep' | 'yield' | 'lost'> {
    const renewed = await runQuery<{ account_name: string; queue_prefix: string }>(
      this.pool,
      `UPDATE job_slots SET expires_at = now() + make_interval(secs => $3 / 1000.0)
        WHERE job_id = $1 AND holder = $2 RETURNING account_name, queue_prefix`,
      [jobId, holder, rules.leaseMs],
    );
    const slot = renewed.rows[0];
    if (!slot) return 'lost';
    const state = await runQuery<{ older: string; others_wait: boolean }>(
      this.pool,
      `SELECT (SELECT count(*) FROM job_slots s JOIN ingest_jobs j ON j.id = s.job_id, ingest_jobs me
                WHERE me.id = $4 AND s.queue_prefix = $1 AND s.account_name = $2 AND s.${LIVE} AND s.job_id <> $4
                  AND (j.created_at, j.id) < (me.created_at, me.id)) AS older,
              ${OTHERS_WAIT_BELOW_SHARE} AS others_wait`,
      [slot.queue_prefix, slot.account_name, rules.share, jobId],
    );
    const { older, others_wait: othersWait } = state.rows[0]!;
    return Number(older) >= rules.share && othersWait ? 'yield' : 'keep';
  }

  async release(jobId: string, holder: string): Promise<void> {
    await runQuery(this.pool, 'DELETE FROM job_slots WHERE job_id = $1 AND holder = $2', [jobId, holder]);
  }
}
