import type { RequestHandler } from 'express';
import type { Logger } from '@nonstop/core';

/**
 * One debug line per answered request, for tracing a caller's calls by
 * request id. It names the route, never the query string, headers or body:
 * those carry keys and documents.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (!logger.isDebugEnabled()) return;
      logger.debug('request', {
        request_id: req.requestId,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        duration_ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
      });
    });
    next();
  };
}
