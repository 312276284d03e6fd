import type { Pool } from 'pg';
import { sleep } from './loopback';

export interface JobState {
  status: string;
  processed: number;
  total: number;
}

/**
 * Reads the jobs' progress straight from PostgreSQL (not through the proxy
 * the services use, so a cut does not blind it), for recovery times and the
 * progress lines.
 */
export class JobMonitor {
  readonly states = new Map<string, JobState>();

  constructor(
    private readonly pool: Pool,
    private readonly accountName: string,
  ) {}

  async refresh(): Promise<void> {
    const result = await this.pool.query<{ id: string; status: string; processed_documents: number; total_documents: number }>(
      'SELECT id, status, processed_documents, total_documents FROM ingest_jobs WHERE account_name = $1',
      [this.accountName],
    );
    for (const row of result.rows)
      this.states.set(row.id, { status: row.status, processed: row.processed_documents, total: row.total_documents });
  }

  state(jobId: string): JobState | undefined {
    return this.states.get(jobId);
  }

  final(jobId: string): boolean {
    return ['completed', 'failed', 'cancelled'].includes(this.states.get(jobId)?.status ?? '');
  }

  /**
   * Milliseconds from `since` until the job records more documents than
   * `processed` (or ends); undefined if that does not happen within `timeoutMs`.
   */
  async millisToProgress(jobId: string, processed: number, since: number, timeoutMs = 300_000): Promise<number | undefined> {
    while (Date.now() - since < timeoutMs) {
      const row = (
        await this.pool.query<{ status: string; processed_documents: number }>(
          'SELECT status, processed_documents FROM ingest_jobs WHERE id = $1',
          [jobId],
        )
      ).rows[0];
      if (!row || row.processed_documents > processed || ['completed', 'failed', 'cancelled'].includes(row.status))
        return Date.now() - since;
      await sleep(250);
    }
    return undefined;
  }

  async processedNow(jobId: string): Promise<number> {
    const row = (
      await this.pool.query<{ processed_documents: number }>('SELECT processed_documents FROM ingest_jobs WHERE id = $1', [jobId])
    ).rows[0];
    return row?.processed_documents ?? 0;
  }
}
