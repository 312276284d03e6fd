import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { contextFromTraceCarrier, currentTraceContext, inSpan, startTracing, type Tracing } from '../src';

describe('trace context carried by a job (W3C traceparent round trip)', () => {
  describe('with tracing on (the SDK, spans kept in memory)', () => {
    const exporter = new InMemorySpanExporter();
    let tracing: Tracing;
    beforeAll(async () => {
      tracing = await startTracing(undefined, { defaultServiceName: 'trace-context-test', exporter });
    });
    afterAll(async () => tracing.shutdown());
    beforeEach(() => exporter.reset());

    it('the active span as a carrier: a traceparent naming its trace and span, sampled', async () => {
      const carried = await inSpan('accept', {}, async (span) => ({ carrier: currentTraceContext(), ids: span.spanContext() }));
      expect(carried.carrier).toEqual({ traceparent: `00-${carried.ids.traceId}-${carried.ids.spanId}-01` });
      expect(currentTraceContext()).toBeUndefined(); // nothing active outside the span
    });

    it('a span started from the carrier, after a trip through JSON (as ingest_jobs.trace_context), is a child in the same trace', async () => {
      const carrier = await inSpan('POST /job/batch-insert', {}, async () => currentTraceContext());
      const stored = JSON.parse(JSON.stringify(carrier)) as unknown;
      const parent = contextFromTraceCarrier(stored);
      expect(trace.getSpanContext(parent)).toMatchObject({ isRemote: true, traceFlags: 1 });
      await inSpan('ingest.job', { parent }, async () => undefined);
      const [request, job] = exporter.getFinishedSpans();
      expect(job!.name).toBe('ingest.job');
      expect(job!.spanContext().traceId).toBe(request!.spanContext().traceId);
      expect(job!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    });

    it('keeps tracestate with the traceparent', () => {
      const carrier = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=abc' };
      const parent = contextFromTraceCarrier(carrier);
      expect(trace.getSpanContext(parent)?.traceState?.get('vendor')).toBe('abc');
      expect(currentTraceContext(parent)).toEqual(carrier);
    });

    it('no carrier, or one that does not parse, continues nothing: the run starts a trace of its own', async () => {
      for (const carrier of [null, undefined, 'traceparent', {}, { traceparent: 'not-a-traceparent' }, { traceparent: 7 }]) {
        expect(trace.getSpanContext(contextFromTraceCarrier(carrier))).toBeUndefined();
      }
      await inSpan('ingest.job', { parent: contextFromTraceCarrier(null) }, async () => undefined);
      expect(exporter.getFinishedSpans()[0]!.parentSpanContext).toBeUndefined();
    });

    it('inSpan records a throw on the span (status and exception event) and rethrows it unchanged', async () => {
      const boom = new Error('Milvus unavailable');
      await expect(
        inSpan('ingest.milvus_write', {}, async () => {
          throw boom;
        }),
      ).rejects.toBe(boom);
      const [span] = exporter.getFinishedSpans();
      expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Milvus unavailable' });
      expect(span!.events.map((event) => event.name)).toEqual(['exception']);
      expect(context.active()).toBe(ROOT_CONTEXT);
    });
  });

  describe('with tracing off', () => {
    it('starts nothing and stores nothing: no carrier, even inside a span', async () => {
      const tracing = await startTracing(
        { exporters: [], otlpTracesUrl: undefined, serviceName: undefined },
        { defaultServiceName: 'off' },
      );
      expect(tracing.enabled).toBe(false);
      await inSpan('accept', {}, async (span) => {
        expect(span.isRecording()).toBe(false);
        expect(currentTraceContext()).toBeUndefined();
      });
    });
  });
});
