import { randomUUID } from 'node:crypto';
import { MilvusClient, ConsistencyLevelEnum } from '@zilliz/milvus2-sdk-node';
import { Pool } from 'pg';
import { createLogger, loadConfig, type AppConfig, type DocumentInput } from '@nonstop/core';

export const testLogger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', format: 'text', service: 'test' });

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}

/** Fresh data per test: a unique account isolates documents, jobs and vectors. */
export function uniqueAccount(label = 'acct'): string {
  return `${label}_${randomUUID().slice(0, 8)}`;
}

export function makeDocuments(count: number, options: { chunks?: number; prefix?: string; botId?: string } = {}): DocumentInput[] {
  const texts = [
    '인공지능은 데이터를 바탕으로 학습합니다. 이 문서는 {n}번째 예시입니다.',
    'Retrieval-augmented generation combines search with a language model (doc {n}).',
    'Mixed 텍스트: vector database 검색과 embedding 모델 {n} — "quotes" and \\backslashes\\.',
  ];
  return Array.from({ length: count }, (_, n) => ({
    chat_bot_id: options.botId ?? 'bot001',
    content_name: `https://example.com/${options.prefix ?? 'article'}/${n}`,
    chunks: Array.from({ length: options.chunks ?? 2 }, (_, i) => ({
      chunk_index: i,
      text: (texts[(n + i) % texts.length] ?? '').replace('{n}', String(n)),
    })),
    metadata: { title: `문서 ${n}`, author: 'Kim Dev' },
  }));
}

/** Reads the stores directly, not through the service's own code. */
export class StoreInspector {
  readonly pool: Pool;
  readonly milvus: MilvusClient;

  constructor(private readonly config: AppConfig) {
    this.pool = new Pool({ connectionString: config.databaseUrl, max: 2 });
    this.milvus = new MilvusClient({ address: config.milvusAddress, logLevel: 'error' });
  }

  async documentCount(account: string): Promise<number> {
    const result = await this.pool.query('SELECT count(*)::int AS n FROM documents WHERE account_name = $1', [account]);
    return result.rows[0].n as number;
  }

  async chunkIds(account: string): Promise<number[]> {
    const result = await this.pool.query(
      `SELECT c.id FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE d.account_name = $1 ORDER BY c.id`,
      [account],
    );
    return result.rows.map((row: { id: string }) => Number(row.id));
  }

  /** Primary keys of the account's vectors, as Milvus returns them (duplicates included). */
  async vectorChunkIds(account: string, collection = this.config.milvusCollection): Promise<number[]> {
    const ids: number[] = [];
    const pageSize = 10_000;
    for (let offset = 0; ; offset += pageSize) {
      const result = await this.milvus.query({
        collection_name: collection,
        filter: `account_name == "${account}"`,
        output_fields: ['chunk_id'],
        consistency_level: ConsistencyLevelEnum.Strong,
        limit: pageSize,
        offset,
      });
      ids.push(...result.data.map((row) => Number(row.chunk_id)));
      if (result.data.length < pageSize) return ids.sort((a, b) => a - b);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.milvus.closeConnection();
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
