import { loadConfig } from '@nonstop/core';
import { migrate } from '@nonstop/storage';
import IORedis from 'ioredis';

/**
 * Integration tests run against the real services that `npm test`
 * (scripts/test.sh) starts. Check they answer, with a message saying how to
 * start them, and migrate the test database once.
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  const hint = 'Start the services with `npm run services:up` (npm test does it for you).';
  const redis = new IORedis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis at ${config.redisUrl} is not answering (${(error as Error).message}). ${hint}`, { cause: error });
  } finally {
    redis.disconnect();
  }
  const milvusHealth = `http://${config.milvusAddress.split(':')[0]}:9091/healthz`;
  const health = await fetch(milvusHealth).then(
    (r) => r.ok,
    () => false,
  );
  if (!health) throw new Error(`Milvus is not healthy at ${milvusHealth}. ${hint}`);
  // The default model's server (EMBEDDING_PROVIDER=local-e5): without it every test that embeds would fail on its own.
  if (config.embedding.provider === 'local-e5') {
    const models = `${config.embedding.baseUrl!.replace(/\/+$/, '')}/models`;
    const served = await fetch(models, { signal: AbortSignal.timeout(10_000) }).then(
      (r) => (r.ok ? r.text() : ''),
      () => '',
    );
    if (!served.includes(config.embedding.model))
      throw new Error(`The embedding server does not serve ${config.embedding.model} at ${models}. ${hint}`);
  }
  await migrate(config.databaseUrl);
}
