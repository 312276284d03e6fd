import { freePort } from '../../../test/support/free-port';
import { JobHarness } from '../../../test/support/job-harness';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { testConfig, waitFor } from '../../../test/support/test-env';

async function probe(url: string): Promise<{ status: number; body: { status: string; error?: string } }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as { status: string; error?: string } };
}

/**
 * The worker's /healthz (alive) and /readyz (dependencies answer) for the
 * orchestrator. Redis is reached through a TCP proxy that the test cuts: a
 * stand-in for a network fault the shared Redis cannot be asked to produce.
 */
describe('worker /healthz and /readyz', () => {
  const proxy = TcpProxy.inFrontOf(testConfig().redisUrl, 6379);
  const harness = new JobHarness();
  let baseUrl: string;

  beforeAll(async () => {
    await proxy.start();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    harness.startWorker({ REDIS_URL: proxy.proxied(testConfig().redisUrl), WORKER_HEALTH_PORT: String(port) });
    await waitFor(
      "the worker's health listener",
      async () =>
        fetch(`${baseUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      120_000,
    );
  });
  afterAll(async () => {
    await harness.stopAll();
    await proxy.close();
  });

  it('is ready with every dependency up, not ready while Redis is cut off (still alive), and ready again once it is back', async () => {
    expect(await probe(`${baseUrl}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probe(`${baseUrl}/readyz`)).toEqual({ status: 200, body: { status: 'ready' } });

    proxy.cut();
    const down = await waitFor(
      'readyz to fail',
      async () => {
        const result = await probe(`${baseUrl}/readyz`);
        return result.status === 503 ? result : undefined;
      },
      30_000,
      250,
    );
    expect(down.body.status).toBe('not ready');
    expect(down.body.error).toEqual(expect.any(String));
    // alive all the same: the orchestrator must not restart a worker for a Redis outage
    expect(await probe(`${baseUrl}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });

    proxy.restore();
    await waitFor('readyz to recover', async () => (await probe(`${baseUrl}/readyz`)).status === 200, 60_000, 250);
  });

  it('answers 404 for other paths', async () => {
    expect((await fetch(`${baseUrl}/nope`)).status).toBe(404);
  });
});
