import type { AppFleet } from './app-fleet';
import type { EventLog, ChaosEvent } from './event-log';
import type { JobMonitor } from './job-monitor';
import { sleep } from './loopback';
import type { ChaosOptions } from './options';
import type { OwnMilvus } from './own-milvus';
import type { OwnRedis } from './own-redis';
import type { TcpProxy } from '../test/support/tcp-proxy';

export interface DisruptionContext {
  options: ChaosOptions;
  fleet: AppFleet;
  redis: OwnRedis;
  milvus: OwnMilvus;
  pgProxy: TcpProxy;
  /** Our Milvus collection (the outage probe queries it). */
  collection: string;
  monitor: JobMonitor;
  events: EventLog;
  largeJobId: string;
  queuePrefix: string;
  /** True once the disruptions should stop (the large job ended, or the run is over). */
  over: () => boolean;
  say: (line: string) => void;
  /** Runs before the PostgreSQL cut and the Milvus restart (the run starts an overlapping job there). */
  beforeOutage?: (kind: 'postgres' | 'milvus') => Promise<void>;
  /** Set by the outage loop from `beforeOutage` to the end of an outage: the API is not killed then. */
  outageActive?: boolean;
}

const jitter = (ms: number) => ms * (0.7 + Math.random() * 0.6);

/**
 * kill -9 of a worker (every few kills the API instead), each restarted after
 * 0.3-2 s, until the large job ends. Every other worker kill takes the worker
 * running the large job, when it is known: a random pick alone mostly hits
 * idle workers (the large job runs on one worker at a time). An API turn
 * that falls in a PostgreSQL cut or a Milvus restart kills a worker instead,
 * and the API is killed at the first turn after the outage: the synchronous
 * requests must meet the outage itself, not an API still booting (20-30 s here).
 */
export async function killLoop(ctx: DisruptionContext): Promise<void> {
  const { options, fleet, events, monitor, largeJobId } = ctx;
  const apiEvery = Math.max(2, Math.floor((options.workerKills + options.apiKills) / Math.max(1, options.apiKills)));
  let deferredApiKill = false;
  for (let n = 1; ; n += 1) {
    await sleep(jitter(options.killEveryMs));
    if (ctx.over()) return;
    const apiDue = events.count('kill -9 API') < options.apiKills;
    const apiRegular = n % apiEvery === Math.floor(apiEvery / 2);
    const apiTurn: boolean = apiDue && !ctx.outageActive && (apiRegular || deferredApiKill);
    deferredApiKill = apiDue && !apiTurn && (deferredApiKill || apiRegular);
    // Processes that have finished booting: a kill of one still compiling tests nothing.
    const candidates = fleet.alive(apiTurn ? 'api' : 'worker').filter((app) => app.readyAt !== undefined);
    const holder = candidates.find((app) => app.heldJobs.has(largeJobId));
    const victim =
      !apiTurn && holder && events.count('kill -9 worker') % 2 === 1 ? holder : candidates[Math.floor(Math.random() * candidates.length)];
    if (!victim) continue; // all of that kind are down (restarting): try again next turn
    const processed = await monitor.processedNow(largeJobId);
    const kill = fleet.kill9(victim, 300 + Math.random() * 1_700);
    const hitLargeJob = kill.heldJobs.includes(largeJobId);
    const event = events.add({
      kind: victim.kind === 'api' ? 'kill -9 API' : 'kill -9 worker',
      at: kill.at,
      endedAt: kill.at,
      target: `${kill.name} (pid ${kill.pid})`,
      hitLargeJob,
      largeJobProcessed: processed,
      jobs: kill.heldJobs,
      detail:
        kill.heldJobs.length > 0 ? `was running ${kill.heldJobs.length} job(s)${hitLargeJob ? ', the large one among them' : ''}` : 'idle',
    });
    ctx.say(`kill -9 ${event.target}: ${event.detail}`);
    if (hitLargeJob) void measureRecovery(ctx, event, processed);
  }
}

/** kill -9 of the API 30 ms into a job POST (the request in flight), restarted after 1 s. */
export async function killApiDuringPost(ctx: DisruptionContext, label: string): Promise<void> {
  await sleep(30);
  const api = ctx.fleet.alive('api')[0];
  if (!api) return;
  const processed = ctx.largeJobId ? await ctx.monitor.processedNow(ctx.largeJobId) : 0;
  const kill = ctx.fleet.kill9(api, 1_000);
  ctx.events.add({
    kind: 'kill -9 API',
    at: kill.at,
    endedAt: kill.at,
    target: `${kill.name} (pid ${kill.pid})`,
    hitLargeJob: false,
    jobs: kill.heldJobs,
    largeJobProcessed: processed,
    detail: `30 ms into the POST of ${label} (retried with the same Idempotency-Key)`,
  });
  ctx.say(`kill -9 ${kill.name} (pid ${kill.pid}) while the POST of ${label} is in flight`);
}

