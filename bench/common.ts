import { randomUUID } from 'node:crypto';
import { loadConfig, type AppConfig, type DocumentInput } from '@nonstop/core';

export const DIMENSION = 384;
export const CHUNKS_PER_DOC = 4;
export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/nonstop_ingest_bench';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6390';
export const MILVUS_ADDRESS = process.env.BENCH_MILVUS_ADDRESS ?? '127.0.0.1:19530';
export const RUN_ID = randomUUID().slice(0, 8);

/** The environment of the API and worker, with the stand-in fixed-vector endpoint as the embedding service. */
export function standInEnv(standInUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL,
    REDIS_URL,
    MILVUS_ADDRESS,
    MILVUS_COLLECTION: 'bench_chunks',
    EMBEDDING_PROVIDER: 'openai',
    EMBEDDING_BASE_URL: standInUrl,
    EMBEDDING_MODEL: 'stand-in-fixed-vectors',
    EMBEDDING_DIMENSION: String(DIMENSION),
    MAX_DOCUMENTS_PER_JOB: '25000',
    QUEUE_PREFIX: `bench-${RUN_ID}`,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export function localEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL,
    REDIS_URL,
    MILVUS_ADDRESS,
    MILVUS_COLLECTION: 'bench_chunks_local',
    EMBEDDING_PROVIDER: 'local',
    MAX_DOCUMENTS_PER_JOB: '25000',
    QUEUE_PREFIX: `bench-${RUN_ID}-local`,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export function configOf(env: Record<string, string>): AppConfig {
  return loadConfig({ ...process.env, ...env });
}

let accounts = 0;
export function account(label: string): string {
  accounts += 1;
  return `bench_${RUN_ID}_${label}_${accounts}`;
}

const FILLER = 'Retrieval-augmented generation stores documents as chunks with vectors; 검색 증강 생성은 문서를 청크로 나누어 저장합니다. ';

/** `chunks / 4` documents of 4 chunks of about 400 characters, unique per label. */
export function makeDocs(chunks: number, label: string): DocumentInput[] {
  const count = Math.ceil(chunks / CHUNKS_PER_DOC);
  return Array.from({ length: count }, (_, n) => ({
    chat_bot_id: 'bot001',
    content_name: `https://example.com/${label}/${n}`,
    chunks: Array.from({ length: CHUNKS_PER_DOC }, (_, i) => {
      const head = `[${label} doc ${n} chunk ${i}] `;
      return { chunk_index: i, text: (head + FILLER.repeat(4)).slice(0, 400) };
    }),
    metadata: { title: `bench ${n}`, author: 'bench' },
  }));
}

export function chunkCount(docs: DocumentInput[]): number {
  return docs.reduce((sum, d) => sum + d.chunks.length, 0);
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inFlight<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** One line of the table printed as the run goes. */
export function row(name: string, value: string, note = ''): void {
  console.log(`${name.padEnd(58)} ${value.padStart(16)}  ${note}`);
}
