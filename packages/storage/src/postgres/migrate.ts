import path from 'node:path';
import { Client } from 'pg';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

/**
 * Creates the database when missing, then applies pending migrations.
 * node-pg-migrate holds an advisory lock while it runs, so two processes that
 * start at once apply each migration exactly once.
 */
export async function migrate(databaseUrl: string, log: (line: string) => void = () => {}): Promise<void> {
  await createDatabaseIfMissing(databaseUrl, log);
  await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'schema_migrations',
    count: Infinity,
    log: (line: string) => log(line),
    verbose: false,
  });
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
        if (error.code !== '42P04') throw error; // created by a concurrent starter
      });
    }
  } finally {
    await client.end();
  }
}
