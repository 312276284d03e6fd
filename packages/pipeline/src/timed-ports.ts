import type { Attributes } from '@opentelemetry/api';
import {
  inSpan,
  type DocumentInput,
  type DocumentStore,
  type Embedder,
  type InsertOutcome,
  type MetricsStage,
  type OnExisting,
  type RunFence,
  type VectorRow,
  type VectorStore,
} from '@nonstop/core';

/** Receives the duration of one stage call, in seconds, whether it succeeded or threw. Must not throw. */
export type StageObserver = (stage: MetricsStage, seconds: number) => void;

/**
 * The spans of the pipeline's stages, children of the active span (a
 * micro-batch of a job run). Activation is a PostgreSQL write for the metrics
 * and a span of its own, being the moment a version becomes visible.
 */
export const StageSpan = {
  postgresWrite: 'ingest.postgres_write',
  activation: 'ingest.activation',
  embedding: 'ingest.embedding',
  milvusWrite: 'ingest.milvus_write',
} as const;

interface Stage {
  metric: MetricsStage;
  span: string;
  attributes: Attributes;
}

async function timed<T>(observe: StageObserver, stage: Stage, operation: () => Promise<T>): Promise<T> {
  return inSpan(stage.span, { attributes: stage.attributes }, async () => {
    const started = process.hrtime.bigint();
    try {
      return await operation();
    } finally {
      observe(stage.metric, Number(process.hrtime.bigint() - started) / 1e9);
    }
  });
}

const POSTGRES = { 'db.system.name': 'postgresql' } as const;
const MILVUS = { 'db.system.name': 'milvus' } as const;

/**
 * Decorators of the pipeline's ports that time each write (metrics) and trace
 * it (a span per call, errors recorded on it), leaving the pipeline's logic
 * untouched. Errors pass through unchanged. Deletions (compensation,
 * rollback) are neither timed nor traced.
 */
export class TimedDocumentStore implements DocumentStore {
  constructor(
    private readonly inner: DocumentStore,
    private readonly observe: StageObserver,
  ) {}

  insertDocuments(accountName: string, documents: DocumentInput[], fence: RunFence, onExisting?: OnExisting): Promise<InsertOutcome[]> {
    const stage = {
      metric: 'postgres_write' as const,
      span: StageSpan.postgresWrite,
      attributes: { ...POSTGRES, 'nonstop.documents': documents.length },
    };
    return timed(this.observe, stage, () => this.inner.insertDocuments(accountName, documents, fence, onExisting));
  }

  activateDocuments(versions: Array<{ docId: number; mayReplace: boolean }>, fence: RunFence): Promise<number[]> {
    const stage = {
      metric: 'postgres_write' as const,
      span: StageSpan.activation,
      attributes: { ...POSTGRES, 'nonstop.documents': versions.length },
    };
    return timed(this.observe, stage, () => this.inner.activateDocuments(versions, fence));
  }

  deleteDocuments(docIds: number[], fence: RunFence): Promise<void> {
    return this.inner.deleteDocuments(docIds, fence);
  }

  clearPendingVectorDeletes(docIds: number[]): Promise<void> {
    return this.inner.clearPendingVectorDeletes(docIds);
  }

  pendingVectorDeletesOfJob(jobId: string): Promise<number[]> {
    return this.inner.pendingVectorDeletesOfJob(jobId);
  }
}

export class TimedVectorStore implements VectorStore {
  constructor(
    private readonly inner: VectorStore,
    private readonly observe: StageObserver,
  ) {}

  upsert(rows: VectorRow[], signal?: AbortSignal): Promise<void> {
    const stage = {
      metric: 'milvus_write' as const,
      span: StageSpan.milvusWrite,
      attributes: { ...MILVUS, 'nonstop.chunks': rows.length },
    };
    return timed(this.observe, stage, () => this.inner.upsert(rows, signal));
  }

  deleteByDocumentIds(docIds: number[]): Promise<void> {
    return this.inner.deleteByDocumentIds(docIds);
  }
}

export class TimedEmbedder implements Embedder {
  /** Present exactly when the inner embedder has it, so a search through this decorator keeps e5's `query: `. */
  readonly embedQueries?: (texts: string[], signal?: AbortSignal) => Promise<number[][]>;

  constructor(
    private readonly inner: Embedder,
    private readonly observe: StageObserver,
  ) {
    const embedQueries = inner.embedQueries?.bind(inner);
    if (embedQueries)
      this.embedQueries = (texts, signal) => timed(this.observe, this.stage(texts, 'query'), () => embedQueries(texts, signal));
  }

  get model(): string {
    return this.inner.model;
  }

  get dimension(): number {
    return this.inner.dimension;
  }

  embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    return timed(this.observe, this.stage(texts, 'passage'), () => this.inner.embed(texts, signal));
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  private stage(texts: string[], role: 'passage' | 'query'): Stage {
    return {
      metric: 'embedding',
      span: StageSpan.embedding,
      attributes: { 'nonstop.chunks': texts.length, 'nonstop.embedding.model': this.inner.model, 'nonstop.embedding.role': role },
    };
  }
}
