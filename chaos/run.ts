/**
 * The chaos suite (issues 6 and 10): `npm run chaos [-- --flag value]`, flags in options.ts.
 * Starts its own Redis, Milvus, database, embedding endpoint, API and workers;
 * submits a large job, small ones and overlapping ones (the large job's
 * documents in other orders) through the HTTP API, and sends synchronous
 * requests all along; kills and cuts while they run; then checks every store
 * (and runs the consistency audit) and prints (and writes) the report.
 * Exit 0 only if every check passed. Needs PostgreSQL on 127.0.0.1:5432 and
 * Milvus installed in .venv (npm run services:up does both).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { ApiClient } from './api-client';
import { auditCheckRow } from './audit-check';
import type { CheckRow } from './check-row';
import { killApiDuringPost, killLoop, outageLoop, type DisruptionContext } from './disruptions';
import { makeDocuments, seededShuffle } from './documents';
import { checkEmbeddings } from './embedding-checks';
import { EventLog } from './event-log';
import { checkJobs, type JobOutcome, type SubmittedJob } from './job-checks';
import { JobMonitor } from './job-monitor';
import { sleep } from './loopback';
import { milvusDuplicateSelfTest } from './milvus-self-test';
import { parseOptions } from './options';
import { CHECK_HEADER, checkTable, EVENT_HEADER, eventTable, printTable, writeReport, type SyncRequestRow } from './report';
import { checkMilvus, checkPostgres } from './store-checks';
import { ChaosStack } from './stack';
import { answersDuring, checkSyncRequests, findSyncJobs } from './sync-checks';
import { kindOf, runSyncRequests, type SyncRequest } from './sync-requests';

const options = parseOptions(process.argv.slice(2));
const runId = randomUUID().slice(0, 8);
const runStart = Date.now();
const deadline = runStart + options.deadlineMinutes * 60_000;
const stack = new ChaosStack(options, runId);
const say = (line: string) => console.log(`[${String(Math.round((Date.now() - runStart) / 1000)).padStart(4)} s] ${line}`);
const accountName = `chaos_${runId}`;
const SMALL_JOBS = [40, 120, 80, 200, 60];
/** Documents of the large job each overlapping job writes again in another order. */
const OVERLAP_SLICE = 300;

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
process.on('unhandledRejection', (error) => {
  if (!finished) void abort(`unhandled: ${String(error)}`, 1);
});
const deadlineTimer = setTimeout(
  () => void abort(`the global deadline of ${options.deadlineMinutes} min passed`, 1),
  deadline - Date.now(),
);

