import http from 'node:http';
import { errorMessage } from '@nonstop/core';

/** A small listener for container orchestration: `/healthz` (alive) and `/readyz` (dependencies answer). */
export function startHealthServer(port: number, checkReady: () => Promise<void>): http.Server {
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.url === '/healthz') return reply(200, { status: 'ok' });
    if (req.url === '/readyz') {
      checkReady().then(() => reply(200, { status: 'ready' }), (error: unknown) => reply(503, { status: 'not ready', error: errorMessage(error) }));
      return undefined;
    }
    return reply(404, { error: 'not found' });
  });
  server.listen(port, '0.0.0.0');
  return server;
}
