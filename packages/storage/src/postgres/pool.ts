import { Pool } from 'pg';

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /**
   * Told when a connection idle in the pool is closed from the other side (a
   * PostgreSQL restart or failover, a proxy dropping it). The pool has already
   * discarded it and opens a new one for the next query: there is nothing to
   * do but say so. Without it the loss is ignored.
   */
  onIdleConnectionLost?: (error: Error) => void;
}

export function createPool(databaseUrl: string, options: PoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'nonstop-ingest',
    connectionTimeoutMillis: 5_000,
    // Bounded so that a dead PostgreSQL surfaces as an error instead of a hang.
    query_timeout: 60_000,
  });
  // pg-pool emits `error` for an idle connection's loss; an `error` event nobody listens to would end the process.
  pool.on('error', options.onIdleConnectionLost ?? (() => undefined));
  return pool;
}
