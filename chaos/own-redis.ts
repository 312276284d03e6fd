import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import IORedis from 'ioredis';
import { portFree, until } from './loopback';

/**
 * Our own Redis for the run (the shared one on 6390 is never touched): AOF
 * fsynced every second and `noeviction`, as the service requires, in a temp
 * dir, as a child process so we can kill -9 it and start it again on the
 * same AOF.
 */
export class OwnRedis {
  private child: ChildProcess | undefined;
  private readonly dir: string;

  constructor(
    private readonly port: number,
    baseDir: string,
  ) {
    this.dir = path.join(baseDir, 'redis');
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.child && !(await portFree(this.port))) throw new Error(`port ${this.port} is taken; pass --redis-port with a free one`);
    mkdirSync(this.dir, { recursive: true });
    const log = createWriteStream(path.join(this.dir, 'redis.log'), { flags: 'a' });
    const child = spawn(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    if (!(await until(() => this.ping(), 15_000))) throw new Error(`our Redis did not answer on ${this.url}; see ${this.dir}/redis.log`);
  }

  /** kill -9 and start again on the same AOF; returns the keys of `prefix` before and after. */
  async kill9AndRestart(prefix: string, downMs: number): Promise<{ keysBefore: number; keysAfter: number; downMs: number }> {
    const keysBefore = await this.countKeys(prefix);
    const child = this.child!;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const stoppedAt = Date.now();
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.start();
    return { keysBefore, keysAfter: await this.countKeys(prefix), downMs: Date.now() - stoppedAt };
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  killNow(): void {
    this.child?.kill('SIGKILL');
  }

  private async ping(): Promise<boolean> {
    const client = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined); // refused while it starts: the caller polls
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  }

  private async countKeys(prefix: string): Promise<number> {
    const client = new IORedis(this.url, { maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    try {
      let cursor = '0';
      let count = 0;
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        count += keys.length;
      } while (cursor !== '0');
      return count;
    } finally {
      client.disconnect();
    }
  }
}
