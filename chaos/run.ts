/**
 * The chaos suite (issue 6): `npm run chaos [-- --flag value]`, flags in options.ts.
 * Starts its own Redis, Milvus, database, embedding endpoint, API and workers;
 * submits a large job and small ones through the HTTP API; kills and cuts
 * while they run; then checks every store and prints (and writes) the report.
 * Exit 0 only if every check passed. Needs PostgreSQL on 127.0.0.1:5432 and
 * Milvus installed in .venv (npm run services:up does both).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { ApiClient } from './api-client';
import type { CheckRow } from './check-row';
import { killApiDuringPost, killLoop, outageLoop, type DisruptionContext } from './disruptions';
import { makeDocuments } from './documents';
import { checkEmbeddings } from './embedding-checks';
import { EventLog } from './event-log';
import { checkJobs, type SubmittedJob } from './job-checks';
import { JobMonitor } from './job-monitor';
import { sleep } from './loopback';
import { milvusDuplicateSelfTest } from './milvus-self-test';
import { parseOptions } from './options';
import { CHECK_HEADER, checkTable, EVENT_HEADER, eventTable, printTable, writeReport } from './report';
import { checkMilvus, checkPostgres, type ExpectedDocument } from './store-checks';
import { ChaosStack } from './stack';

const options = parseOptions(process.argv.slice(2));
const runId = randomUUID().slice(0, 8);
const runStart = Date.now();
const deadline = runStart + options.deadlineMinutes * 60_000;
const stack = new ChaosStack(options, runId);
const say = (line: string) => console.log(`[${String(Math.round((Date.now() - runStart) / 1000)).padStart(4)} s] ${line}`);
const accountName = `chaos_${runId}`;
const SMALL_JOBS = [40, 120, 80, 200, 60];

let finished = false;
async function abort(reason: string, code: number): Promise<never> {
  if (!finished) {
    finished = true;
    console.error(`\nchaos run aborted: ${reason}\nstopping everything it started (logs stay in ${stack.tempDir})`);
    await stack.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void abort('interrupted (SIGINT)', 130));
process.on('SIGTERM', () => void abort('terminated (SIGTERM)', 143));
process.on('exit', () => stack.killNow());
// Monitors still polling while everything stops must not turn an orderly stop into a crash.
process.on('unhandledRejection', (error) => { if (!finished) void abort(`unhandled: ${String(error)}`, 1); });
const deadlineTimer = setTimeout(() => void abort(`the global deadline of ${options.deadlineMinutes} min passed`, 1), deadline - Date.now());

async function main(): Promise<void> {
  say(`chaos run ${runId}: ${options.documents} documents x ${options.chunksPerDocument} chunks + ${SMALL_JOBS.length + 1} small jobs, ${options.workers} workers, deadline ${options.deadlineMinutes} min`);
  await stack.start(say);
  const api = new ApiClient(stack.apiBase, () => deadline);
  const monitor = new JobMonitor(stack.pool, accountName);
  const events = new EventLog();
  const jobs: SubmittedJob[] = [];
  const submit = async (label: string, kind: SubmittedJob['kind'], documents: SubmittedJob['documents'], killApiMidPost = false) => {
    const posting = api.submitJob(accountName, documents, `chaos-${runId}-${label}`);
    if (killApiMidPost) await killApiDuringPost(ctx, label);
    const id = await posting;
    jobs.push({ id, label, kind, documents });
    say(`submitted ${label}: ${documents.length} documents, job ${id}`);
    return id;
  };

  let over = false;
  const large = makeDocuments('large', options.documents, options.chunksPerDocument);
  const ctx: DisruptionContext = {
    options, fleet: stack.fleet, redis: stack.redis, milvus: stack.milvus, pgProxy: stack.pgProxy, monitor, events, largeJobId: '',
    queuePrefix: stack.queuePrefix, over: () => over || monitor.final(ctx.largeJobId), say,
  };
  const largeJobId = await submit('large', 'large', large);
  ctx.largeJobId = largeJobId;
  // The same documents as the large job's last 30: whichever job stores one first wins, the other reports "already exists".
  await submit('overlap', 'overlap', large.slice(-30));
  const allSubmitted = (async () => {
    for (const [i, count] of SMALL_JOBS.entries()) {
      if (i > 1) await sleep(30_000);
      // One POST has the API killed under it: the retry with the same Idempotency-Key must not make a second job.
      await submit(`small-${i + 1}`, 'small', makeDocuments(`small-${i + 1}`, count, options.chunksPerDocument), i === 3);
    }
  })();

  const allFinal = () => jobs.length === SMALL_JOBS.length + 2 && jobs.every((job) => monitor.final(job.id));
  const ticker = setInterval(() => { monitor.refresh().catch(() => undefined); }, 1_000);
  const printer = setInterval(() => say(progressLine(monitor, largeJobId, jobs, events, stack)), 5_000);
  while (!monitor.state(largeJobId)?.processed) await sleep(200);
  const disruptions = Promise.all([killLoop(ctx), outageLoop(ctx)]);
  await allSubmitted;
  while (!allFinal()) await sleep(500);
  over = true;
  await disruptions;
  clearInterval(printer);
  clearInterval(ticker);
  say(progressLine(monitor, largeJobId, jobs, events, stack));
  say('every job has ended; checking');

  await stack.fleet.waitReady('api', 120_000);
  const checks = await runChecks(api, jobs, events, largeJobId);
  clearTimeout(deadlineTimer);
  finished = true;
  const durationS = Math.round((Date.now() - runStart) / 1000);
  const figures = figuresOf(events, jobs, checks.figures, durationS, api.unanswered);
  console.log('\nEVENTS');
  printTable(EVENT_HEADER, eventTable(events.events, runStart));
  console.log('\nFIGURES');
  printTable(['figure', 'value'], figures);
  if (stack.fleet.crashes.length > 0) {
    console.log('\nPROCESSES THAT EXITED ON THEIR OWN (restarted after 2 s)');
    for (const crash of stack.fleet.crashes) {
      console.log(`${((crash.at - runStart) / 1000).toFixed(1)} s ${crash.name} ${crash.running ? 'WHILE RUNNING' : 'at start-up'}: ${crash.lastLines.replace(/\s+/g, ' ').slice(0, 200)}`);
    }
  }
  console.log('\nCHECKS');
  printTable(CHECK_HEADER, checkTable(checks.rows));
  const passed = checks.rows.every((row) => row.ok);
  if (options.writeReport) {
    const dir = writeReport({ startedAt: new Date(runStart).toISOString(), durationS, options: { ...options }, figures, events: events.events, checks: checks.rows, passed }, runStart);
    console.log(`\nreport written to ${dir}/latest-run.md`);
  }
  console.log(`\nchaos run ${passed ? 'PASSED' : 'FAILED'} in ${durationS} s (logs: ${stack.tempDir}/logs)`);
  await stack.stop();
  process.exit(passed ? 0 : 1);
}

async function runChecks(api: ApiClient, jobs: SubmittedJob[], events: EventLog, largeJobId: string) {
  const outcome = await checkJobs(api, stack.pool, accountName, jobs);
  const expected = new Map<string, ExpectedDocument>();
  for (const job of jobs) for (const d of job.documents) expected.set(d.content_name, { contentName: d.content_name, texts: d.chunks.map((c) => c.text) });
  const postgres = await checkPostgres(stack.pool, accountName, expected, outcome.succeededDocIds);
  const milvus = new MilvusClient({ address: stack.milvus.address, logLevel: 'error', timeout: 60_000 });
  const milvusRows = [...await checkMilvus(milvus, stack.collection, accountName, postgres.chunks), await milvusDuplicateSelfTest(milvus, runId)];
  await milvus.closeConnection();
  const embeddings = await checkEmbeddings(stack.pool, jobs.map((j) => j.id), postgres.chunks, stack.auditFile,
    stack.embeddings.stamps, stack.embeddings.calls, events);
  const largeEnded = (await stack.pool.query<{ finished_at: Date | null }>('SELECT finished_at FROM ingest_jobs WHERE id = $1', [largeJobId])).rows[0]?.finished_at;
  const midJob = events.events.filter((e) => e.at < (largeEnded?.getTime() ?? 0));
  const count = (kind: string) => midJob.filter((e) => e.kind === kind).length;
  const disruptionRows: CheckRow[] = [
    { check: 'kill -9 of a worker while the large job ran', expected: `>= ${options.workerKills}`, actual: `${count('kill -9 worker')} (${midJob.filter((e) => e.kind === 'kill -9 worker' && e.hitLargeJob).length} of the worker running it)`, ok: count('kill -9 worker') >= options.workerKills },
    { check: 'kill -9 of the API while the large job ran', expected: `>= ${options.apiKills}`, actual: `${count('kill -9 API')}`, ok: count('kill -9 API') >= options.apiKills },
    { check: 'Redis kill -9 + restart, PostgreSQL cut, Milvus restart mid-job', expected: options.milvusRestart ? '1 each' : '1 each (Milvus skipped by flag)',
      actual: `${count('Redis kill -9 + restart (AOF)')}, ${count('PostgreSQL connection cut')}, ${count('Milvus restart')}`,
      ok: count('Redis kill -9 + restart (AOF)') === 1 && count('PostgreSQL connection cut') === 1 && count('Milvus restart') === (options.milvusRestart ? 1 : 0) },
  ];
  const diedRunning = stack.fleet.crashes.filter((crash) => crash.running);
  disruptionRows.push({
    check: 'no API or worker died on its own while running (a failed start during an outage is restarted by design)', expected: '0',
    actual: diedRunning.length === 0 ? '0' : diedRunning.map((c) => `${c.name} at ${((c.at - runStart) / 1000).toFixed(0)} s`).join(', '), ok: diedRunning.length === 0,
  });
  return { rows: [...disruptionRows, ...outcome.rows, ...postgres.rows, ...milvusRows, ...embeddings.rows], figures: { ...embeddings.figures, chunks: postgres.chunks.length } };
}

function figuresOf(events: EventLog, jobs: SubmittedJob[], embedding: { calls: number; chunkEmbeddings: number; chunksEmbeddedMoreThanOnce: number; documentsEmbeddedMoreThanOnce: number; chunks: number }, durationS: number, unanswered: number): Array<[string, string]> {
  const recoveries = events.events.filter((e) => e.kind === 'kill -9 worker' && e.hitLargeJob && e.recoveryMs !== undefined).map((e) => e.recoveryMs! / 1000).sort((a, b) => a - b);
  const outage = (kind: string) => events.events.find((e) => e.kind === kind);
  const recovery = (kind: string) => { const e = outage(kind); return e?.recoveryMs === undefined ? '-' : `${(e.recoveryMs / 1000).toFixed(1)} s`; };
  return [
    ['machine', `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`],
    ['total duration', `${durationS} s`],
    ['jobs / documents submitted', `${jobs.length} / ${jobs.reduce((s, j) => s + j.documents.length, 0)}`],
    ['chunks stored (PostgreSQL)', `${embedding.chunks}`],
    ['kill -9: workers / API', `${events.count('kill -9 worker')} / ${events.count('kill -9 API')}`],
    ['kills of the worker running the large job', `${recoveries.length}`],
    ['  -> large job progressing again: median / max', recoveries.length ? `${recoveries[Math.floor(recoveries.length / 2)]!.toFixed(1)} s / ${recoveries[recoveries.length - 1]!.toFixed(1)} s` : '-'],
    ['Redis restart: down, then large job progressing again after', `${outage('Redis kill -9 + restart (AOF)')?.detail ?? '-'}; ${recovery('Redis kill -9 + restart (AOF)')}`],
    ['PostgreSQL cut: large job progressing again after the cut ended', recovery('PostgreSQL connection cut')],
    ['Milvus restart: large job progressing again after Milvus was back', `${outage('Milvus restart')?.detail ?? '-'}; ${recovery('Milvus restart')}`],
    ['processes that exited on their own: at start-up (a store was down) / while running', `${stack.fleet.crashes.filter((c) => !c.running).length} / ${stack.fleet.crashes.filter((c) => c.running).length}`],
    ['process starts in all (API + workers)', `${stack.fleet.starts}`],
    ['API calls that got no answer (retried)', `${unanswered}`],
    ['embedding calls / chunk embeddings (audit)', `${embedding.calls} / ${embedding.chunkEmbeddings}`],
    ['chunks embedded more than once (audit: calls answered)', `${embedding.chunksEmbeddedMoreThanOnce}`],
    ['documents with a chunk sent more than once (endpoint: calls arrived, answered or not)', `${embedding.documentsEmbeddedMoreThanOnce}`],
  ];
}

function progressLine(monitor: JobMonitor, largeJobId: string, jobs: SubmittedJob[], events: EventLog, s: ChaosStack): string {
  const large = monitor.state(largeJobId);
  const small = jobs.filter((j) => j.kind !== 'large');
  return [
    `large job ${large?.processed ?? 0}/${large?.total ?? '?'} ${large?.status ?? ''}`,
    `small jobs ${small.filter((j) => monitor.state(j.id)?.status === 'completed').length}/${SMALL_JOBS.length + 1} completed`,
    `kills: workers ${events.count('kill -9 worker')}, API ${events.count('kill -9 API')}`,
    `outages ${events.count('Redis kill -9 + restart (AOF)') + events.count('PostgreSQL connection cut') + events.count('Milvus restart')}/3`,
    `up: workers ${s.fleet.alive('worker').length}/${options.workers}, API ${s.fleet.alive('api').length}`,
  ].join(' | ');
}

main().catch((error: unknown) => void abort(error instanceof Error ? error.stack ?? error.message : String(error), 1));
