import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { migrate } from '@nonstop/storage';
import { TcpProxy } from '../test/support/tcp-proxy';
import { AppFleet } from './app-fleet';
import { DIMENSION, StampedEmbeddingEndpoint } from './embedding-endpoint';
import { freePort } from './loopback';
import type { ChaosOptions } from './options';
import { OwnMilvus } from './own-milvus';
import { OwnRedis } from './own-redis';

export const DATABASE = 'nonstop_ingest_chaos';
const PG_HOST = '127.0.0.1';
const PG_PORT = 5432;

/**
 * Everything the run starts, on loopback only: our Redis and Milvus, the
 * embedding endpoint, a TCP proxy in front of the machine's PostgreSQL (the
 * "cut"), our own database, and the API and worker processes.
 */
export class ChaosStack {
  readonly tempDir: string;
  readonly redis: OwnRedis;
  readonly milvus: OwnMilvus;
  readonly embeddings = new StampedEmbeddingEndpoint();
  readonly pgProxy = new TcpProxy(PG_HOST, PG_PORT);
  readonly pool = new Pool({ connectionString: `postgres://postgres@${PG_HOST}:${PG_PORT}/${DATABASE}`, max: 4 });
  readonly auditFile: string;
  readonly queuePrefix: string;
  readonly collection: string;
  fleet!: AppFleet;
  apiBase = '';

  constructor(
    readonly options: ChaosOptions,
    readonly runId: string,
  ) {
    this.tempDir = path.join(os.tmpdir(), `nonstop-chaos-${runId}`);
    mkdirSync(path.join(this.tempDir, 'logs'), { recursive: true });
    this.redis = new OwnRedis(options.redisPort, this.tempDir);
    this.milvus = new OwnMilvus(options.milvusPort);
    this.auditFile = path.join(this.tempDir, 'embedding-audit.log');
    this.queuePrefix = `chaos-${runId}`;
    this.collection = `chaos_chunks_${runId}`;
  }

  async start(say: (line: string) => void): Promise<void> {
    await recreateDatabase();
    await migrate(`postgres://postgres@${PG_HOST}:${PG_PORT}/${DATABASE}`);
    say(`database ${DATABASE} created and migrated`);
    await this.redis.start();
    say(`our Redis on ${this.redis.url} (AOF everysec, noeviction), dir ${this.tempDir}/redis`);
    const milvusMs = await this.milvus.startFresh(300_000);
    say(`our Milvus on ${this.milvus.address}, healthy after ${(milvusMs / 1000).toFixed(1)} s`);
    const embeddingUrl = await this.embeddings.start(this.options.embedDelayMs);
    await this.pgProxy.start();
    say(`embedding stand-in ${embeddingUrl} (${this.options.embedDelayMs} ms a call); PostgreSQL proxy ${this.pgProxy.address}`);
    const apiPort = await freePort();
    this.apiBase = `http://127.0.0.1:${apiPort}`;
    const common: Record<string, string> = {
      NODE_ENV: 'development',
      API_AUTH: 'disabled',
      DATABASE_URL: `postgres://postgres@${this.pgProxy.address}/${DATABASE}`,
      REDIS_URL: this.redis.url,
      REDIS_REQUIRE_DURABLE: 'true',
      MILVUS_ADDRESS: this.milvus.address,
      MILVUS_COLLECTION: this.collection,
      QUEUE_PREFIX: this.queuePrefix,
      EMBEDDING_PROVIDER: 'openai',
      EMBEDDING_BASE_URL: embeddingUrl,
      EMBEDDING_MODEL: 'stand-in-fixed-vectors',
      EMBEDDING_DIMENSION: String(DIMENSION),
      EMBEDDING_BATCH_SIZE: String(this.options.batchChunks),
      PIPELINE_BATCH_CHUNKS: String(this.options.batchChunks),
      EMBEDDING_AUDIT_FILE: this.auditFile,
      MAX_DOCUMENTS_PER_JOB: String(Math.max(10_000, this.options.documents)),
    };
    this.fleet = new AppFleet(
      (kind) => (kind === 'api' ? { ...common, PORT: String(apiPort) } : { ...common, WORKER_HEALTH_PORT: '0' }),
      path.join(this.tempDir, 'logs'),
    );
    // The API first: it creates the collection, which the workers then find.
    this.fleet.start('api', 'api');
    await this.fleet.waitReady('api', 120_000);
    for (let i = 1; i <= this.options.workers; i += 1) this.fleet.start('worker', `worker-${i}`);
    for (let i = 1; i <= this.options.workers; i += 1) await this.fleet.waitReady(`worker-${i}`, 120_000);
    say(`API ${this.apiBase} and ${this.options.workers} workers up; logs in ${this.tempDir}/logs`);
  }

  /** Stops whatever was started, in the reverse order; never throws. */
  async stop(): Promise<void> {
    await this.fleet?.stopAll().catch(() => undefined);
    await Promise.allSettled([this.milvus.stop(), this.redis.stop(), this.pgProxy.close(), this.embeddings.close(), this.pool.end()]);
  }

  /** Last resort on an abrupt exit: SIGKILL to every process we started. */
  killNow(): void {
    this.fleet?.killAllNow();
    this.milvus.killNow();
    this.redis.killNow();
  }
}

/** Our own database, new for each run (the machine's PostgreSQL is shared; nothing else is touched). */
async function recreateDatabase(): Promise<void> {
  const client = new Client({ connectionString: `postgres://postgres@${PG_HOST}:${PG_PORT}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}
