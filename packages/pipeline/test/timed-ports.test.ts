import type { DocumentStore, Embedder, MetricsStage, VectorStore } from '@nonstop/core';
import { TimedDocumentStore, TimedEmbedder, TimedVectorStore } from '../src/timed-ports';

function recorder(): { observe: (stage: MetricsStage, seconds: number) => void; seen: Array<[MetricsStage, number]> } {
  const seen: Array<[MetricsStage, number]> = [];
  return {
    seen,
    observe: (stage, seconds) => {
      seen.push([stage, seconds]);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('timed ports (metrics decorators)', () => {
  it('times insertDocuments as postgres_write and passes arguments and the result through', async () => {
    const inner: DocumentStore = {
      insertDocuments: jest.fn(async () => {
        await sleep(20);
        return [{ kind: 'already_exists' as const }];
      }),
      deleteDocuments: jest.fn(async () => undefined),
      activateDocuments: jest.fn(async () => []),
      pendingVectorDeletesOfJob: jest.fn(async () => []),
      clearPendingVectorDeletes: jest.fn(async () => undefined),
    };
    const fence = { jobId: 'job', run: 1 };
    const { observe, seen } = recorder();
    const store = new TimedDocumentStore(inner, observe);
    const docs = [{ chat_bot_id: 'b', content_name: 'c', chunks: [] }];
    await expect(store.insertDocuments('acct', docs, fence)).resolves.toEqual([{ kind: 'already_exists' }]);
    expect(inner.insertDocuments).toHaveBeenCalledWith('acct', docs, fence, undefined);
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe('postgres_write');
    expect(seen[0]![1]).toBeGreaterThanOrEqual(0.015);
    await store.deleteDocuments([1, 2], fence);
    expect(inner.deleteDocuments).toHaveBeenCalledWith([1, 2], fence);
    expect(seen).toHaveLength(1); // deletions are not timed
  });

  it('times upsert as milvus_write and re-throws its error unchanged, still recording the time', async () => {
    const failure = Object.assign(new Error('milvus down'), { name: 'DependencyError', dependency: 'milvus' });
    const inner: VectorStore = {
      upsert: jest.fn(async () => {
        await sleep(5);
        throw failure;
      }),
      deleteByDocumentIds: jest.fn(async () => undefined),
    };
    const { observe, seen } = recorder();
    const store = new TimedVectorStore(inner, observe);
    await expect(store.upsert([])).rejects.toBe(failure);
    expect(seen.map(([stage]) => stage)).toEqual(['milvus_write']);
    expect(seen[0]![1]).toBeGreaterThan(0);
    await store.deleteByDocumentIds([3]);
    expect(inner.deleteByDocumentIds).toHaveBeenCalledWith([3]);
    expect(seen).toHaveLength(1);
  });

  it('times embed as embedding, keeps model and dimension, forwards the signal and close, and re-throws', async () => {
    const signal = new AbortController().signal;
    let fail = false;
    const inner: Embedder = {
      model: 'm',
      dimension: 3,
      embed: jest.fn(async (texts: string[]) => {
        if (fail) throw new Error('rejected');
        return texts.map(() => [1, 2, 3]);
      }),
      close: jest.fn(async () => undefined),
    };
    const { observe, seen } = recorder();
    const embedder = new TimedEmbedder(inner, observe);
    expect(embedder.model).toBe('m');
    expect(embedder.dimension).toBe(3);
    await expect(embedder.embed(['a', 'b'], signal)).resolves.toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(inner.embed).toHaveBeenCalledWith(['a', 'b'], signal);
    fail = true;
    await expect(embedder.embed(['a'])).rejects.toThrow('rejected');
    expect(seen.map(([stage]) => stage)).toEqual(['embedding', 'embedding']);
    await embedder.close();
    expect(inner.close).toHaveBeenCalled();
  });

  it('has embedQueries exactly when the inner embedder has it (e5 queries keep their "query: "), timed as embedding', async () => {
    const plain: Embedder = { model: 'm', dimension: 1, embed: async (texts) => texts.map(() => [0]) };
    expect(new TimedEmbedder(plain, recorder().observe).embedQueries).toBeUndefined();
    const signal = new AbortController().signal;
    const withQueries: Embedder = { ...plain, embedQueries: jest.fn(async (texts: string[]) => texts.map(() => [1])) };
    const { observe, seen } = recorder();
    const embedder = new TimedEmbedder(withQueries, observe);
    await expect(embedder.embedQueries!(['질문'], signal)).resolves.toEqual([[1]]);
    expect(withQueries.embedQueries).toHaveBeenCalledWith(['질문'], signal);
    expect(seen.map(([stage]) => stage)).toEqual(['embedding']);
  });
});
