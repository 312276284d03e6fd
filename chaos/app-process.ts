import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

export type AppKind = 'api' | 'worker';

/**
 * One API or worker process: `node --import tsx apps/<kind>/src/main.ts`
 * (node itself, so SIGKILL kills the app and leaves no orphan), its output
 * appended to a log file and parsed line by line (JSON logs).
 */
export class AppProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly startedAt = Date.now();
  readyAt: number | undefined;
  /** Batch-insert jobs this process started or resumed and has not ended. */
  readonly heldJobs = new Set<string>();
  private readonly log: WriteStream;
  private pending = '';
  private tail: string[] = [];

  constructor(
    readonly kind: AppKind,
    readonly name: string,
    env: Record<string, string>,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, `apps/${kind}/src/main.ts`)], {
      cwd: ROOT,
      env: { ...process.env, ...env, LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) stream?.on('data', (data: Buffer) => this.onOutput(data));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', () => {
        this.log.end();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines it printed (why it died, when it died on its own). */
  lastLines(count = 5): string {
    return this.tail.slice(-count).join('\n');
  }

  private onOutput(data: Buffer): void {
    this.log.write(data);
    this.pending += data.toString('utf8');
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  private onLine(line: string): void {
    this.tail.push(line.slice(0, 400));
    if (this.tail.length > 20) this.tail.shift();
    let entry: { message?: string; job_id?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    const message = entry.message ?? '';
    if (this.readyAt === undefined && (message.startsWith('worker consuming') || message.startsWith('API listening')))
      this.readyAt = Date.now();
    if (!entry.job_id) return;
    if (message === 'starting job' || message === 'resuming job') this.heldJobs.add(entry.job_id);
    if (['job completed', 'job cancelled', 'job handed back: worker shutting down'].includes(message) || message.startsWith('job failed')) {
      this.heldJobs.delete(entry.job_id);
    }
  }
}