async function main(): Promise<void> {
  say(
    `chaos run ${runId}: ${options.documents} documents x ${options.chunksPerDocument} chunks + ${SMALL_JOBS.length} small and 4 overlapping jobs ` +
      `+ synchronous requests, ${options.workers} workers, deadline ${options.deadlineMinutes} min`,
  );
  await stack.start(say);
  const api = new ApiClient(stack.apiBase, () => deadline);
  const monitor = new JobMonitor(stack.pool, accountName);
  const events = new EventLog();
  const jobs: SubmittedJob[] = [];
  const submit = async (label: string, kind: SubmittedJob['kind'], documents: SubmittedJob['documents'], killApiMidPost = false) => {
    // The API is not killed in an outage (see killLoop): this kill waits for its end too.
    while (killApiMidPost && ctx.outageActive) await sleep(200);
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
    options,
    fleet: stack.fleet,
    redis: stack.redis,
    milvus: stack.milvus,
    pgProxy: stack.pgProxy,
    collection: stack.collection,
    monitor,
    events,
    largeJobId: '',
    queuePrefix: stack.queuePrefix,
    over: () => over || monitor.final(ctx.largeJobId),
    say,
  };
  const largeJobId = await submit('large', 'large', large);
  ctx.largeJobId = largeJobId;
  // The same documents as the large job's last 30: whichever job stores one first wins, the other reports "already exists".
  await submit('overlap', 'overlap', large.slice(-30));
  // The large job's first documents in reverse: it goes up from the first while this one comes down from the last,
  // so both write the same documents at once, in opposite orders, and meet in the middle.
  await submit('reversed', 'overlap', large.slice(0, OVERLAP_SLICE).reverse());
  // Right before PostgreSQL is cut and before Milvus restarts: a shuffled copy of the documents the large job
  // is about to write, running before the outage starts, so two jobs write them in different orders through it.
  ctx.beforeOutage = async (kind) => {
    const from = Math.max(0, (await monitor.processedNow(largeJobId)) - 20);
    const id = await submit(
      `shuffled-${kind}`,
      'overlap',
      seededShuffle(large.slice(from, from + OVERLAP_SLICE), kind === 'postgres' ? 40 : 60),
    );
    const started = Date.now();
    while (Date.now() - started < 60_000 && (await monitor.processedNow(id)) === 0) await sleep(100);
  };
  const allSubmitted = (async () => {
    for (const [i, count] of SMALL_JOBS.entries()) {
      if (i > 1) await sleep(30_000);
      // One POST has the API killed under it: the retry with the same Idempotency-Key must not make a second job.
      await submit(`small-${i + 1}`, 'small', makeDocuments(`small-${i + 1}`, count, options.chunksPerDocument), i === 3);
    }
  })();

  let submitted = false;
  void allSubmitted.then(() => {
    submitted = true;
  });
  const syncRequests: SyncRequest[] = [];
  const postedFinal = () => submitted && jobs.every((job) => monitor.final(job.id));
  const ticker = setInterval(() => {
    monitor.refresh().catch(() => undefined);
  }, 1_000);
  const printer = setInterval(() => say(progressLine(monitor, largeJobId, jobs, syncRequests, events, stack)), 5_000);
  while (!monitor.state(largeJobId)?.processed) await sleep(200);
  const disruptions = Promise.all([killLoop(ctx), outageLoop(ctx)]);
  // Synchronous requests from the first progress of the large job to its end: through every kill and outage.
  const syncLoad = runSyncRequests(
    {
      api,
      pool: stack.pool,
      fleet: stack.fleet,
      events,
      accountName,
      chunksPerDocument: options.chunksPerDocument,
      large,
      largeJobId,
      over: ctx.over,
      say,
    },
    syncRequests,
  );
  await allSubmitted;
  while (!postedFinal()) await sleep(500);
  over = true;
  await Promise.all([disruptions, syncLoad]);
  // A sync job whose API was killed under it (or that PostgreSQL's cut left staged) is the API's until it is
  // abandoned (2 x SYNC_REQUEST_TIMEOUT_MS without progress); then a worker's recovery pass resumes it.
  const settledAfter = await waitForSettled();
  clearInterval(printer);
  clearInterval(ticker);
  say(progressLine(monitor, largeJobId, jobs, syncRequests, events, stack));
  say('every job has ended; checking');

  await stack.fleet.waitReady('api', 120_000);
  const checks = await runChecks(api, jobs, syncRequests, events, largeJobId);
  clearTimeout(deadlineTimer);
  finished = true;
  const durationS = Math.round((Date.now() - runStart) / 1000);
  const figures = [
    ...figuresOf(events, jobs, checks.figures, durationS, api.unanswered),
    ...checks.workloadFigures,
    ['after the last POSTed job ended: waited for sync jobs left to workers and vector cleanups', settledAfter] as [string, string],
  ];
  console.log('\nEVENTS');
  printTable(EVENT_HEADER, eventTable(events.events, runStart));
  console.log('\nFIGURES');
  printTable(['figure', 'value'], figures);
  if (stack.fleet.crashes.length > 0) {
    console.log('\nPROCESSES THAT EXITED ON THEIR OWN (restarted after 2 s)');
    for (const crash of stack.fleet.crashes) {
      console.log(
        `${((crash.at - runStart) / 1000).toFixed(1)} s ${crash.name} ${crash.running ? 'WHILE RUNNING' : 'at start-up'}: ${crash.lastLines.replace(/\s+/g, ' ').slice(0, 200)}`,
      );
    }
  }
  console.log('\nCHECKS');
  printTable(CHECK_HEADER, checkTable(checks.rows));
  const passed = checks.rows.every((row) => row.ok);
  if (options.writeReport) {
    const dir = writeReport(
      {
        startedAt: new Date(runStart).toISOString(),
        durationS,
        options: { ...options },
        figures,
        events: events.events,
        checks: checks.rows,
        passed,
        syncRequests: checks.syncReport,
      },
      runStart,
    );
    console.log(`\nreport written to ${dir}/latest-run.md`);
  }
  console.log(`\nchaos run ${passed ? 'PASSED' : 'FAILED'} in ${durationS} s (logs: ${stack.tempDir}/logs)`);
  await stack.stop();
  process.exit(passed ? 0 : 1);
}

