import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Requests Node's HTTP parser refuses before Express sees them (a header
 * block over the size limit, a malformed request line, a bad header
 * character) are answered by Node with an empty 400 or 431. This gives them
 * the API's error body, so every refusal says what was wrong.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] = describe(error.code);
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
}

function describe(parserCode: string | undefined): [number, string, string] {
  switch (parserCode) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'headers_too_large', 'The request headers exceed the server limit (16 KiB in all)'];
    case 'HPE_INVALID_HEADER_TOKEN':
      return [400, 'malformed_http', 'A request header has a character not allowed in HTTP headers'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request_timeout', 'The request was not received in time'];
    default:
      return [400, 'malformed_http', `The request is not valid HTTP/1.1${parserCode ? ` (${parserCode})` : ''}`];
  }
}
