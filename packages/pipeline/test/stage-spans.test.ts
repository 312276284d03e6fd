import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { inSpan, startTracing, type DocumentStore, type Embedder, type Tracing, type VectorStore } from '@nonstop/core';
import { StageSpan, TimedDocumentStore, TimedEmbedder, TimedVectorStore } from '../src/timed-ports';

describe('stage spans (the timed ports trace each stage)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  beforeAll(async () => {
    tracing = await startTracing(undefined, { defaultServiceName: 'stage-spans-test', exporter });
  });
  afterAll(async () => tracing.shutdown());
  beforeEach(() => exporter.reset());

  const fence = { jobId: 'job', run: 1 };
  const documents: DocumentStore = {
    insertDocuments: async () => [{ kind: 'already_exists' as const }],
    activateDocuments: async () => [],
    deleteDocuments: async () => undefined,
    clearPendingVectorDeletes: async () => undefined,
    pendingVectorDeletesOfJob: async () => [],
  };

  it('each stage is a child of the active span (a micro-batch), named for the stage, with what it wrote', async () => {
    const store = new TimedDocumentStore(documents, () => undefined);
    const vectors = new TimedVectorStore(
      { upsert: async () => undefined, deleteByDocumentIds: async () => undefined } satisfies VectorStore,
      () => undefined,
    );
    const embedder = new TimedEmbedder(
      { model: 'm', dimension: 2, embed: async (texts) => texts.map(() => [0, 1]) } satisfies Embedder,
      () => undefined,
    );
    await inSpan('ingest.micro_batch', {}, async () => {
      await store.insertDocuments('acct', [{ chat_bot_id: 'b', content_name: 'c', chunks: [] }], fence);
      await embedder.embed(['a', 'b', 'c']);
      await vectors.upsert([]);
      await store.activateDocuments([{ docId: 1, mayReplace: false }], fence);
      await store.deleteDocuments([1], fence); // compensation: not a stage
    });
    const spans = exporter.getFinishedSpans();
    const batch = spans.find((span) => span.name === 'ingest.micro_batch')!;
    const stages = spans.filter((span) => span !== batch);
    expect(stages.map((span) => span.name)).toEqual([
      StageSpan.postgresWrite,
      StageSpan.embedding,
      StageSpan.milvusWrite,
      StageSpan.activation,
    ]);
    for (const stage of stages) {
      expect(stage.spanContext().traceId).toBe(batch.spanContext().traceId);
      expect(stage.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
    }
    expect(stages[0]!.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'nonstop.documents': 1 });
    expect(stages[1]!.attributes).toMatchObject({ 'nonstop.chunks': 3, 'nonstop.embedding.model': 'm' });
    expect(stages[2]!.attributes).toMatchObject({ 'db.system.name': 'milvus', 'nonstop.chunks': 0 });
  });

  it('a stage that throws ends its span in error, with the exception, and the error passes through unchanged', async () => {
    const refused = Object.assign(new Error('embedding service rejected the input'), { name: 'EmbeddingRejectedError' });
    const embedder = new TimedEmbedder(
      {
        model: 'm',
        dimension: 2,
        embed: async () => {
          throw refused;
        },
      },
      () => undefined,
    );
    await expect(embedder.embed(['x'])).rejects.toBe(refused);
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe(StageSpan.embedding);
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'embedding service rejected the input' });
    expect(span!.events[0]!.attributes).toMatchObject({ 'exception.type': 'EmbeddingRejectedError' });
  });
});