/** One Redis kill -9 + restart, one PostgreSQL cut, one Milvus restart, at 20 %, 40 % and 60 % of the large job. */
export async function outageLoop(ctx: DisruptionContext): Promise<void> {
  const steps: Array<{ at: number; before?: 'postgres' | 'milvus'; run: () => Promise<void> }> = [
    { at: 0.2, run: () => redisRestart(ctx) },
    { at: 0.4, before: 'postgres', run: () => postgresCut(ctx) },
    ...(ctx.options.milvusRestart ? [{ at: 0.6, before: 'milvus' as const, run: () => milvusRestart(ctx) }] : []),
  ];
  for (const step of steps) {
    for (;;) {
      if (ctx.over()) return;
      const state = ctx.monitor.state(ctx.largeJobId);
      if (state && state.processed >= step.at * state.total) break;
      await sleep(500);
    }
    if (step.before) {
      ctx.outageActive = true;
      await ctx.beforeOutage?.(step.before);
    }
    try {
      await step.run();
    } finally {
      ctx.outageActive = false;
    }
  }
}

async function redisRestart(ctx: DisruptionContext): Promise<void> {
  const processed = await ctx.monitor.processedNow(ctx.largeJobId);
  const at = Date.now();
  ctx.say('Redis: kill -9, start again on its AOF in 2 s');
  const outcome = await ctx.redis.kill9AndRestart(ctx.queuePrefix, 2_000);
  const event = ctx.events.add({
    kind: 'Redis kill -9 + restart (AOF)',
    at,
    endedAt: Date.now(),
    target: 'our redis-server',
    hitLargeJob: true,
    largeJobProcessed: processed,
    detail: `down ${(outcome.downMs / 1000).toFixed(1)} s; queue keys ${outcome.keysBefore} before, ${outcome.keysAfter} after the AOF reload`,
  });
  ctx.say(`Redis back: ${event.detail}`);
  await measureRecovery(ctx, event, processed);
}

async function postgresCut(ctx: DisruptionContext): Promise<void> {
  const processed = await ctx.monitor.processedNow(ctx.largeJobId);
  const at = Date.now();
  ctx.say(`PostgreSQL: every connection of the API and workers cut for ${ctx.options.pgCutMs / 1000} s`);
  ctx.pgProxy.cut();
  await sleep(ctx.options.pgCutMs);
  ctx.pgProxy.restore();
  const endedAt = Date.now();
  const event = ctx.events.add({
    kind: 'PostgreSQL connection cut',
    at,
    endedAt,
    unanswered: { from: at, to: endedAt },
    target: 'TCP proxy in front of PostgreSQL',
    hitLargeJob: true,
    largeJobProcessed: processed,
    detail: `open connections dropped, new ones refused for ${ctx.options.pgCutMs / 1000} s`,
  });
  ctx.say('PostgreSQL reachable again');
  await measureRecovery(ctx, event, processed);
}

async function milvusRestart(ctx: DisruptionContext): Promise<void> {
  const processed = await ctx.monitor.processedNow(ctx.largeJobId);
  const at = Date.now();
  ctx.say('Milvus: stopping our Milvus (whole process group), then starting it again');
  const probe = watchAnswers(() => ctx.milvus.answers(ctx.collection));
  await ctx.milvus.stop();
  const stoppedMs = Date.now() - at;
  const startMs = await ctx.milvus.start(240_000);
  const unanswered = await probe.stop();
  const event = ctx.events.add({
    kind: 'Milvus restart',
    at,
    endedAt: Date.now(),
    target: 'our Milvus standalone',
    hitLargeJob: true,
    largeJobProcessed: processed,
    ...(unanswered ? { unanswered } : {}),
    detail:
      `stopped in ${(stoppedMs / 1000).toFixed(1)} s, healthy again ${(startMs / 1000).toFixed(1)} s after the start` +
      (unanswered
        ? `; not answering from +${((unanswered.from - at) / 1000).toFixed(1)} s to +${((unanswered.to - at) / 1000).toFixed(1)} s`
        : ''),
  });
  ctx.say(`Milvus back: ${event.detail}`);
  await measureRecovery(ctx, event, processed);
}

/**
 * Asks `answers` every 500 ms: the first unanswered probe and the first
 * answered one after it. `stop` waits (at most 60 s) for that answer.
 */
function watchAnswers(answers: () => Promise<boolean>): { stop: () => Promise<{ from: number; to: number } | undefined> } {
  let stopping = false;
  let from: number | undefined;
  let to: number | undefined;
  const done = (async () => {
    let giveUpAt = Infinity;
    while (to === undefined && Date.now() < giveUpAt) {
      if (stopping) {
        if (from === undefined) return; // it never stopped answering
        if (giveUpAt === Infinity) giveUpAt = Date.now() + 60_000;
      }
      const asked = Date.now();
      const ok = await answers();
      if (!ok && from === undefined) from = asked;
      else if (ok && from !== undefined) to = asked;
      if (to === undefined) await sleep(500);
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await done;
      return from !== undefined && to !== undefined ? { from, to } : undefined;
    },
  };
}

async function measureRecovery(ctx: DisruptionContext, event: ChaosEvent, processedAtStart: number): Promise<void> {
  // Progress recorded during the event (work of other workers, batches finishing) does not count as recovery.
  const processed = Math.max(processedAtStart, await ctx.monitor.processedNow(ctx.largeJobId));
  const ms = await ctx.monitor.millisToProgress(ctx.largeJobId, processed, event.endedAt);
  if (ms !== undefined) event.recoveryMs = ms;
}
