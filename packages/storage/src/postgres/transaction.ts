import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { DependencyError, errorMessage, isErrorNamed } from '@nonstop/core';
import { asDependencyError } from './dependency-error';

/** Attempts for a statement or transaction that failed because PostgreSQL could not be reached. */
const ATTEMPTS = 4;
const FIRST_RETRY_DELAY_MS = 500;

/**
 * SQLSTATEs of a transaction PostgreSQL aborted for another's sake
 * (serialization failure, deadlock): nothing of it was applied, and running
 * it again is the documented remedy.
 */
const CONFLICT_CODES = new Set(['40001', '40P01']);

/**
 * Retries work that failed on the connection (a restart, a cut, a failover)
 * or was aborted by a conflict, with backoff; after that PostgreSQL counts as
 * unavailable. Safe because a failed transaction was rolled back as a whole,
 * and every transaction here is idempotent: a COMMIT whose reply was lost ran
 * once already, and its retry finds its own work done (see createJob).
 */
async function withConnectionRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const conflict = CONFLICT_CODES.has((error as { code?: string }).code ?? '');
      const converted = conflict
        ? new DependencyError('postgresql', `PostgreSQL aborted the transaction in a conflict: ${errorMessage(error)}`, { cause: error })
        : asDependencyError(error);
      if (!isErrorNamed(converted, 'DependencyError') || attempt >= ATTEMPTS) throw converted;
      await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1)));
    }
  }
}

/** Runs work in one transaction; connection failures are retried, then become DependencyError('postgresql'). */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return withConnectionRetries(async () => {
    const client = await pool.connect();
    let broken = false;
    // pg-pool takes its 'error' listener off a checked-out client, and pg emits 'error' when
    // the connection drops: without this one, a cut mid-transaction would be an uncaught
    // exception that ends the process. The statement in flight fails on its own.
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      // A connection that dropped or cannot even roll back is discarded, not returned to the pool.
      client.off('error', onError);
      client.release(broken);
    }
  });
}

export async function runQuery<T extends QueryResultRow>(
  pool: Pool,
  sql: string,
  params: unknown[] = [],
): Promise<{ rows: T[]; rowCount: number | null }> {
  return withConnectionRetries(() => pool.query<T>(sql, params));
}
