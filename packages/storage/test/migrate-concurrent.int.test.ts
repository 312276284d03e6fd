import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../src/postgres/migrate';

/**
 * Several processes starting at once (a deployment of N workers, or a
 * worker restarted while another one boots) all migrate. node-pg-migrate's
 * lock is a try-lock: the losers used to fail with "Another migration is
 * already running" and exit (seen in the chaos run).
 */
describe('migrate, several at once on a new database', () => {
  jest.setTimeout(120_000);
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/nonstop_ingest_test');
  const name = `nonstop_migrate_race_${randomUUID().slice(0, 8)}`;
  const url = new URL(base.toString());
  url.pathname = `/${name}`;

  afterAll(async () => {
    base.pathname = '/postgres';
    const client = new Client({ connectionString: base.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });

  it('every caller succeeds and each migration is applied once', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => migrate(url.toString())));
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const applied = await client.query<{ name: string; n: number }>(
        'SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name',
      );
      expect(applied.rows.length).toBeGreaterThan(0);
      expect(applied.rows.every((row) => row.n === 1)).toBe(true);
    } finally {
      await client.end();
    }
  });
});
