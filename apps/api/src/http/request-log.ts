import type { RequestHandler } from 'express';
import { activeTraceId, type Logger } from '@nonstop/core';

/**
 * One debug line per answered request, for tracing a caller's calls by
 * request id. It names the route, never the query string, headers or body:
 * those carry keys and documents.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const traceId = activeTraceId(); // the request span's (request-span.ts), while tracing is on
    res.on('finish', () => {
      if (!logger.isDebugEnabled()) return;
      logger.debug('request', {
        request_id: req.requestId,
        ...(traceId ? { trace_id: traceId } : {}),
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        duration_ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
      });
    });
    next();
  };
}
