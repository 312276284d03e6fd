import { createPool } from '../src';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { testConfig } from '../../../test/support/test-env';

/**
 * A connection idle in the pool that PostgreSQL closes (a restart, a failover,
 * a proxy or firewall dropping it) is discarded by the pool, which emits
 * `error`. Every process that makes a pool (the API and workers, but also
 * `npm run reembed`, `npm run audit`, `npm run keys`) must survive it: an
 * `error` event nobody listens to ends the Node process.
 */
const config = testConfig();

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it.each([
  ['a pool given no listener', false],
  ['a pool that reports the loss', true],
])('%s survives losing an idle connection, and the next query opens a new one', async (_name, reported) => {
  const proxy = TcpProxy.inFrontOf(config.databaseUrl, 5432);
  await proxy.start();
  const lost: Error[] = [];
  const pool = createPool(proxy.proxied(config.databaseUrl), {
    max: 1,
    applicationName: 'nonstop-test-idle-loss',
    ...(reported ? { onIdleConnectionLost: (error: Error) => lost.push(error) } : {}),
  });
  try {
    await pool.query('SELECT 1');
    expect(pool.idleCount).toBe(1);
    proxy.cut();
    await until(() => pool.totalCount === 0);
    if (reported) expect(lost).toHaveLength(1);
    proxy.restore();
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await pool.end();
    await proxy.close();
  }
});
