import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanKind,
} from '@opentelemetry/api';

/** The name spans of this service are recorded under (the instrumentation scope). */
export const TRACER_NAME = 'nonstop-ingest';

/**
 * A W3C trace context as text (`traceparent`, and `tracestate` when there is
 * one): what a job keeps of the request that accepted it, so the run that
 * processes it, in another process and maybe much later, continues the trace.
 */
export type TraceCarrier = Record<string, string>;

/**
 * The active trace context as a carrier, or undefined when there is none to
 * carry (tracing off: the no-op propagator writes nothing; or no span active).
 */
export function currentTraceContext(active: Context = context.active()): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(active, carrier);
  return typeof carrier.traceparent === 'string' ? carrier : undefined;
}

/** The context a carried trace continues in: the root (a new trace) for none, or for one that does not parse. */
export function contextFromTraceCarrier(carrier: unknown): Context {
  if (carrier === null || typeof carrier !== 'object') return ROOT_CONTEXT;
  const fields: TraceCarrier = {};
  for (const [key, value] of Object.entries(carrier)) if (typeof value === 'string') fields[key] = value;
  return propagation.extract(ROOT_CONTEXT, fields);
}

/** The trace id of the active span while tracing records it, for log lines to name (`trace_id`); undefined otherwise. */
export function activeTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext().traceId : undefined;
}

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** Marks a span failed with the error (its message as the status, the exception as an event). */
export function recordSpanError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  else span.recordException(String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Runs `work` in a new active span (a child of `parent`, by default the active
 * context), ending it when `work` settles; a throw is recorded on the span and
 * rethrown unchanged. With tracing off the span is the API's no-op span.
 */
export async function inSpan<T>(
  name: string,
  options: { attributes?: Attributes; kind?: SpanKind; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const spanOptions = {
    ...(options.attributes ? { attributes: options.attributes } : {}),
    ...(options.kind !== undefined ? { kind: options.kind } : {}),
  };
  return tracer().startActiveSpan(name, spanOptions, options.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordSpanError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
