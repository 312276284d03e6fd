import { createLogger } from '@nonstop/core';
import { startStandInEmbeddingServer, type StandInEmbeddingServer } from '@nonstop/embeddings/src/testing';
import { createRuntime, type Runtime } from '../src';
import { startedRun } from '../../../test/support/started-run';
import { makeDocuments, StoreInspector, testConfig, uniqueAccount } from '../../../test/support/test-env';

/**
 * Faults the real services cannot be asked for: an embedding service that
 * rejects one document's text (a stand-in OpenAI-compatible endpoint).
 */
describe('pipeline failure isolation (real PostgreSQL and Milvus, stand-in embedding endpoint)', () => {
  const collection = 'test_standin_chunks';
  let standIn: StandInEmbeddingServer;
  let runtime: Runtime;
  let stores: StoreInspector;

  beforeAll(async () => {
    standIn = await startStandInEmbeddingServer({ rejectTextsContaining: 'REJECT-ME' });
    const config = testConfig({
      EMBEDDING_PROVIDER: 'openai',
      EMBEDDING_BASE_URL: standIn.url,
      EMBEDDING_MODEL: 'stand-in-fixed-vectors',
      EMBEDDING_DIMENSION: '384',
      EMBEDDING_BATCH_SIZE: '64',
      EMBEDDING_MAX_RETRIES: '1',
      MILVUS_COLLECTION: collection,
    });
    runtime = await createRuntime(config, createLogger({ level: 'error', format: 'text', service: 'test' }), { applicationName: 'test' });
    stores = new StoreInspector(config);
  });
  afterAll(async () => {
    await runtime.close();
    await stores.close();
    await standIn.close();
  });

  it('a document whose text the embedding service rejects fails alone and leaves no rows or vectors', async () => {
    const account = uniqueAccount();
    const documents = makeDocuments(12, { chunks: 3 });
    documents[5]!.chunks[1]!.text = 'this chunk says REJECT-ME to the embedding service';
    const results = await runtime.pipeline.ingestBatch({ accountName: account, fence: await startedRun(runtime.jobs, account) }, documents);

    expect(results.filter((r) => r.success)).toHaveLength(11);
    expect(results[5]).toMatchObject({ success: false, error_code: 'embedding_rejected', chunks_count: 0 });
    expect(results[5]!.error).toContain('REJECT-ME');
    const stored = await stores.pool.query('SELECT content_name FROM documents WHERE account_name = $1', [account]);
    expect(stored.rows.map((r: { content_name: string }) => r.content_name)).not.toContain(documents[5]!.content_name);
    expect(stored.rowCount).toBe(11);
    const chunkIds = await stores.chunkIds(account);
    expect(chunkIds).toHaveLength(33);
    expect(await stores.vectorChunkIds(account, collection)).toEqual(chunkIds);
  });

  it('refuses to start against a collection made for another model', async () => {
    const config = testConfig({
      EMBEDDING_PROVIDER: 'openai',
      EMBEDDING_BASE_URL: standIn.url,
      EMBEDDING_MODEL: 'another-model',
      EMBEDDING_DIMENSION: '384',
      MILVUS_COLLECTION: collection,
    });
    await expect(
      createRuntime(config, createLogger({ level: 'error', format: 'text', service: 'test' }), { applicationName: 'test' }),
    ).rejects.toThrow(/holds vectors of stand-in-fixed-vectors \(384 dims\).*another-model/);
  });
});
