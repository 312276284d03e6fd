import path from 'node:path';
import { Client } from 'pg';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

/** How long a starting process waits for another one's migration run to finish. */
const LOCK_WAIT_MS = 60_000;

/**
 * Creates the database when missing, then applies pending migrations.
 * node-pg-migrate holds an advisory lock while it runs, so two processes that
 * start at once apply each migration exactly once. Its lock is a try-lock that
 * fails with "Another migration is already running": the loser waits and
 * tries again (it then finds nothing left to apply) instead of exiting.
 */
export async function migrate(databaseUrl: string, log: (line: string) => void = () => {}): Promise<void> {
  await createDatabaseIfMissing(databaseUrl, log);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await runner({
        databaseUrl,
        dir: MIGRATIONS_DIR,
        direction: 'up',
        migrationsTable: 'schema_migrations',
        count: Infinity,
        log: (line: string) => log(line),
        verbose: false,
      });
      return;
    } catch (error) {
      if (!/Another migration is already running/.test(String((error as Error)?.message)) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250));
    }
  }
}

async function createDatabaseIfMissing(databaseUrl: string, log: (line: string) => void): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) return;
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      log(`creating database ${name}`);
      // Identifiers cannot be bound parameters; quote it as an identifier.
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
        // Created by a concurrent starter: "already exists", or, when both got past the
        // check at once, a unique violation on pg_database's name index.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}
