import request from 'supertest';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { startTracing, type Tracing } from '@nonstop/core';
import { JobSpan, StageSpan } from '@nonstop/pipeline';
import { waitForFinal } from '../../../test/support/job-harness';
import { useJobTestEnv } from '../../../test/support/job-test-env';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../../test/support/otlp-receiver';
import { makeDocuments, uniqueAccount, waitFor } from '../../../test/support/test-env';

const STAGES = [StageSpan.postgresWrite, StageSpan.embedding, StageSpan.milvusWrite, StageSpan.activation];

/** What the assertions need of a span, from the API's in-memory exporter or the worker's OTLP export. */
interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  attributes: Record<string, unknown>;
}

const fromMemory = (span: ReadableSpan): SpanView => ({
  traceId: span.spanContext().traceId,
  spanId: span.spanContext().spanId,
  parentSpanId: span.parentSpanContext?.spanId,
  name: span.name,
  attributes: span.attributes,
});
const fromOtlp = (span: ReceivedSpan): SpanView => span;

/** The job's run span and, under it, its micro-batches and their stages: asserted on parent links, in the request's trace. */
function expectJobTree(spans: SpanView[], requestSpan: SpanView, jobId: string, expected: { documents: number; run: number }): void {
  const job = spans.find((span) => span.name === JobSpan.run && span.attributes['nonstop.job.id'] === jobId);
  expect(job).toBeDefined();
  expect(job!.traceId).toBe(requestSpan.traceId);
  expect(job!.parentSpanId).toBe(requestSpan.spanId);
  expect(job!.attributes).toMatchObject({
    'nonstop.job.kind': 'insert',
    'nonstop.job.run': expected.run,
    'nonstop.job.documents': expected.documents,
    'nonstop.job.outcome': 'completed',
  });
  const batches = spans.filter((span) => span.name === JobSpan.microBatch && span.parentSpanId === job!.spanId);
  expect(batches.length).toBeGreaterThanOrEqual(1);
  expect(batches.reduce((sum, batch) => sum + Number(batch.attributes['nonstop.documents']), 0)).toBe(expected.documents);
  const batchIds = new Set(batches.map((batch) => batch.spanId));
  const stages = spans.filter((span) => STAGES.includes(span.name as (typeof STAGES)[number]) && batchIds.has(span.parentSpanId ?? ''));
  for (const stage of STAGES) expect(stages.filter((span) => span.name === stage).length).toBeGreaterThanOrEqual(batches.length);
  expect(new Set([job!, ...batches, ...stages].map((span) => span.traceId))).toEqual(new Set([requestSpan.traceId]));
}