async function runChecks(api: ApiClient, jobs: SubmittedJob[], syncRequests: SyncRequest[], events: EventLog, largeJobId: string) {
  const sync = await findSyncJobs(stack.pool, accountName, syncRequests);
  const writers = [...jobs, ...sync.jobs];
  const outcome = await checkJobs(api, stack.pool, accountName, writers);
  const postgres = await checkPostgres(stack.pool, accountName, outcome.expected, outcome.succeeded);
  const milvus = new MilvusClient({ address: stack.milvus.address, logLevel: 'error', timeout: 60_000 });
  const vectors = await checkMilvus(milvus, stack.collection, accountName, postgres.chunks);
  const milvusRows = [...vectors.rows, await milvusDuplicateSelfTest(milvus, runId)];
  await milvus.closeConnection();
  const auditRow = await auditCheckRow(stack.pool, stack.milvus.address, stack.collection);
  const syncRows = checkSyncRequests(syncRequests, sync, outcome, postgres.documents, postgres.chunks, vectors.missing, events.events);
  const embeddings = await checkEmbeddings(
    stack.pool,
    writers.map((j) => j.id),
    new Set(sync.jobs.map((j) => j.id)),
    postgres.chunks,
    stack.auditFile,
    stack.embeddings.stamps,
    stack.embeddings.calls,
    events,
  );
  const largeEnded = (
    await stack.pool.query<{ finished_at: Date | null }>('SELECT finished_at FROM ingest_jobs WHERE id = $1', [largeJobId])
  ).rows[0]?.finished_at;
  const midJob = events.events.filter((e) => e.at < (largeEnded?.getTime() ?? 0));
  const count = (kind: string) => midJob.filter((e) => e.kind === kind).length;
  const disruptionRows: CheckRow[] = [
    {
      check: 'kill -9 of a worker while the large job ran',
      expected: `>= ${options.workerKills}`,
      actual: `${count('kill -9 worker')} (${midJob.filter((e) => e.kind === 'kill -9 worker' && e.hitLargeJob).length} of the worker running it)`,
      ok: count('kill -9 worker') >= options.workerKills,
    },
    {
      check: 'kill -9 of the API while the large job ran',
      expected: `>= ${options.apiKills}`,
      actual: `${count('kill -9 API')}`,
      ok: count('kill -9 API') >= options.apiKills,
    },
    {
      check: 'Redis kill -9 + restart, PostgreSQL cut, Milvus restart mid-job',
      expected: options.milvusRestart ? '1 each' : '1 each (Milvus skipped by flag)',
      actual: `${count('Redis kill -9 + restart (AOF)')}, ${count('PostgreSQL connection cut')}, ${count('Milvus restart')}`,
      ok:
        count('Redis kill -9 + restart (AOF)') === 1 &&
        count('PostgreSQL connection cut') === 1 &&
        count('Milvus restart') === (options.milvusRestart ? 1 : 0),
    },
  ];
  disruptionRows.push(await overlapThroughRow(jobs, events));
  const diedRunning = stack.fleet.crashes.filter((crash) => crash.running);
  disruptionRows.push({
    check: 'no API or worker died on its own while running (a failed start during an outage is restarted by design)',
    expected: '0',
    actual: diedRunning.length === 0 ? '0' : diedRunning.map((c) => `${c.name} at ${((c.at - runStart) / 1000).toFixed(0)} s`).join(', '),
    ok: diedRunning.length === 0,
  });
  return {
    rows: [...disruptionRows, ...outcome.rows, ...syncRows, ...postgres.rows, ...milvusRows, auditRow, ...embeddings.rows],
    figures: { ...embeddings.figures, chunks: postgres.chunks.length },
    workloadFigures: await workloadFigures(jobs, syncRequests, sync.jobs, outcome, events),
    syncReport: syncRequests.map((r): SyncRequestRow => {
      const job = sync.jobsOf.get(r.n)?.join(' ') ?? '';
      const answer =
        r.answer.status === 'no answer'
          ? `no answer (${r.answer.cause})`
          : r.answer.status === 200
            ? '200'
            : `${r.answer.status} ${r.answer.body.error?.code ?? ''}${r.stagedJobId ? ' (staged)' : ''}`;
      return {
        n: r.n,
        t_s: (r.sentAt - runStart) / 1000,
        ms: r.answeredAt - r.sentAt,
        documents: r.documents.length,
        new_documents: r.fresh.size,
        answer,
        job: job || '-',
        job_status: job ? (outcome.status.get(sync.jobsOf.get(r.n)![0]!) ?? '?') : 'never staged',
      };
    }),
  };
}

