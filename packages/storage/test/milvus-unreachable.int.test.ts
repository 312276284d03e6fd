import { MilvusVectorStore } from '../src/milvus/milvus-vector-store';

/**
 * The 2.3.5 SDK starts a Connect call in MilvusClient's constructor and keeps
 * its promise unobserved; when Milvus is unreachable that promise rejects
 * with nobody listening, and our crash handler ends the process on an
 * unhandled rejection (seen in the chaos run: workers starting during a
 * Milvus restart died that way instead of failing with a clear error).
 */
describe('MilvusVectorStore while Milvus is unreachable', () => {
  it('leaves no unhandled rejection behind, and reports Milvus unavailable', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    // Port 1 on loopback: nothing listens there, so every connect is refused at once.
    const store = new MilvusVectorStore({ address: '127.0.0.1:1', collection: 'unreachable', maxAttempts: 1 });
    try {
      await expect(store.ping()).rejects.toMatchObject({ name: 'DependencyError', dependency: 'milvus' });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await store.close();
    }
  });
});
