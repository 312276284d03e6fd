import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  received: Received[];
  close: () => Promise<void>;
}

/** A local webhook receiver: `/ok/*` answers 200; `/flaky/*` answers 500 twice per path, then 200. */
export function startReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const earlier = received.filter((r) => r.path === path).length;
      const answered = path.startsWith('/flaky/') && earlier < 2 ? 500 : 200;
      received.push({ path, headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8'), answered });
      res.writeHead(answered, { 'Content-Type': 'text/plain' }).end(answered === 200 ? 'ok' : 'boom');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        received,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
