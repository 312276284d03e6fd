import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook } from '../src/webhooks/webhook-sender';

/** A local server that records each request's Host header and answers with the status its path names (`/status/302`). */
describe('postWebhook', () => {
  const seen: Array<{ host: string | undefined; path: string; body: string }> = [];
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        seen.push({ host: req.headers.host, path: req.url ?? '', body });
        const status = Number(/^\/status\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 200);
        if (req.url?.startsWith('/slow')) return; // never answers
        res.writeHead(status, status >= 300 && status < 400 ? { Location: `http://127.0.0.1:${port}/followed` } : {}).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('POSTs the body with the given headers and returns the status', async () => {
    const result = await postWebhook(
      `http://127.0.0.1:${port}/status/204`,
      '{"a":1}',
      { 'X-Test': 'yes' },
      { allowPrivate: true, dnsTimeoutMs: 1_000, timeoutMs: 2_000 },
    );
    expect(result).toMatchObject({ statusCode: 204 });
    expect(seen[seen.length - 1]).toMatchObject({ path: '/status/204', body: '{"a":1}' });
  });

  it('does not follow a redirect: a 3xx is returned as the answer', async () => {
    const before = seen.length;
    const result = await postWebhook(
      `http://127.0.0.1:${port}/status/302`,
      '{}',
      {},
      { allowPrivate: true, dnsTimeoutMs: 1_000, timeoutMs: 2_000 },
    );
    expect(result.statusCode).toBe(302);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.slice(before).map((r) => r.path)).toEqual(['/status/302']);
  });

  it('connects to the address it checked, keeping the URL host in the Host header (no second DNS lookup)', async () => {
    let lookups = 0;
    const resolve = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const result = await postWebhook(
      `http://hooks.example.test:${port}/status/200`,
      '{}',
      {},
      { allowPrivate: true, dnsTimeoutMs: 1_000, timeoutMs: 2_000, resolve },
    );
    expect(result.statusCode).toBe(200);
    expect(lookups).toBe(1);
    expect(seen[seen.length - 1]!.host).toBe(`hooks.example.test:${port}`);
  });

  it('refuses at delivery time a host that now resolves to an internal address (DNS rebinding)', async () => {
    const before = seen.length;
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const result = await postWebhook(
      `http://hooks.example.test:${port}/status/200`,
      '{}',
      {},
      { allowPrivate: false, dnsTimeoutMs: 1_000, timeoutMs: 2_000, resolve },
    );
    expect(result.statusCode).toBeUndefined();
    expect(result.refused).toBe('forbidden');
    // what the tenant reads in its delivery list names neither the host nor the address it resolved to
    expect(result.error).toBe('refused: webhook_url resolves to an internal or reserved address, where webhooks are not sent');
    expect(seen.length).toBe(before);
  });

  it('reports a host that does not resolve as retryable, by its DNS error code only', async () => {
    const resolve = async () => {
      throw Object.assign(new Error('queryA ENOTFOUND hooks.internal.corp'), { code: 'ENOTFOUND' });
    };
    const result = await postWebhook(
      'http://hooks.internal.corp/x',
      '{}',
      {},
      { allowPrivate: false, dnsTimeoutMs: 1_000, timeoutMs: 2_000, resolve },
    );
    expect(result).toMatchObject({ refused: 'unresolved', error: 'webhook_url host does not resolve (ENOTFOUND)' });
  });

  it('gives up after the timeout', async () => {
    const result = await postWebhook(
      `http://127.0.0.1:${port}/slow`,
      '{}',
      {},
      { allowPrivate: true, dnsTimeoutMs: 1_000, timeoutMs: 300 },
    );
    expect(result.statusCode).toBeUndefined();
    expect(result.error).toMatch(/timed out after 300 ms/);
    expect(result.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('reports a refused connection as an error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await postWebhook(
      `http://127.0.0.1:${closedPort}/`,
      '{}',
      {},
      { allowPrivate: true, dnsTimeoutMs: 1_000, timeoutMs: 2_000 },
    );
    expect(result.error).toMatch(/ECONNREFUSED/);
  });
});
