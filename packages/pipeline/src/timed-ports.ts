import type {
  DocumentInput, DocumentStore, Embedder, InsertOutcome, MetricsStage, OnExisting, RunFence, VectorRow, VectorStore,
} from '@nonstop/core';

/** Receives the duration of one stage call, in seconds, whether it succeeded or threw. Must not throw. */
export type StageObserver = (stage: MetricsStage, seconds: number) => void;

async function timed<T>(observe: StageObserver, stage: MetricsStage, operation: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  try {
    return await operation();
  } finally {
    observe(stage, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

/**
 * Decorators of the pipeline's ports that time each write (metrics), leaving
 * the pipeline's logic untouched. Errors pass through unchanged. Deletions
 * (compensation, rollback) are not timed.
 */
export class TimedDocumentStore implements DocumentStore {
  constructor(private readonly inner: DocumentStore, private readonly observe: StageObserver) {}

  insertDocuments(accountName: string, documents: DocumentInput[], fence: RunFence, onExisting?: OnExisting): Promise<InsertOutcome[]> {
    return timed(this.observe, 'postgres_write', () => this.inner.insertDocuments(accountName, documents, fence, onExisting));
  }

  activateDocuments(versions: Array<{ docId: number; mayReplace: boolean }>, fence: RunFence): Promise<number[]> {
    return timed(this.observe, 'postgres_write', () => this.inner.activateDocuments(versions, fence));
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
  constructor(private readonly inner: VectorStore, private readonly observe: StageObserver) {}

  upsert(rows: VectorRow[], signal?: AbortSignal): Promise<void> {
    return timed(this.observe, 'milvus_write', () => this.inner.upsert(rows, signal));
  }

  deleteByDocumentIds(docIds: number[]): Promise<void> {
    return this.inner.deleteByDocumentIds(docIds);
  }
}

export class TimedEmbedder implements Embedder {
  /** Present exactly when the inner embedder has it, so a search through this decorator keeps e5's `query: `. */
  readonly embedQueries?: (texts: string[], signal?: AbortSignal) => Promise<number[][]>;

  constructor(private readonly inner: Embedder, private readonly observe: StageObserver) {
    const embedQueries = inner.embedQueries?.bind(inner);
    if (embedQueries) this.embedQueries = (texts, signal) => timed(this.observe, 'embedding', () => embedQueries(texts, signal));
  }

  get model(): string {
    return this.inner.model;
  }

  get dimension(): number {
    return this.inner.dimension;
  }

  embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    return timed(this.observe, 'embedding', () => this.inner.embed(texts, signal));
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
