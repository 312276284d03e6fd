import { ApiError, isErrorNamed } from '@nonstop/core';

/**
 * body-parser reports what went wrong in `error.type`. Each kind becomes an
 * ApiError with a stable code. A fresh error is built every time: the
 * original carries the whole raw body (`error.body`), which must neither stay
 * in memory longer than needed nor reach a log.
 */
const MAX_PARSER_MESSAGE_CHARACTERS = 200;

export function bodyParserErrorToApiError(error: unknown, limitBytes?: number): ApiError | undefined {
  if (!(error instanceof Error)) return undefined;
  if (isZlibError(error)) {
    // A Content-Encoding the body does not match (gzip header on plain JSON, truncated deflate): the client's bytes.
    return new ApiError(400, 'invalid_content_encoding', `Request body does not match its Content-Encoding: ${shorten(error.message)}`);
  }
  const type = (error as { type?: unknown }).type;
  if (typeof type !== 'string') return undefined;
  if (error instanceof ApiError || isErrorNamed(error, 'ApiError')) {
    // Thrown by our own `verify` hook and wrapped by body-parser.
    const own = error as ApiError;
    return new ApiError(own.status, own.code, own.message);
  }
  switch (type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'malformed_json', `Request body is not valid JSON: ${shorten(error.message)}`);
    case 'entity.too.large': {
      const limit = (error as { limit?: unknown }).limit;
      const bytes = typeof limit === 'number' ? limit : limitBytes;
      return new ApiError(
        413,
        'payload_too_large',
        `Request body exceeds the limit of ${bytes ?? 'the configured'} bytes${bytes === undefined ? '' : ` (${mebibytes(bytes)})`}`,
      );
    }
    case 'charset.unsupported':
      return new ApiError(
        415,
        'unsupported_charset',
        'Request body must be encoded as UTF-8 (Content-Type: application/json; charset=utf-8)',
      );
    case 'encoding.unsupported':
      return new ApiError(415, 'unsupported_content_encoding', 'Content-Encoding must be one of identity, gzip, deflate or br');
    case 'request.aborted':
      return new ApiError(400, 'request_aborted', 'The client closed the connection before the body was complete');
    case 'request.size.invalid':
      return new ApiError(400, 'content_length_mismatch', 'The body length does not match the Content-Length header');
    default:
      // stream.encoding.set / stream.not.readable mean a server bug: left for the 500 path.
      return undefined;
  }
}

function isZlibError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function shorten(message: string): string {
  const characters = Array.from(message);
  return characters.length <= MAX_PARSER_MESSAGE_CHARACTERS ? message : `${characters.slice(0, MAX_PARSER_MESSAGE_CHARACTERS).join('')}...`;
}

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 2)} MiB`;
}
