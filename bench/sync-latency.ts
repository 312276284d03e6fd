/**
 * Latency of the synchronous endpoint, `POST /data/insert/batch` (issue 10): 5 documents of 2 chunks
 * (English and Korean, fresh content_names, so nothing is a duplicate), 40 sequential requests idle
 * after 5 warm-up ones, then 40 while a 5,000-document job (2 chunks each) runs on the worker.
 * `npm run bench` runs it against its own API and worker. Standalone:
 *   node --import tsx bench/sync-latency.ts [--collection bench_sync_chunks] [--job-documents 5000] [--requests 40]
 * starts the stand-in embedder, the API in this process and one worker process (queue prefix of its own);
 *   node --import tsx bench/sync-latency.ts --base http://host:port
 * measures an API that is already running (with a worker on the same services) instead.
 * The database is BENCH_DATABASE_URL (default nonstop_ingest_bench).
 */
import { execSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { DocumentInput } from '@nonstop/core';
import { migrate } from '@nonstop/storage';
import { startStandInEmbeddingServer } from '../packages/embeddings/src/testing/stand-in-embedding-server';
import { account, DATABASE_URL, DIMENSION, percentile, round, RUN_ID, sleep, standInEnv } from './common';
import { getJob, postJob, startApi, startWorker, stopApp, waitForFinal } from './service';

const DOCS_PER_REQUEST = 5;
const CHUNKS_PER_DOC = 2;
const ENGLISH = 'Retrieval-augmented generation stores each document as chunks with vectors, so a search finds the passage that answers. ';
const KOREAN = '검색 증강 생성은 문서를 청크로 나누어 벡터와 함께 저장하므로, 검색이 답이 되는 구절을 찾습니다. ';

export interface LatencySummary {
  scenario: string;
  n: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  load_avg_1m: number;
}

export interface SyncLatency {
  documents_per_request: number;
  chunks_per_document: number;
  idle: LatencySummary;
  with_job: LatencySummary;
  /** The large job the second scenario ran beside. */
  job: {
    documents: number;
    chunks: number;
    /** Sync requests after which GET /job still said `processing` (all of them, or the job ended during the measurement). */
    processing_after_requests: number;
    processing_throughout: boolean;
    final_status: string;
    success_count: number;
  };
  p50_ratio: number;
  p95_ratio: number;
}

/** `count` documents of 2 chunks of about 400 characters, one English and one Korean, named uniquely by `label`. */
export function syncDocs(count: number, label: string): DocumentInput[] {
  return Array.from({ length: count }, (_, n) => ({
    chat_bot_id: 'bot001',
    content_name: `https://example.com/${RUN_ID}/${label}/${n}`,
    chunks: [
      { chunk_index: 0, text: `[${label} ${n} en] ${ENGLISH.repeat(4)}`.slice(0, 400) },
      { chunk_index: 1, text: `[${label} ${n} ko] ${KOREAN.repeat(8)}`.slice(0, 400) },
    ],
    metadata: { title: `sync ${n}`, author: 'bench' },
  }));
}

/** One synchronous request, timed from sending to the whole answer read; anything but all 5 stored is an error. */
async function syncInsert(base: string, accountName: string, label: string): Promise<number> {
  const body = JSON.stringify({ account_name: accountName, documents: syncDocs(DOCS_PER_REQUEST, label) });
  const start = performance.now();
  const response = await fetch(`${base}/data/insert/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const answer = (await response.json()) as { success_count?: number };
  const ms = performance.now() - start;
  if (response.status !== 200 || answer.success_count !== DOCS_PER_REQUEST) {
    throw new Error(`POST /data/insert/batch -> ${response.status} ${JSON.stringify(answer).slice(0, 500)}`);
  }
  return ms;
}

function summary(scenario: string, latencies: number[], load: number): LatencySummary {
  return {
    scenario,
    n: latencies.length,
    p50_ms: round(percentile(latencies, 50), 1),
    p95_ms: round(percentile(latencies, 95), 1),
    max_ms: round(Math.max(...latencies), 1),
    load_avg_1m: round(load, 2),
  };
}

/** Both scenarios against an API at `base` whose worker runs on the same services. */
export async function measureSyncLatency(
  base: string,
  options: { requests?: number; warmup?: number; jobDocuments?: number } = {},
): Promise<SyncLatency> {
  const { requests = 40, warmup = 5, jobDocuments = 5_000 } = options;
  const syncAccount = account('sync');

  for (let i = 0; i < warmup; i += 1) await syncInsert(base, syncAccount, `warmup-${i}`);
  const idleLoad = loadavg()[0]!;
  const idle: number[] = [];
  for (let i = 0; i < requests; i += 1) idle.push(await syncInsert(base, syncAccount, `idle-${i}`));

  // Another account's large job: the sync requests share the machine and the stores with it, not its documents.
  const jobId = await postJob(base, account('sync_load'), syncDocs(jobDocuments, 'load'));
  while ((await getJob(base, jobId)).status !== 'processing') await sleep(20);
  const busyLoad = loadavg()[0]!;
  const busy: number[] = [];
  let processingAfter = 0;
  for (let i = 0; i < requests; i += 1) {
    busy.push(await syncInsert(base, syncAccount, `busy-${i}`));
    if ((await getJob(base, jobId)).status === 'processing') processingAfter += 1; // not timed
  }
  const final = await waitForFinal(base, jobId, 30 * 60_000);

  const idleSummary = summary('idle', idle, idleLoad);
  const busySummary = summary(`while a ${jobDocuments.toLocaleString('en-US')}-document job runs`, busy, busyLoad);
  return {
    documents_per_request: DOCS_PER_REQUEST,
    chunks_per_document: CHUNKS_PER_DOC,
    idle: idleSummary,
    with_job: busySummary,
    job: {
      documents: jobDocuments,
      chunks: jobDocuments * CHUNKS_PER_DOC,
      processing_after_requests: processingAfter,
      processing_throughout: processingAfter === requests,
      final_status: final.status,
      success_count: final.progress.success_count,
    },
    p50_ratio: round(busySummary.p50_ms / idleSummary.p50_ms, 2),
    p95_ratio: round(busySummary.p95_ms / idleSummary.p95_ms, 2),
  };
}

export function syncLatencyTable(r: SyncLatency, heading = ''): string {
  const lines = [
    heading,
    `POST /data/insert/batch, ${r.documents_per_request} documents x ${r.chunks_per_document} chunks, sequential`,
    `${'scenario'.padEnd(36)} ${'n'.padStart(4)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'max ms'.padStart(9)}  load avg`,
    ...[r.idle, r.with_job].map(
      (s) =>
        `${s.scenario.padEnd(36)} ${String(s.n).padStart(4)} ${String(s.p50_ms).padStart(9)} ${String(s.p95_ms).padStart(9)} ${String(s.max_ms).padStart(9)}  ${s.load_avg_1m}`,
    ),
    `${'with job / idle'.padEnd(36)} ${''.padStart(4)} ${`${r.p50_ratio}x`.padStart(9)} ${`${r.p95_ratio}x`.padStart(9)}`,
    `job: ${r.job.documents} documents, processing after ${r.job.processing_after_requests} of ${r.with_job.n} requests` +
      `${r.job.processing_throughout ? ' (the whole measurement)' : ' (it ENDED during the measurement)'}; final ${r.job.final_status}, ${r.job.success_count} stored`,
  ];
  return lines.filter((line) => line !== '').join('\n');
}

if (require.main === module) {
  void (async () => {
    const { values } = parseArgs({
      options: {
        base: { type: 'string' },
        collection: { type: 'string', default: 'bench_sync_chunks' },
        requests: { type: 'string', default: '40' },
        warmup: { type: 'string', default: '5' },
        'job-documents': { type: 'string', default: '5000' },
      },
    });
    const options = { requests: Number(values.requests), warmup: Number(values.warmup), jobDocuments: Number(values['job-documents']) };
    const commit = execSync('git rev-parse --short HEAD', { cwd: __dirname, encoding: 'utf8' }).trim();
    const heading = `sync-latency run ${RUN_ID}, code at ${commit}, ${new Date().toISOString()}`;
    let result: SyncLatency;
    let where = `API at ${values.base}`;
    if (values.base) {
      result = await measureSyncLatency(values.base, options);
    } else {
      where = `database ${new URL(DATABASE_URL).pathname.slice(1)}, collection ${values.collection}`;
      await migrate(DATABASE_URL);
      const standIn = await startStandInEmbeddingServer({ dimension: DIMENSION });
      const env = standInEnv(standIn.url, { MILVUS_COLLECTION: values.collection, QUEUE_PREFIX: `bench-${RUN_ID}-sync` });
      const service = await startApi(env);
      const worker = await startWorker(env);
      try {
        result = await measureSyncLatency(service.base, options);
      } finally {
        await stopApp(worker, 'SIGTERM');
        await service.close();
        await standIn.close();
      }
    }
    console.log(syncLatencyTable(result, `${heading}; ${where}`));
    console.log(JSON.stringify({ run_id: RUN_ID, commit, ...result }));
    process.exit(0);
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
