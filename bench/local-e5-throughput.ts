/**
 * The default multilingual model (EMBEDDING_PROVIDER=local-e5) end to end
 * against the model alone, on the same texts, in one run (issue 12: end to
 * end at least 0.9 of the model alone).
 *
 *   node --import tsx bench/local-e5-throughput.ts [--chunks 256] [--rounds 3]
 *        [--sweep-chunks 128] [--sweep 16x1,16x2,32x2,64x2] [--base-url http://127.0.0.1:8390/v1] [--env KEY=VALUE ...]
 *        [--json FILE] [--save]
 *   (`npm run bench:local-model` = with --save: adds it to docs/benchmarks/results.json and renders the page;
 *   `npm run bench` runs it as step 4b, 256 chunks, 3 rounds)
 *
 * Model alone: the e5 server called directly (POST /v1/embeddings, passages,
 * base64, no client of ours), the texts cut into batches as the worker sends
 * them. A sweep over batch sizes and requests in flight picks the server's
 * best; that is the figure end to end is held against.
 * End to end: a job of the same texts through the real API (in this process)
 * and one worker process with EMBEDDING_PROVIDER=local-e5 and its presets,
 * from the POST to the poll that sees `completed`.
 * The two alternate (alone, end to end, alone, ...) so that both see the same
 * load from whatever else runs on the machine; each round's ratio is end to
 * end over the mean of the model-alone runs just before and after it. The CPU
 * each process used during each measurement shows whether the model process
 * got the cores (e5 server, worker, API, Milvus, PostgreSQL).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrate } from '@nonstop/storage';
import { account, batches, configOf, DATABASE_URL, inFlight, makeDocs, MILVUS_ADDRESS, REDIS_URL, round, row, RUN_ID } from './common';
import type { E5AloneRun, E5EndToEndRun, E5Round, LocalE5Throughput } from './local-e5-results';
import { coresByLabel, cpuByLabel, cpuTimed } from './machine-cpu';
import { buildReadme, chartBars, type Results } from './readme';
import { barChartSvg, OUT_DIR, writeOutputs } from './report';
import { postJob, startApi, startWorker, stopApp, waitForFinal, type ServiceUnderTest } from './service';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The pid of the e5 server listening on `port` (its command line names the port), if it runs on this machine. */
function e5ServerPid(port: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (cmdline.includes('e5_server.py') && new RegExp(`--port ${port}(\\s|$)`).test(cmdline)) return Number(entry);
  }
  return undefined;
}

/** Labels processes for the CPU split: the model server, our worker, this process (the API), the stores. */
function processLabeler(e5Pid: number | undefined, workerPid: () => number | undefined) {
  return (pid: number, comm: string): string => {
    if (pid === e5Pid) return 'e5 server';
    if (pid === process.pid) return 'API (bench process)';
    if (pid === workerPid()) return 'worker';
    if (comm === 'milvus') return 'Milvus';
    if (comm === 'postgres') return 'PostgreSQL';
    if (comm.startsWith('redis-server')) return 'Redis';
    return 'other';
  };
}

/** One POST /v1/embeddings straight to the server, as the pipeline's client sends it. */
async function embedDirect(url: string, model: string, texts: string[]): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: texts, input_type: 'passage', encoding_format: 'base64' }),
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`e5 server -> ${response.status} ${body.slice(0, 300)}`);
  const count = (JSON.parse(body) as { data: unknown[] }).data.length;
  if (count !== texts.length) throw new Error(`e5 server returned ${count} vectors for ${texts.length} texts`);
}

async function measureAlone(
  url: string,
  model: string,
  texts: string[],
  batchSize: number,
  concurrency: number,
  label: (pid: number, comm: string) => string,
): Promise<E5AloneRun> {
  const before = cpuByLabel(label);
  const run = await cpuTimed(() => inFlight(batches(texts, batchSize), concurrency, (batch) => embedDirect(url, model, batch)));
  const cores = coresByLabel(before, cpuByLabel(label), run.seconds);
  const result: E5AloneRun = {
    batch_size: batchSize,
    concurrency,
    chunks: texts.length,
    seconds: round(run.seconds, 2),
    chunks_per_s: round(texts.length / run.seconds, 2),
    cores,
    e5_cpu_s_per_chunk: round(((cores['e5 server'] ?? NaN) * run.seconds) / texts.length, 3),
    load_avg_1m: round(loadavg()[0]!, 2),
  };
  row(
    `e5 alone, batch ${batchSize}, ${concurrency} in flight (${texts.length} chunks)`,
    `${result.chunks_per_s} ch/s`,
    `e5 server ${cores['e5 server'] ?? '?'} cores; load ${result.load_avg_1m}`,
  );
  return result;
}

