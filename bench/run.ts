/**
 * The benchmark runner: `node --import tsx bench/run.ts [--sizes 1000,10000,100000] [--skip-local-model]`.
 * Prints a table as it goes; writes docs/benchmarks/{results.json,README.md,throughput.svg}.
 * Needs the services running (npm run services:up): PostgreSQL, our Redis, Milvus.
 */
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import IORedis from 'ioredis';
import { migrate } from '@nonstop/storage';
import { startStandInEmbeddingServer } from '../packages/embeddings/src/testing/stand-in-embedding-server';
import { loadUrl, measurePostLatency } from './api-latency';
import {
  DATABASE_URL,
  REDIS_URL,
  DIMENSION,
  localEnv,
  MILVUS_ADDRESS,
  round,
  row,
  RUN_ID,
  sleep,
  standInEnv,
  account,
  makeDocs,
} from './common';
import { measureAuditTime } from './audit-time';
import { measureEndToEnd, type EndToEnd } from './end-to-end';
import { measureKillRecovery } from './kill-recovery';
import { measureLangChain, sweepLangChainBatchSize, type LangChainRun } from './langchain';
import { measureLocalE5Throughput } from './local-e5-throughput';
import { measureLocalModelRaw } from './local-model';
import { measureMilvusBatchSizes } from './milvus-batch-size';
import { measureNaive } from './naive';
import { measureRawStages } from './raw-stages';
import { buildReadme, chartBars } from './readme';
import { measureRedisBytes } from './redis-bytes';
import { measureRetrievalQuality } from './retrieval-quality';
import { barChartSvg, machine, writeOutputs } from './report';
import { getJob, postJob, startApi, startWorker, stopApp, waitForFinal } from './service';
import { measureSyncLatency, syncLatencyTable } from './sync-latency';

function parseArgs(argv: string[]): { sizes: number[]; skipLocal: boolean } {
  const i = argv.indexOf('--sizes');
  const sizes = i >= 0 ? argv[i + 1]!.split(',').map(Number) : [1000, 10_000, 100_000];
  return { sizes, skipLocal: argv.includes('--skip-local-model') };
}

