import type { Request, RequestHandler } from 'express';
import type { Metrics } from '@nonstop/core';

/**
 * The route label of a request: the pattern that matched (`/job/:job_id`),
 * else the prefix of the router that answered (Bull Board's assets), else
 * "unmatched". Never the raw path: ids and probes would make a series each.
 */
export function routeLabel(req: Pick<Request, 'baseUrl'> & { route?: { path?: unknown } }): string {
  const pattern = req.route?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  return req.baseUrl || 'unmatched';
}

/** Times every answered request into `nonstop_http_request_duration_seconds`. */
export function requestMetrics(metrics: Pick<Metrics, 'observeHttpRequest'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      metrics.observeHttpRequest(req.method, routeLabel(req), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