const retriesIn = (output: string) => output.split('Embedding request failed; retrying').length - 1;

async function measureJob(
  service: ServiceUnderTest,
  workerOutput: () => string,
  docs: ReturnType<typeof makeDocs>,
  label: (pid: number, comm: string) => string,
): Promise<E5EndToEndRun> {
  const chunks = docs.reduce((n, d) => n + d.chunks.length, 0);
  const retriesBefore = retriesIn(workerOutput());
  let jobId = '';
  const before = cpuByLabel(label);
  const run = await cpuTimed(async () => {
    jobId = await postJob(service.base, account('e5'), docs);
    const job = await waitForFinal(service.base, jobId, 60 * 60_000, 100);
    if (job.status !== 'completed' || job.progress.success_count !== docs.length)
      throw new Error(`job ${jobId} ended ${job.status} ${JSON.stringify(job.progress)}`);
  });
  const cores = coresByLabel(before, cpuByLabel(label), run.seconds);
  const timing = await service.api.runtime.pool.query<{ s: number }>(
    'SELECT extract(epoch FROM finished_at - started_at)::float8 AS s FROM ingest_jobs WHERE id = $1',
    [jobId],
  );
  const workerSeconds = timing.rows[0]!.s;
  const result: E5EndToEndRun = {
    chunks,
    documents: docs.length,
    wall_seconds: round(run.seconds, 2),
    chunks_per_s: round(chunks / run.seconds, 2),
    worker_seconds: round(workerSeconds, 2),
    worker_chunks_per_s: round(chunks / workerSeconds, 2),
    cores,
    e5_cpu_s_per_chunk: round(((cores['e5 server'] ?? NaN) * run.seconds) / chunks, 3),
    embedding_retries: retriesIn(workerOutput()) - retriesBefore,
    load_avg_1m: round(loadavg()[0]!, 2),
  };
  row(
    `e5 end to end (${chunks} chunks, ${docs.length} docs)`,
    `${result.chunks_per_s} ch/s`,
    `worker ${result.worker_chunks_per_s} ch/s; e5 server ${cores['e5 server'] ?? '?'} cores, worker ${cores.worker ?? 0}, API ${cores['API (bench process)'] ?? 0}, Milvus ${cores.Milvus ?? 0}; ${result.embedding_retries} embedding retries; load ${result.load_avg_1m}`,
  );
  return result;
}

/** [batch size, requests in flight] pairs the model-alone sweep tries. */
const DEFAULT_SWEEP: Array<[number, number]> = [
  [16, 1],
  [16, 2],
  [32, 2],
  [64, 2],
];

export interface LocalE5Options {
  sweep?: Array<[number, number]>;
  chunks: number;
  rounds: number;
  sweepChunks: number;
  /** The e5 server to measure; default the one local-e5 presets (services-up's). */
  baseUrl?: string;
  /** Extra settings for the API and worker (EMBEDDING_BATCH_SIZE=..., PIPELINE_BATCH_CHUNKS=...). */
  overrides?: Record<string, string>;
}