/** The shuffled copies were being written while PostgreSQL was cut and while Milvus restarted (POSTed before the end, ended after the start). */
async function overlapThroughRow(jobs: SubmittedJob[], events: EventLog): Promise<CheckRow> {
  const spans = new Map(
    (
      await stack.pool.query<{ id: string; created_at: Date; finished_at: Date | null }>(
        'SELECT id, created_at, finished_at FROM ingest_jobs WHERE id = ANY($1::uuid[])',
        [jobs.map((j) => j.id)],
      )
    ).rows.map((row) => [row.id, row]),
  );
  const through = (label: string, kind: string) => {
    const job = jobs.find((j) => j.label === label);
    const span = job && spans.get(job.id);
    const event = events.events.find((e) => e.kind === kind);
    return Boolean(span && event && span.created_at.getTime() <= event.endedAt && (span.finished_at?.getTime() ?? 0) >= event.at);
  };
  const pg = through('shuffled-postgres', 'PostgreSQL connection cut');
  const milvus = through('shuffled-milvus', 'Milvus restart');
  return {
    check: "overlapping jobs (the large job's documents, shuffled) being written through the PostgreSQL cut, and the Milvus restart",
    expected: options.milvusRestart ? 'yes, yes' : 'yes (Milvus skipped by flag)',
    actual: `${pg ? 'yes' : 'no'}, ${options.milvusRestart ? (milvus ? 'yes' : 'no') : '-'}`,
    ok: pg && (!options.milvusRestart || milvus),
  };
}

