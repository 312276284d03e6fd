import net from 'node:net';
import { spawnApp, stopApp, type AppProcess } from '../../../test/support/processes';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { makeDocuments, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net
      .createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
  });
}

/**
 * The API accepts jobs with PostgreSQL and Redis alone, so it starts while
 * Milvus is unreachable and checks the collection once Milvus answers (the
 * chaos run saw an API restarted during a Milvus restart refuse to start,
 * and job POSTs go unanswered for a minute). Milvus is made unreachable with
 * a cut TCP proxy in front of the real, shared one.
 */
describe('API process started while Milvus is unreachable', () => {
  jest.setTimeout(180_000);
  const config = testConfig();
  const proxy = TcpProxy.inFrontOfAddress(config.milvusAddress);
  let api: AppProcess | undefined;

  afterAll(async () => {
    await stopApp(api, 'SIGKILL');
    await proxy.close();
  });

  it('starts, accepts a job, and checks the collection once Milvus answers', async () => {
    await proxy.start();
    proxy.cut();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    api = spawnApp('api', { PORT: String(port), MILVUS_ADDRESS: proxy.address, QUEUE_PREFIX: `test-nomilvus-${port}` });
    await waitFor(
      'API up',
      async () =>
        fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      90_000,
    );
    expect(api.output()).toContain('Milvus unavailable at start-up');

    const posted = await fetch(`${base}/job/batch-insert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account_name: uniqueAccount('nomilvus'), documents: makeDocuments(2) }),
    });
    expect(posted.status).toBe(202);
    const { job_id: jobId } = (await posted.json()) as { job_id: string };

    proxy.restore();
    await waitFor('the collection check', async () => api!.output().includes('Milvus answers again: collection checked'), 90_000, 500);
    expect(api.child.exitCode).toBeNull();
    // No worker serves this queue prefix: cancel the job so nobody's recovery pass picks it up later.
    expect((await fetch(`${base}/job/${jobId}`, { method: 'DELETE' })).status).toBe(200);
  });
});
