import net from 'node:net';
import { spawnApp, stopApp, type AppProcess } from '../../../test/support/processes';
import { makeDocuments, StoreInspector, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';

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

/** Whether a new TCP connection to the port is refused (the listener is closed). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('API process: SIGTERM with a request in flight', () => {
  const deadlineMs = 30_000;
  const stores = new StoreInspector(testConfig());
  let api: AppProcess | undefined;

  afterAll(async () => {
    await stopApp(api, 'SIGKILL');
    await stores.close();
  });

  it('finishes the request in hand, refuses new connections, and exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    api = spawnApp('api', { PORT: String(port), SHUTDOWN_TIMEOUT_MS: String(deadlineMs) });
    await waitFor(
      'API up',
      async () =>
        fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      90_000,
    );

    // A synchronous insert that takes seconds: three micro-batches of chunks through the CPU embedding model
    // (PIPELINE_BATCH_CHUNKS: 16 chunks with the default local-e5, 64 with local).
    const account = uniqueAccount('sigterm');
    const documents = makeDocuments(Math.ceil((3 * testConfig().worker.pipelineBatchChunks) / 8), { chunks: 8 });
    const inFlight = fetch(`${base}/data/insert/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account_name: account, documents }),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown>, at: Date.now() }));
    // In flight for sure: its first documents are in PostgreSQL and the rest are still to come.
    await waitFor(
      'the request to be half way',
      async () => {
        const stored = await stores.documentCount(account);
        return stored > 0 && stored < documents.length;
      },
      60_000,
      20,
    );

    const signalledAt = Date.now();
    api.child.kill('SIGTERM');
    await waitFor('new connections to be refused', async () => refused(port), 5_000, 20);
    const refusedAt = Date.now();

    const answer = await inFlight;
    expect(answer.at).toBeGreaterThan(refusedAt); // it was still running when the listener closed
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ total_documents: documents.length, success_count: documents.length, failure_count: 0 });
    expect(await stores.documentCount(account)).toBe(documents.length);

    const code = await api.exited;
    expect(code).toBe(0); // 1 would mean the deadline forced it
    expect(Date.now() - signalledAt).toBeLessThan(deadlineMs);
    expect(api.output()).toContain('SIGTERM: closing the API');
  });
});
