import type { DocumentInput, Embedder, VectorStore } from '@nonstop/core';
import { MilvusVectorStore } from '@nonstop/storage';
import { createRuntime, IngestionPipeline, type Runtime } from '../src';
import { startedRun } from '../../../test/support/started-run';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { makeDocuments, StoreInspector, testConfig, testLogger, uniqueAccount } from '../../../test/support/test-env';

/**
 * The pipeline's write path at its edges, against real PostgreSQL, Milvus and
 * the default embedding model: a document a store refuses fails alone at either store, a
 * hung Milvus is an outage (never a slow document whose write is abandoned),
 * and a retried Milvus write repeats its delete.
 */
describe('write path edges (real PostgreSQL, Milvus and model)', () => {
  const config = testConfig();
  let runtime: Runtime;
  let stores: StoreInspector;

  beforeAll(async () => {
    runtime = await createRuntime(config, testLogger, { applicationName: 'test' });
    stores = new StoreInspector(config);
  });
  afterAll(async () => {
    await runtime.close();
    await stores.close();
  });

  function pipelineWith(vectors: VectorStore, documentTimeoutMs = 30_000, embedder: Embedder = runtime.embedder): IngestionPipeline {
    return new IngestionPipeline(
      { documents: runtime.documents, vectors, embedder, logger: testLogger },
      { documentTimeoutMs, batchChunks: 64, batchesInFlight: 1 },
    );
  }

  async function expectStoredExactly(account: string, names: string[]): Promise<void> {
    const rows = await stores.pool.query('SELECT content_name FROM documents WHERE account_name = $1', [account]);
    expect(rows.rows.map((row: { content_name: string }) => row.content_name).sort()).toEqual([...names].sort());
    expect(await stores.vectorChunkIds(account)).toEqual(await stores.chunkIds(account));
  }

  it('a row PostgreSQL refuses (a NUL in a name, past the API) fails that document alone with storage_rejected', async () => {
    const account = uniqueAccount();
    const docs = makeDocuments(5);
    docs[3]!.content_name = 'https://example.com/nul\u0000name';
    const results = await runtime.pipeline.ingestBatch({ accountName: account, fence: await startedRun(runtime.jobs, account) }, docs);
    expect(results.map((r) => r.error_code ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'storage_rejected', 'ok']);
    expect(results[3]!.error).toMatch(/PostgreSQL refused the document/);
    await expectStoredExactly(
      account,
      [0, 1, 2, 4].map((i) => docs[i]!.content_name),
    );
  });

  it('a value Milvus refuses (chat_bot_id past its 512-byte field) fails that document alone, nothing of it left', async () => {
    const account = uniqueAccount();
    const docs = makeDocuments(5, { chunks: 3 });
    docs[1]!.chat_bot_id = 'b'.repeat(600);
    const results = await runtime.pipeline.ingestBatch({ accountName: account, fence: await startedRun(runtime.jobs, account) }, docs);
    expect(results.map((r) => r.error_code ?? 'ok')).toEqual(['ok', 'vector_store_failed', 'ok', 'ok', 'ok']);
    expect(results[1]!.error).toMatch(/Milvus refused the write: IllegalArgument/);
    await expectStoredExactly(
      account,
      [0, 2, 3, 4].map((i) => docs[i]!.content_name),
    );
    const pending = await stores.pool.query('SELECT count(*)::int AS n FROM pending_vector_deletes');
    expect(pending.rows[0].n).toBe(0);
  });

  it('a hung Milvus is an outage: the batch fails as a whole (DependencyError), its one write never abandoned or split', async () => {
    const proxy = TcpProxy.inFrontOfAddress(config.milvusAddress);
    await proxy.start();
    const hung = new MilvusVectorStore({
      address: proxy.address,
      collection: config.milvusCollection,
      callTimeoutMs: 2_000,
      maxAttempts: 2,
      retryDelayMs: 100,
    });
    let writes = 0;
    const counted: VectorStore = {
      upsert: (rows, signal) => {
        writes += 1;
        return hung.upsert(rows, signal);
      },
      deleteByDocumentIds: (ids) => hung.deleteByDocumentIds(ids),
    };
    try {
      const account = uniqueAccount();
      const documents = makeDocuments(4);
      // The model's own vectors, computed before the stall: within the 1 s limit only Milvus may be slow (the
      // multilingual model can take longer than that for these 8 chunks on a busy machine).
      const texts = documents.flatMap((document) => document.chunks.map((chunk) => chunk.text));
      const computed = new Map((await runtime.embedder.embed(texts)).map((vector, i) => [texts[i]!, vector]));
      const precomputed: Embedder = {
        model: runtime.embedder.model,
        dimension: runtime.embedder.dimension,
        embed: async (batch) => batch.map((text) => computed.get(text)!),
      };
      proxy.stall();
      const started = Date.now();
      // A document limit shorter than Milvus's call deadline: an abandoned write would show as per-document timeouts.
      await expect(
        pipelineWith(counted, 1_000, precomputed).ingestBatch(
          { accountName: account, fence: await startedRun(runtime.jobs, account) },
          documents,
        ),
      ).rejects.toMatchObject({ name: 'DependencyError', dependency: 'milvus' });
      expect(writes).toBe(1);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await stores.vectorChunkIds(account)).toEqual([]);
    } finally {
      await hung.close();
      await proxy.close();
    }
  });

  it('an insert whose reply was lost (stand-in: the reply dropped after Milvus applied it) is retried with its delete: one row per key', async () => {
    const vectors = new MilvusVectorStore({ address: config.milvusAddress, collection: config.milvusCollection, retryDelayMs: 50 });
    type Callback = (error: Error | null, result?: unknown) => void;
    const grpc = vectors.client.client as unknown as { Insert: (request: unknown, options: unknown, callback: Callback) => void };
    const insert = grpc.Insert.bind(grpc);
    let lost = 0;
    grpc.Insert = (request, options, callback) =>
      insert(request, options, (error, result) => {
        if (!error && lost === 0) {
          lost += 1;
          callback(new Error('stand-in: the insert was applied but its reply was lost'));
          return;
        }
        callback(error, result);
      });
    try {
      const account = uniqueAccount();
      const docs: DocumentInput[] = makeDocuments(3, { chunks: 4 });
      const results = await pipelineWith(vectors).ingestBatch(
        { accountName: account, fence: await startedRun(runtime.jobs, account) },
        docs,
      );
      expect(results.every((r) => r.success)).toBe(true);
      expect(lost).toBe(1);
      const chunkIds = await stores.chunkIds(account);
      expect(chunkIds).toHaveLength(12);
      // count(*) counts every row, a second copy of a key included (a query by id would show it once).
      const counted = await stores.milvus.query({
        collection_name: config.milvusCollection,
        filter: `account_name == "${account}"`,
        output_fields: ['count(*)'],
        consistency_level: 'Strong' as never,
      });
      expect(Number(counted.data[0]?.['count(*)'])).toBe(12);
    } finally {
      await vectors.close();
    }
  });
});