export async function measureLocalE5Throughput(options: LocalE5Options): Promise<LocalE5Throughput> {
  const overrides = options.overrides ?? {};
  const env: Record<string, string> = {
    DATABASE_URL,
    REDIS_URL,
    MILVUS_ADDRESS,
    MILVUS_COLLECTION: 'bench_chunks_e5',
    EMBEDDING_PROVIDER: 'local-e5',
    MAX_DOCUMENTS_PER_JOB: '25000',
    QUEUE_PREFIX: `bench-${RUN_ID}-e5`,
    LOG_LEVEL: 'warn',
    ...(options.baseUrl ? { EMBEDDING_BASE_URL: options.baseUrl } : {}),
    ...overrides,
  };
  const config = configOf(env);
  const embedding = config.embedding;
  const url = `${embedding.baseUrl!.replace(/\/+$/, '')}/embeddings`;
  const e5Pid = e5ServerPid(new URL(embedding.baseUrl!).port);
  const pipeline = {
    batch_size: embedding.batchSize,
    concurrency: embedding.concurrency,
    batch_chunks: config.worker.pipelineBatchChunks,
    batches_in_flight: config.worker.pipelineBatchesInFlight,
    overrides,
  };
  console.log(
    `local-e5 throughput, run ${RUN_ID}: ${url} (e5 server pid ${e5Pid ?? 'not found'}); worker: batch ${pipeline.batch_size}, ` +
      `${pipeline.concurrency} in flight, micro-batches of ${pipeline.batch_chunks} chunks, ${pipeline.batches_in_flight} in flight`,
  );

  // Started after the sweep; the labeler asks for its pid each time.
  const started: { worker?: Awaited<ReturnType<typeof startWorker>> } = {};
  const label = processLabeler(e5Pid, () => started.worker?.child.pid);
  const textsOf = (docs: ReturnType<typeof makeDocs>) => docs.flatMap((d) => d.chunks.map((c) => c.text));

  // The server's best way of being called: batch sizes x requests in flight.
  const sweepTexts = textsOf(makeDocs(options.sweepChunks, `e5-sweep-${RUN_ID}`));
  await embedDirect(url, embedding.model, sweepTexts.slice(0, 4)); // warm-up
  const sweep: E5AloneRun[] = [];
  for (const [batchSize, concurrency] of options.sweep ?? DEFAULT_SWEEP) {
    sweep.push(await measureAlone(url, embedding.model, sweepTexts, batchSize, concurrency, label));
  }
  const fastest = sweep.reduce((a, b) => (b.chunks_per_s > a.chunks_per_s ? b : a));
  const best = { batch_size: fastest.batch_size, concurrency: fastest.concurrency };

  const service = await startApi(env);
  const worker = await startWorker(env);
  started.worker = worker;
  const workerOutput = () => worker?.output() ?? '';
  const rounds: E5Round[] = [];
  try {
    // A small job first, so that the first measured one pays no start-up (collection load, connections).
    await measureJob(service, workerOutput, makeDocs(16, `e5-warm-${RUN_ID}`), label);
    let docs = makeDocs(options.chunks, `e5-${RUN_ID}-r0`);
    let aloneBefore = await measureAlone(url, embedding.model, textsOf(docs), best.batch_size, best.concurrency, label);
    for (let r = 1; r <= options.rounds; r += 1) {
      const e2e = await measureJob(service, workerOutput, docs, label);
      // The next round's texts (same lengths, another label: the job above stored these).
      docs = makeDocs(options.chunks, `e5-${RUN_ID}-r${r}`);
      const aloneAfter = await measureAlone(url, embedding.model, textsOf(docs), best.batch_size, best.concurrency, label);
      const alone = (aloneBefore.chunks_per_s + aloneAfter.chunks_per_s) / 2;
      rounds.push({
        round: r,
        end_to_end: e2e,
        alone_before: aloneBefore,
        alone_after: aloneAfter,
        ratio: round(e2e.chunks_per_s / alone, 3),
        worker_ratio: round(e2e.worker_chunks_per_s / alone, 3),
      });
      row(
        `round ${r}: end to end / model alone`,
        `${round(e2e.chunks_per_s / alone, 3)}`,
        `worker's own time: ${round(e2e.worker_chunks_per_s / alone, 3)}`,
      );
      aloneBefore = aloneAfter;
    }
  } finally {
    await stopApp(worker, 'SIGTERM');
    await service.close();
  }
  const result: LocalE5Throughput = {
    model: embedding.model,
    base_url: embedding.baseUrl!,
    chunk_chars: 400,
    pipeline,
    sweep,
    best,
    rounds,
    ratio_median: round(median(rounds.map((r) => r.ratio)), 3),
    worker_ratio_median: round(median(rounds.map((r) => r.worker_ratio)), 3),
  };
  row(
    `local-e5 end to end / model alone (median of ${rounds.length})`,
    `${result.ratio_median}`,
    `worker's own time: ${result.worker_ratio_median}`,
  );
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      chunks: { type: 'string', default: '256' },
      rounds: { type: 'string', default: '3' },
      'sweep-chunks': { type: 'string', default: '128' },
      'base-url': { type: 'string' },
      sweep: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      json: { type: 'string' },
      save: { type: 'boolean', default: false },
    },
  });
  const overrides = Object.fromEntries(
    values.env.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`--env wants KEY=VALUE, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  await migrate(DATABASE_URL);
  const result = await measureLocalE5Throughput({
    chunks: Number(values.chunks),
    rounds: Number(values.rounds),
    sweepChunks: Number(values['sweep-chunks']),
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    overrides,
    ...(values.sweep ? { sweep: values.sweep.split(',').map((pair) => pair.split('x').map(Number) as [number, number]) } : {}),
  });
  const at = new Date().toISOString();
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ run_id: RUN_ID, at, ...result }, null, 2)}\n`);
  if (values.save) {
    // Into the committed report: results.json's local_e5, then the page rendered again (findings kept).
    const file = path.join(OUT_DIR, 'results.json');
    const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
    results.local_e5 = { ...result, at };
    writeOutputs(
      results,
      buildReadme(results),
      barChartSvg('Nonstop Ingest throughput (384 dims, stand-in embeddings)', chartBars(results)),
    );
    console.log(`added local_e5 to ${file} and rendered docs/benchmarks/README.md`);
  }
  process.exit(0);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
