import { TcpProxy } from '../../../test/support/tcp-proxy';
import { createPool } from '../src/postgres/pool';
import { withTransaction } from '../src/postgres/transaction';

/**
 * pg-pool takes its 'error' listener off a client while it is checked out,
 * and pg emits 'error' when the connection drops: a transaction's connection
 * cut between two statements was an uncaught exception that ended the
 * process (seen in the chaos run: a worker died at the PostgreSQL cut).
 * The cut is a TCP proxy in front of the real, shared PostgreSQL.
 */
describe('withTransaction when the connection drops mid-transaction', () => {
  it('fails with DependencyError and throws nothing uncaught', async () => {
    const target = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/nonstop_ingest_test';
    const proxy = TcpProxy.inFrontOf(target, 5432);
    await proxy.start();
    const pool = createPool(proxy.proxied(target));
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      uncaught.push(error);
    };
    process.on('uncaughtException', onUncaught);
    try {
      let inside = false;
      const running = withTransaction(pool, async (client) => {
        await client.query('SELECT 1');
        inside = true;
        await new Promise((resolve) => setTimeout(resolve, 500)); // checked out, between two statements
        await client.query('SELECT 1');
      });
      while (!inside) await new Promise((resolve) => setTimeout(resolve, 10));
      proxy.cut();
      await expect(running).rejects.toMatchObject({ name: 'DependencyError', dependency: 'postgresql' });
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await pool.end();
      await proxy.close();
    }
  });
});