/** The overlapping jobs' split of the documents they share with the large job, and the synchronous requests' answers. */
async function workloadFigures(
  jobs: SubmittedJob[],
  syncRequests: SyncRequest[],
  syncJobs: SubmittedJob[],
  outcome: JobOutcome,
  events: EventLog,
): Promise<Array<[string, string]>> {
  const split = (job: SubmittedJob) => {
    const results = outcome.results.get(job.id) ?? [];
    return `${job.label} ${results.filter((r) => r.success).length} / ${results.filter((r) => r.error_code === 'already_exists').length}`;
  };
  const count = (kind: ReturnType<typeof kindOf>) => syncRequests.filter((r) => kindOf(r) === kind);
  const noAnswer = count('connection error');
  const refused = noAnswer.filter((r) => r.answer.status === 'no answer' && r.answer.cause === 'ECONNREFUSED').length;
  const answered200 = count('200').flatMap((r) => (r.answer.status === 200 ? (r.answer.body.results ?? []) : []));
  const times = count('200')
    .map((r) => (r.answeredAt - r.sentAt) / 1000)
    .sort((a, b) => a - b);
  const fresh = syncRequests.reduce((sum, r) => sum + r.fresh.size, 0);
  const repeats = syncRequests.reduce((sum, r) => sum + r.documents.length - r.fresh.size, 0);
  const status = (id: string) => outcome.status.get(id);
  const takenOver =
    syncJobs.length === 0
      ? 0
      : (
          await stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ingest_jobs WHERE id = ANY($1::uuid[]) AND run_count > 1', [
            syncJobs.map((j) => j.id),
          ])
        ).rows[0]!.n;
  const codes = new Map<string, number>();
  for (const r of count('503')) {
    const code = r.answer.status === 503 ? (r.answer.body.error?.code ?? '?') : '?';
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  return [
    [
      'overlapping jobs: documents won / "already exists"',
      [...jobs.filter((j) => j.kind === 'overlap' || j.kind === 'large').map(split)].join('; '),
    ],
    [
      'sync requests sent / 200 / 503 / no answer',
      `${syncRequests.length} / ${count('200').length} / ${count('503').length} / ${noAnswer.length}`,
    ],
    [
      '  503 by code (staged as a job among them)',
      `${[...codes].map(([code, n]) => `${code} ${n}`).join(', ') || '-'} (${count('503').filter((r) => r.stagedJobId).length} staged)`,
    ],
    ['  no answer: refused (API down) / dropped in flight (API killed)', `${refused} / ${noAnswer.length - refused}`],
    ['  other answers', `${count('other').length}`],
    ['sync documents sent: new / repeats of the large job', `${fresh} / ${repeats}`],
    [
      'sync 200 answers: documents succeeded / "already exists"; answer time median / max',
      `${answered200.filter((r) => r.success).length} / ${answered200.filter((r) => r.error_code === 'already_exists').length}; ` +
        (times.length ? `${times[Math.floor(times.length / 2)]!.toFixed(1)} s / ${times[times.length - 1]!.toFixed(1)} s` : '-'),
    ],
    [
      'sync requests in the API while PostgreSQL was cut, by answer',
      answersDuring(
        syncRequests,
        events.events.find((e) => e.kind === 'PostgreSQL connection cut'),
      ),
    ],
    [
      'sync requests in the API while Milvus did not answer, by answer',
      answersDuring(
        syncRequests,
        events.events.find((e) => e.kind === 'Milvus restart'),
      ),
    ],
    [
      'sync jobs: completed / failed (rolled back) / taken over by a worker (run more than once)',
      `${syncJobs.filter((j) => status(j.id) === 'completed').length} / ${syncJobs.filter((j) => status(j.id) === 'failed').length} / ${takenOver}`,
    ],
  ];
}

/**
 * Waits until no job of the run is pending or processing and no vector
 * cleanup is pending (a rollback while Milvus was away leaves one to the
 * sweeper), at most until 3 min before the deadline: the checks then say
 * what is left. Returns how long it waited and what it waited for.
 */
async function waitForSettled(): Promise<string> {
  const start = Date.now();
  let last = '';
  let lastSaid = 0;
  for (;;) {
    const state = (
      await stack.pool.query<{ open: number; cleanup: number; deletes: number }>(
        `SELECT (SELECT count(*)::int FROM ingest_jobs WHERE account_name = $1 AND status IN ('pending', 'processing')) AS open,
              (SELECT count(*)::int FROM ingest_jobs WHERE account_name = $1 AND vectors_cleanup_pending) AS cleanup,
              (SELECT count(*)::int FROM pending_vector_deletes WHERE queue_prefix = $2) AS deletes`,
        [accountName, stack.queuePrefix],
      )
    ).rows[0]!;
    if (state.open + state.cleanup + state.deletes === 0) break;
    last = `${state.open} jobs not ended, ${state.cleanup} job vector cleanups and ${state.deletes} document vector deletes pending`;
    if (Date.now() - lastSaid > 10_000) {
      say(`waiting: ${last}`);
      lastSaid = Date.now();
    }
    if (Date.now() > deadline - 180_000) return `${((Date.now() - start) / 1000).toFixed(0)} s, gave up with ${last}`;
    await sleep(1_000);
  }
  return last ? `${((Date.now() - start) / 1000).toFixed(0)} s (first: ${last})` : '0 s (nothing left)';
}

