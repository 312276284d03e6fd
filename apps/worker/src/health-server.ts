import http from 'node:http';
import type { Registry } from 'prom-client';
import { errorMessage } from '@nonstop/core';

/**
 * A small listener for container orchestration inside the cluster (not for
 * the public): `/healthz` (alive), `/readyz` (dependencies answer) and, given
 * a registry, `/metrics` (Prometheus text format, unauthenticated: keep
 * WORKER_HEALTH_PORT off public networks).
 */
export function startHealthServer(port: number, checkReady: () => Promise<void>, metrics?: Registry, readyTimeoutMs = 3_000): http.Server {
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.url === '/healthz') return reply(200, { status: 'ok' });
    if (req.url === '/readyz') {
      withTimeout(checkReady(), readyTimeoutMs).then(
        () => reply(200, { status: 'ready' }),
        (error: unknown) => reply(503, { status: 'not ready', error: errorMessage(error) }),
      );
      return undefined;
    }
    if (req.url === '/metrics' && metrics) {
      metrics.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.contentType }).end(text);
        },
        (error: unknown) => reply(500, { error: errorMessage(error) }),
      );
      return undefined;
    }
    return reply(404, { error: 'not found' });
  });
  server.listen(port, '0.0.0.0');
  return server;
}

/**
 * The worker's Redis client queues commands while Redis is away (BullMQ needs
 * it to), so a ping then never fails by itself: an answer that is late counts as down.
 */
function withTimeout(check: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`a dependency did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([check, late]).finally(() => clearTimeout(timer));
}