async function main(): Promise<void> {
  const { sizes, skipLocal } = parseArgs(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  console.log(`bench run ${RUN_ID}: sizes ${sizes.join(', ')} chunks, ${DIMENSION} dims${skipLocal ? ', local model skipped' : ''}\n`);
  await migrate(DATABASE_URL);
  const standIn = await startStandInEmbeddingServer({ dimension: DIMENSION });
  const env = standInEnv(standIn.url);
  const results: Record<string, unknown> = { run_id: RUN_ID, started_at: startedAt, sizes, dimension: DIMENSION, chunks_per_document: 4 };

  const service = await startApi(env); // creates the bench_chunks collection
  let worker = await startWorker(env);
  try {
    // 1. each stage alone, on rows like the largest job's
    const raw = await measureRawStages(Math.max(...sizes), standIn.url);
    results.raw = raw;
    results.milvus_batch_sizes = await measureMilvusBatchSizes();
    // 1b. the consistency audit of one account of 100k chunks, clean and with --repair (bench/audit-time.ts)
    results.audit = await measureAuditTime();

    // 2. the service end to end, one worker process
    const e2e: EndToEnd[] = [];
    for (const size of sizes) e2e.push(await measureEndToEnd(service, size));
    results.end_to_end = e2e;
    const largest = e2e[e2e.length - 1]!;
    results.efficiency = round(largest.chunks_per_s / raw.slowest.chunks_per_s, 3);
    row(`pipeline efficiency at ${largest.chunks} chunks (e2e / slowest stage)`, `${results.efficiency}`, `slowest: ${raw.slowest.stage}`);
    results.efficiency_vs_cpu_bound = round(largest.chunks_per_s / raw.cpu_bound_chunks_per_s, 3);
    row(
      `e2e / CPU bound (${raw.cpu_bound_chunks_per_s} ch/s: cores / CPU-s per chunk of the stages)`,
      `${results.efficiency_vs_cpu_bound}`,
      `cores busy ${largest.cores_busy}`,
    );

    // 5. GET /job/{id} and a bare route while a large job runs
    const loadJob = await postJob(service.base, account('load'), makeDocs(80_000, 'load'));
    while ((await getJob(service.base, loadJob)).status !== 'processing') await sleep(50);
    const getLoaded = await loadUrl(`${service.base}/job/${loadJob}`);
    const bareLoaded = await loadUrl(`${service.base}/bare`);
    const loadStatus = (await getJob(service.base, loadJob)).status;
    row(
      'GET /job/{id} while a job runs (8 in flight, 5 s)',
      `${getLoaded.requests_per_s} req/s`,
      `p50 ${getLoaded.p50_ms} ms, p99 ${getLoaded.p99_ms} ms`,
    );
    row(
      'GET /bare (same process) while the job runs',
      `${bareLoaded.requests_per_s} req/s`,
      `p50 ${bareLoaded.p50_ms} ms, p99 ${bareLoaded.p99_ms} ms; job still ${loadStatus}`,
    );
    await waitForFinal(service.base, loadJob, 30 * 60_000);
    const bareIdle = await loadUrl(`${service.base}/bare`);
    const getIdle = await loadUrl(`${service.base}/job/${loadJob}`);
    row('GET /job/{id} idle / GET /bare idle', `${getIdle.requests_per_s} / ${bareIdle.requests_per_s}`, 'req/s');
    results.api = {
      get_job_while_running: getLoaded,
      bare_while_running: bareLoaded,
      job_status_after_load: loadStatus,
      get_job_idle: getIdle,
      bare_idle: bareIdle,
    };

    // 5b. POST /data/insert/batch (5 documents) idle and while a 5,000-document job runs
    const syncLatency = await measureSyncLatency(service.base);
    console.log(syncLatencyTable(syncLatency));
    results.sync_latency = syncLatency;

    // 7. kill -9 of the worker mid-job
    const kill = await measureKillRecovery(service, worker, env);
    worker = kill.worker;
    results.kill_recovery = {
      seconds_to_progress: kill.seconds_to_progress,
      processed_at_kill: kill.processed_at_kill,
      completed: kill.completed,
    };

    // 3. the naive loop
    const naive = [await measureNaive(1000, standIn.url)];
    if (naive[0]!.seconds * 10 < 180 && sizes.includes(10_000)) naive.push(await measureNaive(10_000, standIn.url));
    results.naive = naive;
    const serviceAt1k = e2e.find((e) => e.chunks === 1000);
    const compare = naive[naive.length - 1]!;
    const serviceSame = e2e.find((e) => e.chunks === compare.chunks) ?? largest;
    results.service_over_naive = round(serviceSame.chunks_per_s / compare.chunks_per_s, 1);
    results.service_over_naive_at_1k = serviceAt1k ? round(serviceAt1k.chunks_per_s / naive[0]!.chunks_per_s, 1) : null;
    row(`service / naive at ${compare.chunks} chunks`, `${results.service_over_naive}x`);

    // 3b. LangChain.js index() with its best batch size, at 1k and 10k chunks
    const sweep = await sweepLangChainBatchSize(standIn.url);
    const lcRuns: LangChainRun[] = [];
    for (const n of sizes.includes(10_000) ? [1000, 10_000] : [1000])
      lcRuns.push(await measureLangChain(n, standIn.url, sweep.best.batch_size));
    const lcLast = lcRuns[lcRuns.length - 1]!;
    const serviceVsLc = e2e.find((e) => e.chunks === lcLast.chunks) ?? largest;
    results.langchain = {
      batch_size: sweep.best.batch_size,
      cleanup: lcLast.cleanup,
      sweep: { chunks: sweep.chunks, runs: sweep.runs },
      runs: lcRuns,
    };
    results.service_over_langchain = round(serviceVsLc.chunks_per_s / lcLast.chunks_per_s, 1);
    results.service_over_langchain_at_1k = serviceAt1k ? round(serviceAt1k.chunks_per_s / lcRuns[0]!.chunks_per_s, 1) : null;
    row(
      `service / LangChain.js index() at ${lcLast.chunks} chunks`,
      `${results.service_over_langchain}x`,
      `batchSize ${sweep.best.batch_size}`,
    );
  } finally {
    await stopApp(worker, 'SIGTERM');
    await service.close();
  }

  // 4. the real local model
  if (!skipLocal) {
    const lraw = await measureLocalModelRaw(1000);
    const lenv = localEnv();
    const local = await startApi(lenv);
    const lworker = await startWorker(lenv);
    try {
      const le2e = await measureEndToEnd(local, 1000, 'local');
      results.local_model = { raw: lraw, end_to_end: le2e, efficiency: round(le2e.chunks_per_s / lraw.chunks_per_s, 3) };
    } finally {
      await stopApp(lworker, 'SIGTERM');
      await local.close();
    }
    // 4b. the default multilingual model (local-e5): end to end against the e5 server alone, interleaved
    results.local_e5 = await measureLocalE5Throughput({ chunks: 256, rounds: 3, sweepChunks: 128 });
    // 4c. retrieval quality of each local model option through POST /search (bench/retrieval-quality.ts)
    results.retrieval = await measureRetrievalQuality();
  }

  // 6 and 5. Redis bytes per queued job and POST latency, in a fresh prefix with no worker
  const idleEnv = standInEnv(standIn.url, { QUEUE_PREFIX: `bench-${RUN_ID}-idle` });
  const idle = await startApi(idleEnv);
  try {
    results.redis = await measureRedisBytes(idle.base, idle.api.redis, idleEnv.QUEUE_PREFIX!);
    results.post_latency = await measurePostLatency(idle.base);
  } finally {
    // Nobody will run these jobs: cancel them in PostgreSQL (so no worker's recovery picks them up) and drop the queue.
    await idle.api.runtime.pool.query(
      `UPDATE ingest_jobs SET status = 'cancelled', finished_at = now() WHERE status IN ('pending', 'processing') AND account_name LIKE $1`,
      [`bench_${RUN_ID}_%`],
    );
    await idle.api.queue.obliterate({ force: true });
    await idle.close();
    await standIn.close();
  }

  const pg = await (async () => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    const v = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    await client.end();
    return v;
  })();
  const milvus = new MilvusClient({ address: MILVUS_ADDRESS, logLevel: 'error' });
  const milvusVersion = await milvus.getVersion().then(
    (r) => r.version,
    () => 'unknown',
  );
  milvus.closeConnection();
  const redis = new IORedis(REDIS_URL);
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  redis.disconnect();
  results.versions = { node: process.version, postgresql: pg, milvus: milvusVersion, milvus_sdk: '2.3.5', redis: redisVersion };
  results.machine = machine();
  results.finished_at = new Date().toISOString();
  writeOutputs(
    results,
    buildReadme(results as never),
    barChartSvg('Nonstop Ingest throughput (384 dims, stand-in embeddings)', chartBars(results as never)),
  );
  console.log('\nwrote docs/benchmarks/results.json, README.md, throughput.svg');
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
