import path from 'node:path';
import { AppProcess, type AppKind } from './app-process';

const RESTART_AFTER_CRASH_MS = 2_000;

export interface KillRecord {
  kind: AppKind;
  name: string;
  pid: number;
  at: number;
  /** Jobs the killed process was running at that moment (from its own log lines). */
  heldJobs: string[];
}

/**
 * The API and the workers, each in a named slot that always gets a process
 * back: after our kill -9 (restarted after `restartDelayMs`) or after a crash
 * of its own (a start during an outage exits; restarted like a container
 * with `restart: always`).
 */
export class AppFleet {
  private readonly slots = new Map<string, AppProcess>();
  private readonly killedByUs = new Set<AppProcess>();
  private stopping = false;
  /** Exits we did not cause; `running`: after the process had said it was ready (not a failed start-up). */
  readonly crashes: Array<{ name: string; at: number; running: boolean; lastLines: string }> = [];
  starts = 0;

  constructor(
    private readonly envOf: (kind: AppKind) => Record<string, string>,
    private readonly logDir: string,
  ) {}

  start(kind: AppKind, name: string): AppProcess {
    const app = new AppProcess(kind, name, this.envOf(kind), path.join(this.logDir, `${name}.log`));
    this.starts += 1;
    this.slots.set(name, app);
    void app.exited.then(() => this.onExit(app));
    return app;
  }

  get(name: string): AppProcess | undefined {
    return this.slots.get(name);
  }

  /** Live processes of a kind, ready or not. */
  alive(kind: AppKind): AppProcess[] {
    return [...this.slots.values()].filter((app) => app.kind === kind && app.alive);
  }

  async waitReady(name: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const app = this.slots.get(name);
      if (app?.alive && app.readyAt !== undefined) return;
      if (Date.now() > deadline)
        throw new Error(`${name} not ready within ${timeoutMs} ms; last output:\n${app?.lastLines(10) ?? '(none)'}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILL, then a new process in the same slot after `restartDelayMs`. */
  kill9(app: AppProcess, restartDelayMs: number): KillRecord {
    const record: KillRecord = { kind: app.kind, name: app.name, pid: app.pid, at: Date.now(), heldJobs: [...app.heldJobs] };
    this.killedByUs.add(app);
    app.child.kill('SIGKILL');
    setTimeout(() => {
      if (!this.stopping && this.slots.get(app.name) === app) this.start(app.kind, app.name);
    }, restartDelayMs);
    return record;
  }

  private onExit(app: AppProcess): void {
    if (this.stopping || this.killedByUs.has(app) || this.slots.get(app.name) !== app) return;
    this.crashes.push({ name: app.name, at: Date.now(), running: app.readyAt !== undefined, lastLines: app.lastLines(3) });
    setTimeout(() => {
      if (!this.stopping && this.slots.get(app.name) === app) this.start(app.kind, app.name);
    }, RESTART_AFTER_CRASH_MS);
  }

  /** Stops everything for good: SIGTERM, SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const running = [...this.slots.values()].filter((app) => app.alive);
    for (const app of running) app.child.kill('SIGTERM');
    const timer = setTimeout(() => running.forEach((app) => app.alive && app.child.kill('SIGKILL')), graceMs);
    await Promise.all(running.map((app) => app.exited));
    clearTimeout(timer);
  }

  /** Synchronous last resort (process exit handler): SIGKILL whatever still runs. */
  killAllNow(): void {
    this.stopping = true;
    for (const app of this.slots.values()) if (app.alive) app.child.kill('SIGKILL');
  }
}