describe("tracing: one trace from the API request through the BullMQ job to the worker's stages", () => {
  const apiSpans = new InMemorySpanExporter();
  let tracing: Tracing;
  let collector: OtlpReceiver;
  beforeAll(async () => {
    // The in-process API traces into memory; the worker processes export OTLP/HTTP to the collector stand-in.
    tracing = await startTracing(undefined, { defaultServiceName: 'nonstop-ingest-api', exporter: apiSpans });
    collector = await startOtlpReceiver();
  });
  const env = useJobTestEnv();
  afterAll(async () => {
    await tracing.shutdown();
    await collector.close();
  });

  it("POST /job/batch-insert -> job -> worker run, micro-batches and stages share the request's trace, also for a job recovery re-enqueued", async () => {
    const account = uniqueAccount('traced');
    const accept = async (): Promise<{ jobId: string; request: SpanView }> => {
      const before = new Set(apiSpans.getFinishedSpans());
      const created = await request(env.api.app)
        .post('/job/batch-insert')
        .send({ account_name: account, documents: makeDocuments(3, { chunks: 2, prefix: `traced-${before.size}` }) })
        .expect(202);
      const span = apiSpans
        .getFinishedSpans()
        .find((s) => !before.has(s) && s.kind === SpanKind.SERVER && s.name === 'POST /job/batch-insert');
      expect(span).toBeDefined();
      expect(span!.attributes).toMatchObject({
        'http.request.method': 'POST',
        'http.route': '/job/batch-insert',
        'http.response.status_code': 202,
      });
      return { jobId: created.body.job_id as string, request: fromMemory(span!) };
    };
    const queued = await accept();
    // The second job's BullMQ entry is lost (as after a Redis flush): the worker's recovery pass re-enqueues it
    // from PostgreSQL, where its trace context is kept, so its run still continues its request's trace.
    const forgotten = await accept();
    await env.api.queue.remove(forgotten.jobId);
    expect(await env.api.queue.getJob(forgotten.jobId)).toBeUndefined();

    const worker = env.harness.startWorker({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      PIPELINE_BATCH_CHUNKS: '2',
    });
    for (const { jobId } of [queued, forgotten]) expect((await waitForFinal(env.api.app, jobId, 120_000)).job.status).toBe('completed');
    expect(worker.output()).toContain('re-enqueued incomplete job');
    const workerSpans = await waitFor(
      "the worker's spans at the collector",
      async () => {
        const spans = collector.spans.filter((span) => span.serviceName === 'nonstop-ingest-worker');
        const runs = spans.filter(
          (span) => span.name === JobSpan.run && [queued.jobId, forgotten.jobId].includes(String(span.attributes['nonstop.job.id'])),
        );
        const activations = spans.filter((span) => span.name === StageSpan.activation);
        return runs.length === 2 && activations.length >= 6 ? spans : undefined;
      },
      30_000,
    );
    expect(workerSpans.find((span) => span.name === JobSpan.run)!.attributes['nonstop.account']).toBe(account);
    expectJobTree(workerSpans.map(fromOtlp), queued.request, queued.jobId, { documents: 3, run: 1 });
    expectJobTree(workerSpans.map(fromOtlp), forgotten.request, forgotten.jobId, { documents: 3, run: 1 });
    expect(queued.request.traceId).not.toBe(forgotten.request.traceId);
    // The run's log lines name the trace, so a log search finds it and a trace names its logs.
    const startLine = worker
      .output()
      .split('\n')
      .find((line) => line.includes('"starting job"') && line.includes(queued.jobId));
    expect(JSON.parse(startLine!)).toMatchObject({ job_id: queued.jobId, trace_id: queued.request.traceId });
    expect(workerSpans.filter((span) => span.status.code === 2)).toEqual([]); // STATUS_CODE_ERROR: none
  });

  it('POST /data/insert/batch runs in the API process: its job run and stages are descendants of the request span', async () => {
    const account = uniqueAccount('traced_sync');
    apiSpans.reset();
    const answered = await request(env.api.app)
      .post('/data/insert/batch')
      .send({ account_name: account, documents: makeDocuments(2, { chunks: 2 }) })
      .expect(200);
    const spans = apiSpans.getFinishedSpans().map(fromMemory);
    const requestSpan = spans.find((span) => span.name === 'POST /data/insert/batch')!;
    expect(requestSpan).toBeDefined();
    expect(requestSpan.parentSpanId).toBeUndefined();
    const job = spans.find((span) => span.name === JobSpan.run)!;
    expectJobTree(spans, requestSpan, String(job.attributes['nonstop.job.id']), { documents: 2, run: 1 });
    expect(answered.body.results).toHaveLength(2);
  });

  it("a caller's traceparent is continued by the request span, and so by the job", async () => {
    apiSpans.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await request(env.api.app)
      .post('/data/insert/batch')
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .send({ account_name: uniqueAccount('traced_caller'), documents: makeDocuments(1) })
      .expect(200);
    const spans = apiSpans.getFinishedSpans().map(fromMemory);
    const requestSpan = spans.find((span) => span.name === 'POST /data/insert/batch')!;
    expect(requestSpan).toMatchObject({ traceId, parentSpanId: '00f067aa0ba902b7' });
    expect(spans.find((span) => span.name === JobSpan.run)!.traceId).toBe(traceId);
  });

  it('probes and scrapes are not traced; a request no route matched is named by its method alone', async () => {
    apiSpans.reset();
    await request(env.api.app).get('/healthz').expect(200);
    await request(env.api.app).get('/no-such-route').expect(404);
    const spans = apiSpans.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['GET']);
    expect(spans[0]!.attributes).toMatchObject({ 'url.path': '/no-such-route', 'http.response.status_code': 404 });
    expect(spans[0]!.status.code).toBe(0); // UNSET: a 4xx is not the server's error
  });
});