function figuresOf(
  events: EventLog,
  jobs: SubmittedJob[],
  embedding: {
    calls: number;
    chunkEmbeddings: number;
    chunksEmbeddedMoreThanOnce: number;
    documentsEmbeddedMoreThanOnce: number;
    chunks: number;
  },
  durationS: number,
  unanswered: number,
): Array<[string, string]> {
  const recoveries = events.events
    .filter((e) => e.kind === 'kill -9 worker' && e.hitLargeJob && e.recoveryMs !== undefined)
    .map((e) => e.recoveryMs! / 1000)
    .sort((a, b) => a - b);
  const outage = (kind: string) => events.events.find((e) => e.kind === kind);
  const recovery = (kind: string) => {
    const e = outage(kind);
    return e?.recoveryMs === undefined ? '-' : `${(e.recoveryMs / 1000).toFixed(1)} s`;
  };
  return [
    ['machine', `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`],
    ['total duration', `${durationS} s`],
    [
      'POSTed jobs / their documents (distinct)',
      `${jobs.length} / ${jobs.reduce((s, j) => s + j.documents.length, 0)} (${new Set(jobs.flatMap((j) => j.documents.map((d) => d.content_name))).size})`,
    ],
    ['chunks stored (PostgreSQL)', `${embedding.chunks}`],
    ['kill -9: workers / API', `${events.count('kill -9 worker')} / ${events.count('kill -9 API')}`],
    ['kills of the worker running the large job', `${recoveries.length}`],
    [
      '  -> large job progressing again: median / max',
      recoveries.length
        ? `${recoveries[Math.floor(recoveries.length / 2)]!.toFixed(1)} s / ${recoveries[recoveries.length - 1]!.toFixed(1)} s`
        : '-',
    ],
    [
      'Redis restart: down, then large job progressing again after',
      `${outage('Redis kill -9 + restart (AOF)')?.detail ?? '-'}; ${recovery('Redis kill -9 + restart (AOF)')}`,
    ],
    ['PostgreSQL cut: large job progressing again after the cut ended', recovery('PostgreSQL connection cut')],
    [
      'Milvus restart: large job progressing again after Milvus was back',
      `${outage('Milvus restart')?.detail ?? '-'}; ${recovery('Milvus restart')}`,
    ],
    [
      'processes that exited on their own: at start-up (a store was down) / while running',
      `${stack.fleet.crashes.filter((c) => !c.running).length} / ${stack.fleet.crashes.filter((c) => c.running).length}`,
    ],
    ['process starts in all (API + workers)', `${stack.fleet.starts}`],
    ['API calls that got no answer (retried)', `${unanswered}`],
    ['embedding calls / chunk embeddings (audit)', `${embedding.calls} / ${embedding.chunkEmbeddings}`],
    ['chunks embedded more than once (audit: calls answered)', `${embedding.chunksEmbeddedMoreThanOnce}`],
    ['documents with a chunk sent more than once (endpoint: calls arrived, answered or not)', `${embedding.documentsEmbeddedMoreThanOnce}`],
  ];
}

function progressLine(
  monitor: JobMonitor,
  largeJobId: string,
  jobs: SubmittedJob[],
  sync: SyncRequest[],
  events: EventLog,
  s: ChaosStack,
): string {
  const large = monitor.state(largeJobId);
  const others = jobs.filter((j) => j.kind !== 'large');
  const answers = (kind: ReturnType<typeof kindOf>) => sync.filter((r) => kindOf(r) === kind).length;
  return [
    `large job ${large?.processed ?? 0}/${large?.total ?? '?'} ${large?.status ?? ''}`,
    `other jobs ${others.filter((j) => monitor.state(j.id)?.status === 'completed').length}/${others.length} completed`,
    `sync ${sync.length} (200: ${answers('200')}, 503: ${answers('503')}, no answer: ${answers('connection error')})`,
    `kills: workers ${events.count('kill -9 worker')}, API ${events.count('kill -9 API')}`,
    `outages ${events.count('Redis kill -9 + restart (AOF)') + events.count('PostgreSQL connection cut') + events.count('Milvus restart')}/3`,
    `up: workers ${s.fleet.alive('worker').length}/${options.workers}, API ${s.fleet.alive('api').length}`,
  ].join(' | ');
}

main().catch((error: unknown) => void abort(error instanceof Error ? (error.stack ?? error.message) : String(error), 1));
