import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Throughput, PostLatency } from './api-latency';
import type { AuditTime } from './audit-time';
import type { EndToEnd } from './end-to-end';
import type { LangChainRun } from './langchain';
import type { LocalE5Throughput } from './local-e5-results';
import type { LocalRaw } from './local-model';
import type { MilvusBatchRate } from './milvus-batch-size';
import type { Naive } from './naive';
import type { RawStages } from './raw-stages';
import type { RedisBytes } from './redis-bytes';
import type { QualityResult } from './retrieval-quality';
import type { SyncLatency } from './sync-latency';
import { CORES } from './machine-cpu';
import type { Bar } from './report';

export interface Results {
  run_id: string;
  started_at: string;
  finished_at: string;
  sizes: number[];
  raw: RawStages;
  milvus_batch_sizes?: MilvusBatchRate[];
  audit?: AuditTime;
  end_to_end: EndToEnd[];
  efficiency: number;
  efficiency_vs_cpu_bound?: number;
  naive: Naive[];
  service_over_naive: number;
  service_over_naive_at_1k: number | null;
  langchain?: { batch_size: number; cleanup: string; sweep: { chunks: number; runs: LangChainRun[] }; runs: LangChainRun[] };
  service_over_langchain?: number;
  service_over_langchain_at_1k?: number | null;
  local_model?: { raw: LocalRaw; end_to_end: EndToEnd; efficiency: number };
  /** The default multilingual model, end to end against the e5 server alone (bench/local-e5-throughput.ts). */
  local_e5?: LocalE5Throughput & { at?: string };
  /** Recall@1 / @5 and MRR of each local model option through POST /search (bench/retrieval-quality.ts). */
  retrieval?: QualityResult[];
  api: {
    get_job_while_running: Throughput;
    bare_while_running: Throughput;
    job_status_after_load: string;
    get_job_idle: Throughput;
    bare_idle: Throughput;
  };
  post_latency: PostLatency;
  redis: RedisBytes;
  sync_latency?: SyncLatency;
  kill_recovery: { seconds_to_progress: number; processed_at_kill: number; completed: boolean };
  versions: Record<string, string>;
  machine: Record<string, string>;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function chartBars(r: Results): Bar[] {
  const bars: Bar[] = [
    { label: 'PostgreSQL: PgDocumentStore.insertDocuments', value: r.raw.pg_store_chunks_per_s, kind: 'raw' },
    { label: 'PostgreSQL: plain unnest INSERT', value: r.raw.pg_plain_unnest_chunks_per_s, kind: 'raw' },
    { label: 'Milvus: MilvusVectorStore.upsert', value: r.raw.milvus_upsert_chunks_per_s, kind: 'raw' },
    { label: 'Milvus: client.insert', value: r.raw.milvus_insert_chunks_per_s, kind: 'raw' },
    { label: 'Embedding stand-in via OpenAiEmbedder', value: r.raw.embed_stand_in_chunks_per_s, kind: 'raw' },
    ...r.end_to_end.map((e): Bar => ({ label: `Service end to end, ${fmt(e.chunks)} chunks`, value: e.chunks_per_s, kind: 'service' })),
    ...r.naive.map((n): Bar => ({ label: `Naive loop, ${fmt(n.chunks)} chunks`, value: n.chunks_per_s, kind: 'naive' })),
    ...(r.langchain?.runs ?? []).map((l): Bar => ({
      label: `LangChain.js index(), ${fmt(l.chunks)} chunks`,
      value: l.chunks_per_s,
      kind: 'langchain',
    })),
  ];
  if (r.local_model) {
    bars.push(
      { label: 'Local model alone (all-MiniLM-L6-v2)', value: r.local_model.raw.chunks_per_s, kind: 'local' },
      { label: 'Service end to end, local model, 1,000', value: r.local_model.end_to_end.chunks_per_s, kind: 'local' },
    );
  }
  return bars;
}

function langchainRows(r: Results): string[] {
  if (!r.langchain) return ['| LangChain.js index() | not run |'];
  const { sweep, runs, batch_size: best } = r.langchain;
  return [
    ...sweep.runs.map(
      (l) =>
        `| LangChain.js index(), batchSize ${l.batch_size}, ${fmt(l.chunks)} chunks (sweep) | ${fmt(l.chunks_per_s)} chunks/s (${l.seconds} s) |`,
    ),
    ...runs.map(
      (l) =>
        `| LangChain.js index(), batchSize ${best}, ${fmt(l.chunks)} chunks | ${fmt(l.chunks_per_s)} chunks/s (${l.seconds} s; Milvus holds ${fmt(l.vectors_in_milvus)} vectors) |`,
    ),
    `| Service ÷ LangChain.js index() at ${fmt(runs[runs.length - 1]!.chunks)} chunks | ${r.service_over_langchain}× |`,
  ];
}

function syncLatencyRows(s: SyncLatency): string[] {
  const job = `${fmt(s.job.documents)}-document job (${s.job.processing_throughout ? 'processing throughout' : `ended after ${s.job.processing_after_requests} of ${s.with_job.n} requests`}; ${s.job.final_status})`;
  return [
    `| POST /data/insert/batch, ${s.documents_per_request} documents × ${s.chunks_per_document} chunks, idle (${s.idle.n} sequential) | p50 ${s.idle.p50_ms} ms, p95 ${s.idle.p95_ms} ms, max ${s.idle.max_ms} ms |`,
    `| POST /data/insert/batch, same, while a ${job} | p50 ${s.with_job.p50_ms} ms, p95 ${s.with_job.p95_ms} ms, max ${s.with_job.max_ms} ms; ÷ idle ${s.p50_ratio} (p50), ${s.p95_ratio} (p95) |`,
  ];
}

const coresText = (cores: Record<string, number>) =>
  Object.entries(cores)
    .filter(([, c]) => c >= 0.01)
    .map(([name, c]) => `${name} ${c}`)
    .join(', ');

function localE5Rows(e: LocalE5Throughput & { at?: string }): string[] {
  const p = e.pipeline;
  const settings =
    `batch ${p.batch_size}, ${p.concurrency} in flight, micro-batches of ${p.batch_chunks} chunks, ${p.batches_in_flight} in flight` +
    (Object.keys(p.overrides).length
      ? `; ${Object.entries(p.overrides)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`
      : '');
  return [
    ...e.sweep.map(
      (a) =>
        `| local-e5 (${e.model}) alone: the e5 server called directly, batch ${a.batch_size}, ${a.concurrency} in flight, ${fmt(a.chunks)} chunks (sweep) | ${a.chunks_per_s} chunks/s (e5 server ${a.cores['e5 server'] ?? '?'} cores; load ${a.load_avg_1m}) |`,
    ),
    ...e.rounds.flatMap((round) => [
      `| local-e5 round ${round.round}: end to end, ${fmt(round.end_to_end.chunks)} chunks (worker: ${settings}) | ${round.end_to_end.chunks_per_s} chunks/s (worker's own ${round.end_to_end.worker_chunks_per_s}); e5 server ${round.end_to_end.e5_cpu_s_per_chunk} CPU-s per chunk; cores: ${coresText(round.end_to_end.cores)}; ${round.end_to_end.embedding_retries ?? 0} embedding retries; load ${round.end_to_end.load_avg_1m} |`,
      `| local-e5 round ${round.round}: model alone just before / after (batch ${e.best.batch_size}, ${e.best.concurrency} in flight, same texts) | ${round.alone_before.chunks_per_s} / ${round.alone_after.chunks_per_s} chunks/s (e5 server ${round.alone_before.e5_cpu_s_per_chunk} / ${round.alone_after.e5_cpu_s_per_chunk} CPU-s per chunk); end to end ÷ their mean = **${round.ratio}** |`,
    ]),
    `| local-e5 end to end ÷ model alone (median of ${e.rounds.length} rounds) | **${e.ratio_median}** (worker's own started→finished: ${e.worker_ratio_median}) |`,
  ];
}

const metric3 = (m: { recall_at_1: number; recall_at_5: number; mrr: number } | undefined) =>
  m ? `${m.recall_at_1.toFixed(2)} / ${m.recall_at_5.toFixed(2)} / ${m.mrr.toFixed(2)}` : '–';

function retrievalRows(results: QualityResult[]): string[] {
  return results.map(
    (q) =>
      `| Retrieval, set ${q.set}, ${q.model} (${q.option}): R@1 / R@5 / MRR through POST /search | Korean ${metric3(q.through_api.ko)}; ` +
      `English→Korean ${metric3(q.through_api['en-ko'])}; English ${metric3(q.through_api.en)}; ${q.chunks_per_s.eval_passages} chunks/s (embedder alone) |`,
  );
}

/** The target row: Korean recall@1 of the default option (local-e5) on every set. */
function koreanRecallTarget(results: QualityResult[] | undefined): string {
  const ofDefault = (results ?? []).filter((q) => q.option === 'local-e5' && q.through_api.ko);
  if (ofDefault.length === 0) return '| Korean recall@1 ≥ 0.9 with the default model | not measured in this run | **not measured** |';
  const measured = ofDefault.map((q) => `${q.through_api.ko!.recall_at_1.toFixed(2)} (${q.set})`).join(', ');
  return `| Korean recall@1 ≥ 0.9 with the default model (${ofDefault[0]!.model}) | ${measured} | ${verdict(ofDefault.every((q) => q.through_api.ko!.recall_at_1 >= 0.9))} |`;
}

function verdict(met: boolean): string {
  return met ? '**met**' : '**missed**';
}

export function buildReadme(r: Results): string {
  const largest = r.end_to_end[r.end_to_end.length - 1]!;
  const naive = r.naive[r.naive.length - 1]!;
  const getRatio = r.api.get_job_while_running.requests_per_s / r.api.bare_while_running.requests_per_s;
  const serial = 1 / (1 / r.raw.pg_store_chunks_per_s + 1 / r.raw.milvus_upsert_chunks_per_s + 1 / r.raw.embed_stand_in_chunks_per_s);
  const sizesRun = r.end_to_end.map((e) => fmt(e.chunks)).join(', ');
  const has100k = r.end_to_end.some((e) => e.chunks >= 100_000);
  const lines = [
    '# Benchmarks',
    '',
    `Measured by \`bench/run.ts\` (run ${r.run_id}, ${r.started_at} to ${r.finished_at}). All numbers below come from that one run on one`,
    'noisy 2-core machine; compare the ratios (measured side by side in the same run), not the absolute rates, with other machines.',
    'Raw numbers: [results.json](results.json).',
    '',
    '![throughput](throughput.svg)',
    '',
    '## Setup',
    '',
    '- Documents of 4 chunks of about 400 characters (English and Korean), 384-dimension vectors.',
    '- Embeddings: the stand-in fixed-vector OpenAI-compatible endpoint (`startStandInEmbeddingServer`, base64 responses), started in the',
    '  benchmark process; the service uses it through `EMBEDDING_PROVIDER=openai` (batch 128, concurrency 4, micro-batches of 512 chunks).',
    '- The API is the real Express app (`startInProcessApi`) in the benchmark process behind `listen(0)`; the worker is one real',
    '  `apps/worker` process (`spawnApp`), the way it is deployed. Database `nonstop_ingest_bench`, collection `bench_chunks`, a queue prefix and',
    '  account names unique to the run. `MAX_DOCUMENTS_PER_JOB=25000` so that 100k chunks fit in one job.',
    '- Raw stage limits: each stage alone on the same rows as the largest job, with batches in flight as the pipeline runs them',
    '  (PostgreSQL: 1,000 documents a transaction, 2 in flight; Milvus: 512 rows a call, 2 in flight; embedder: batch 128, concurrency 4).',
    '- LangChain.js (`bench/langchain.ts`, @langchain/core 1.4.0, @langchain/community 1.1.29, @langchain/openai 1.5.8): `index()` with',
    '  `PostgresRecordManager` (same database, schema `langchain_bench`), the community `Milvus` store (a collection per run, `autoId: false`,',
    "  the service's HNSW/COSINE index, created before the clock starts) and `OpenAIEmbeddings` on the same stand-in endpoint (batch 128,",
    '  4 in flight, base64). Same documents, one LangChain Document per chunk with account, bot, `content_name` (source id) and chunk index',
    "  as metadata. Cleanup mode none: like the service, it skips what is already indexed and deletes nothing. `index()`'s `batchSize` is",
    "  swept and the fastest used. After each run Milvus must hold exactly one vector per chunk under the record manager's keys.",
    '',
    '## Results',
    '',
    '| Measurement | Result |',
    '|---|---|',
    `| PostgreSQL, \`PgDocumentStore.insertDocuments\` (${fmt(r.raw.chunks)} chunks) | ${fmt(r.raw.pg_store_chunks_per_s)} chunks/s |`,
    `| PostgreSQL, plain unnest INSERT (no duplicate check) | ${fmt(r.raw.pg_plain_unnest_chunks_per_s)} chunks/s |`,
    `| Milvus, \`MilvusVectorStore.upsert\` (delete + insert) | ${fmt(r.raw.milvus_upsert_chunks_per_s)} chunks/s |`,
    `| Milvus, raw \`client.insert\` | ${fmt(r.raw.milvus_insert_chunks_per_s)} chunks/s |`,
    ...(r.milvus_batch_sizes ?? []).map(
      (m) =>
        `| Milvus, ${m.path === 'store_columns' ? "the store's columnar insert" : 'SDK `client.insert`'}, ${m.rows_per_call} rows a call, 1 in flight (${fmt(m.rows)} rows) | ${fmt(m.chunks_per_s)} chunks/s (${fmt(m.ms_per_call)} ms a call) |`,
    ),
    `| Embedding stand-in through \`OpenAiEmbedder\` | ${fmt(r.raw.embed_stand_in_chunks_per_s)} chunks/s |`,
    ...(r.audit
      ? [
          `| Consistency audit of one account, ${fmt(r.audit.chunks)} chunks, no drift (\`bench/audit-time.ts\`) | ${fmt(r.audit.clean.chunks_per_s)} chunks/s (${r.audit.clean.seconds} s, ${r.audit.clean.windows} windows) |`,
          `| Audit with \`--repair\`, ${fmt(r.audit.repair.missing)} missing and ${fmt(r.audit.repair.orphans)} orphan vectors among them | ${fmt(r.audit.repair.chunks_per_s)} chunks/s (${r.audit.repair.seconds} s; ${r.audit.repair.clean_after ? 'clean afterwards' : 'drift left'}) |`,
        ]
      : []),
    `| Slowest stage as the pipeline uses it | ${r.raw.slowest.stage}: ${fmt(r.raw.slowest.chunks_per_s)} chunks/s |`,
    ...r.end_to_end.map(
      (e) =>
        `| Service end to end, ${fmt(e.chunks)} chunks (${fmt(e.documents)} docs) | ${fmt(e.chunks_per_s)} chunks/s (${e.wall_seconds} s from POST to \`completed\`; worker's own started→finished ${e.worker_seconds} s = ${fmt(e.worker_chunks_per_s)} chunks/s) |`,
    ),
    `| Pipeline efficiency at ${fmt(largest.chunks)} chunks (end to end ÷ slowest stage) | ${r.efficiency} |`,
    `| The three stages back to back, no overlap (1 ÷ Σ 1/stage) | ${fmt(serial)} chunks/s; end to end ÷ this = ${(largest.chunks_per_s / serial).toFixed(2)} |`,
    ...(r.raw.cpu_ms_per_1k_chunks
      ? [
          `| Machine CPU per 1,000 chunks, each stage alone (all processes) | PostgreSQL ${fmt(r.raw.cpu_ms_per_1k_chunks.pg_store)} ms, embedding ${fmt(r.raw.cpu_ms_per_1k_chunks.embed_stand_in)} ms, Milvus ${fmt(r.raw.cpu_ms_per_1k_chunks.milvus_upsert)} ms |`,
          `| CPU bound of the three stages sharing ${CORES} cores (cores ÷ Σ CPU-seconds per chunk) | ${fmt(r.raw.cpu_bound_chunks_per_s)} chunks/s; end to end ÷ this = ${r.efficiency_vs_cpu_bound} |`,
          ...r.end_to_end.map(
            (e) =>
              `| Machine CPU during the end-to-end job, ${fmt(e.chunks)} chunks | ${fmt(e.cpu_ms_per_1k_chunks)} ms per 1,000 chunks; cores busy ${e.cores_busy} |`,
          ),
        ]
      : []),
    ...r.naive.map((n) => `| Naive loop, ${fmt(n.chunks)} chunks | ${fmt(n.chunks_per_s)} chunks/s (${n.seconds} s) |`),
    `| Service ÷ naive at ${fmt(naive.chunks)} chunks | ${r.service_over_naive}× |`,
    ...langchainRows(r),
    ...(r.local_model
      ? [
          `| Local model alone (all-MiniLM-L6-v2, batch ${r.local_model.raw.batch_size}, ${r.local_model.raw.threads} threads), 1,000 chunks | ${r.local_model.raw.chunks_per_s} chunks/s |`,
          `| Service end to end with the local model, 1,000 chunks | ${r.local_model.end_to_end.chunks_per_s} chunks/s (${r.local_model.end_to_end.wall_seconds} s); ÷ model alone = ${r.local_model.efficiency} |`,
        ]
      : ['| Local model | not run (`--skip-local-model`) |']),
    ...(r.local_e5 ? localE5Rows(r.local_e5) : ['| Local multilingual model (local-e5) | not run |']),
    ...(r.retrieval ? retrievalRows(r.retrieval) : ['| Retrieval quality | not run |']),
    `| POST /job/batch-insert of 1,000 documents (${r.post_latency.requests} sequential) | p50 ${r.post_latency.p50_ms} ms, p99 ${r.post_latency.p99_ms} ms |`,
    ...(r.sync_latency ? syncLatencyRows(r.sync_latency) : []),
    `| GET /job/{id} while a job runs (8 in flight, 5 s) | ${fmt(r.api.get_job_while_running.requests_per_s)} req/s, p50 ${r.api.get_job_while_running.p50_ms} ms, p99 ${r.api.get_job_while_running.p99_ms} ms |`,
    `| GET /bare (same process) while the job runs | ${fmt(r.api.bare_while_running.requests_per_s)} req/s, p50 ${r.api.bare_while_running.p50_ms} ms, p99 ${r.api.bare_while_running.p99_ms} ms |`,
    `| GET /job/{id} ÷ bare route, while a job runs | ${getRatio.toFixed(2)} |`,
    `| Idle: GET /job/{id} / GET /bare | ${fmt(r.api.get_job_idle.requests_per_s)} / ${fmt(r.api.bare_idle.requests_per_s)} req/s |`,
    `| Redis per queued job (${r.redis.jobs} jobs, no worker, MEMORY USAGE of ${r.redis.keys} keys) | ${fmt(r.redis.bytes_per_job)} bytes |`,
    `| kill -9 of the worker → job progressing again (new worker started at once) | ${r.kill_recovery.seconds_to_progress} s (job ${r.kill_recovery.completed ? 'completed' : 'did not complete'}) |`,
    '',
    '## Against the targets of the issue',
    '',
    '| Target | Measured | Verdict |',
    '|---|---|---|',
    `| Pipeline efficiency ≥ 0.8 at 100k chunks | ${r.efficiency} at ${fmt(largest.chunks)} chunks | ${has100k ? verdict(r.efficiency >= 0.8) : 'not measured at 100k'} |`,
    `| ≥ 10× the naive loop | ${r.service_over_naive}× at ${fmt(naive.chunks)} chunks | ${verdict(r.service_over_naive >= 10)} |`,
    `| GET /job/{id} ≥ half the bare route's req/s while a job runs | ${getRatio.toFixed(2)} | ${verdict(getRatio >= 0.5)} |`,
    `| ≤ 2 KB of Redis per queued job | ${fmt(r.redis.bytes_per_job)} bytes | ${verdict(r.redis.bytes_per_job <= 2048)} |`,
    `| Progress within 15 s of kill -9 | ${r.kill_recovery.seconds_to_progress} s | ${verdict(r.kill_recovery.seconds_to_progress <= 15)} |`,
    r.langchain
      ? `| ≥ 3× LangChain.js index() | ${r.service_over_langchain}× at ${fmt(r.langchain.runs[r.langchain.runs.length - 1]!.chunks)} chunks (${r.service_over_langchain_at_1k ?? '–'}× at 1,000) | ${verdict((r.service_over_langchain ?? 0) >= 3)} |`
      : '| ≥ 3× LangChain.js index() | not measured in this run | **not measured** |',
    r.local_e5
      ? `| local-e5 end to end ≥ 0.9 of the model alone | ${r.local_e5.ratio_median} (median of ${r.local_e5.rounds.length} interleaved rounds; worker's own time ${r.local_e5.worker_ratio_median}) | ${verdict(r.local_e5.ratio_median >= 0.9)} |`
      : '| local-e5 end to end ≥ 0.9 of the model alone | not measured in this run | **not measured** |',
    koreanRecallTarget(r.retrieval),
    '',
    keptFindings(),
    '',
    '## Machine and versions',
    '',
    `- CPU: ${r.machine.cpu_model}; \`nproc\`: ${r.machine.nproc}; ${r.machine.kernel}`,
    `- Node ${r.versions.node}; PostgreSQL ${r.versions.postgresql}; Milvus ${r.versions.milvus} (standalone; SDK @zilliz/milvus2-sdk-node ${r.versions.milvus_sdk}); Redis ${r.versions.redis ?? '(version not recorded)'} (port 6390)`,
    '',
    '```',
    '$ free -g',
    r.machine.free_g,
    '```',
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm ci',
    'npm run services:up        # PostgreSQL :5432, Redis :6390, Milvus :19530',
    `node --import tsx bench/run.ts --sizes ${r.sizes.join(',')}${r.local_model ? '' : ' --skip-local-model'}`,
    '# or: npm run bench -- --sizes 1000,10000',
    '```',
    '',
    'Override the service addresses with `BENCH_DATABASE_URL`, `BENCH_REDIS_URL`, `BENCH_MILVUS_ADDRESS`. The code: one file per',
    'measurement under `bench/` (`raw-stages.ts`, `end-to-end.ts`, `naive.ts`, `local-model.ts`, `local-e5-throughput.ts`, `api-latency.ts`, `redis-bytes.ts`,',
    '`kill-recovery.ts`, `milvus-batch-size.ts`, `langchain.ts`, `sync-latency.ts`, `retrieval-quality.ts`), the runner `run.ts`, and `readme.ts` / `report.ts` that write this page,',
    '`results.json` and the chart. `node --import tsx bench/render.ts` rewrites this page and the chart from `results.json`;',
    '`node --import tsx bench/milvus-batch-size.ts` runs the rows-per-call sweep alone and adds it to `results.json`.',
    '`node --import tsx bench/cpu-by-process.ts 100000` splits the CPU of one end-to-end job by process (Milvus, worker, PostgreSQL, ...).',
    '`npm run bench:local-model` (`bench/local-e5-throughput.ts --save`) runs the local-e5 step alone and adds it to `results.json`.',
    '`node --import tsx bench/sync-latency.ts` measures `POST /data/insert/batch` idle and beside a large job on an API and worker of its own.',
    '',
    `Sizes run: ${sizesRun} chunks.`,
    '',
  ];
  return lines.join('\n');
}

/** The hand-written findings of the committed run, kept when the page is generated again. */
function keptFindings(): string {
  const file = path.resolve(__dirname, '../docs/benchmarks/README.md');
  const found = existsSync(file) ? /<!-- findings -->[\s\S]*?<!-- \/findings -->/.exec(readFileSync(file, 'utf8')) : null;
  return found ? found[0] : '<!-- findings -->\n<!-- /findings -->';
}
