import { Pool } from 'pg';

export function createPool(databaseUrl: string, options: { max?: number; applicationName?: string } = {}): Pool {
  return new Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'nonstop-ingest',
    connectionTimeoutMillis: 5_000,
    // Bounded so that a dead PostgreSQL surfaces as an error instead of a hang.
    query_timeout: 60_000,
  });
}
