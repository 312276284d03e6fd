import type { RequestHandler } from 'express';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { tracer } from '@nonstop/core';

/**
 * One HTTP server span per request, the active span for everything the
 * request does (a job accepted here stores it as its trace's parent; a
 * synchronous insert's stages are its descendants). A caller's W3C
 * `traceparent` is continued. Named `METHOD /route` once the route is known.
 *
 * A middleware rather than @opentelemetry/instrumentation-http/-express:
 * those patch `http` and `express` when they are first required, which
 * depends on load order under tsx and in jest's module registry (the
 * in-process app of the tests), and the express instrumentation's layer
 * spans follow Express 4's router internals. This is a few lines, the same
 * everywhere. With tracing off the span is the no-op span and nothing else runs.
 */
export function requestSpan(): RequestHandler {
  return (req, res, next) => {
    // Probes and scrapes arrive every few seconds from orchestrators and Prometheus: a trace each would drown the jobs'.
    if (req.method === 'GET' && UNTRACED_PATHS.has(req.path)) {
      next();
      return;
    }
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer().startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: req.method,
          [ATTR_URL_PATH]: req.path,
          [ATTR_URL_SCHEME]: req.protocol,
          ...(req.get('user-agent') ? { [ATTR_USER_AGENT_ORIGINAL]: req.get('user-agent') } : {}),
        },
      },
      parent,
    );
    if (!span.isRecording()) {
      next();
      return;
    }
    const active = trace.setSpan(parent, span);
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      const route = routeOf(req.baseUrl, req.route?.path);
      if (route !== undefined) {
        span.setAttribute(ATTR_HTTP_ROUTE, route);
        span.updateName(`${req.method} ${route}`);
      }
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (req.requestId) span.setAttribute('nonstop.request_id', req.requestId);
      // A server span fails on 5xx only: a 4xx is the client's mistake, answered correctly.
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.statusCode}` });
      if (!res.writableFinished) span.setAttribute('nonstop.http.aborted', true);
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    // The body parser calls on from the request stream's events, which run outside the
    // async context of this call: binding the emitters keeps the span active through them.
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}

const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function routeOf(baseUrl: string, path: unknown): string | undefined {
  return typeof path === 'string' ? `${baseUrl}${path}` : undefined;
}
