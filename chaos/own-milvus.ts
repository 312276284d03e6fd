import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConsistencyLevelEnum, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { portFree, sleep } from './loopback';

const ROOT = path.resolve(__dirname, '..');
const MILVUS_SERVER = path.join(ROOT, '.venv/bin/milvus-server');

/** Default ports of milvus-server (the shared Milvus holds them); ours are each shifted by the same offset. */
const DEFAULT_PORTS = {
  proxy: 19530,
  'proxy-internal': 19529,
  etcd: 2379,
  'etcd-peer': 2380,
  'root-coord': 53100,
  'query-coord': 19531,
  'query-node': 21123,
  'index-coord': 22930,
  'index-node': 21121,
  'data-coord': 13333,
  'data-node': 21124,
} as const;

/**
 * A second Milvus standalone beside the shared one, which the chaos run may
 * stop and start at will. milvus-server takes every port as a flag except
 * the embedded etcd's, which an etcd config file (ETCD_CONFIG_PATH) moves;
 * its /healthz moves to the next free port by itself. Binaries stay in
 * .local/chaos-milvus/bin between runs; data and logs are new each run.
 *
 * A restart runs the server binary directly on the config the first start
 * wrote: the wrapper binds each port without SO_REUSEADDR to test it, and
 * right after a stop the proxy port sits in TIME_WAIT for a minute, so the
 * wrapper would move the proxy to another port.
 */
export class OwnMilvus {
  private child: ChildProcess | undefined;
  private readonly ports: Record<keyof typeof DEFAULT_PORTS, number>;

  /** `dir` holds its binaries, config, data and logs (one per user of it: the chaos run, an outage test). */
  constructor(
    proxyPort: number,
    private readonly dir = path.join(ROOT, '.local/chaos-milvus'),
  ) {
    const offset = proxyPort - DEFAULT_PORTS.proxy;
    this.ports = Object.fromEntries(Object.entries(DEFAULT_PORTS).map(([name, port]) => [name, port + offset])) as typeof this.ports;
  }

  get address(): string {
    return `127.0.0.1:${this.ports.proxy}`;
  }

  get logDir(): string {
    return path.join(this.dir, 'logs');
  }

  /** A fresh Milvus through the milvus-server wrapper (which writes its config): previous run's data removed first. */
  async startFresh(timeoutMs: number): Promise<number> {
    if (!existsSync(MILVUS_SERVER))
      throw new Error(`${MILVUS_SERVER} is missing: run npm run services:up once (it installs Milvus into .venv)`);
    for (const [name, port] of Object.entries(this.ports)) {
      if (!(await portFree(port))) throw new Error(`port ${port} (${name}) for our Milvus is taken; pass --milvus-port with another base`);
    }
    for (const sub of ['data', 'logs']) rmSync(path.join(this.dir, sub), { recursive: true, force: true });
    const started = Date.now();
    mkdirSync(this.dir, { recursive: true });
    const etcdConfig = path.join(this.dir, 'embed-etcd.yaml');
    const etcd = (port: number) => `http://127.0.0.1:${port}`;
    writeFileSync(
      etcdConfig,
      [
        `listen-client-urls: ${etcd(this.ports.etcd)}`,
        `advertise-client-urls: ${etcd(this.ports.etcd)}`,
        `listen-peer-urls: ${etcd(this.ports['etcd-peer'])}`,
        `initial-advertise-peer-urls: ${etcd(this.ports['etcd-peer'])}`,
        `initial-cluster: default=${etcd(this.ports['etcd-peer'])}`,
        '',
      ].join('\n'),
    );
    const flags = Object.entries(this.ports)
      .filter(([name]) => name !== 'etcd-peer')
      .flatMap(([name, port]) => [`--${name}-port`, String(port)]);
    // detached: its own process group (milvus-server spawns `milvus run standalone`), stopped as a whole.
    this.child = spawn(MILVUS_SERVER, ['--data', this.dir, ...flags], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, ETCD_CONFIG_PATH: etcdConfig },
    });
    return this.waitHealthy(started, timeoutMs);
  }

  /** Starts the server binary again on the same config and data; returns the milliseconds until it is healthy. */
  async start(timeoutMs: number): Promise<number> {
    const started = Date.now();
    const bin = path.join(this.dir, 'bin');
    const output = openSync(path.join(this.logDir, 'milvus-stdout.log'), 'a');
    this.child = spawn(path.join(bin, 'milvus'), ['run', 'standalone'], {
      cwd: this.dir,
      detached: true,
      stdio: ['ignore', output, output],
      env: {
        ...process.env,
        DEPLOY_MODE: 'STANDALONE',
        METRICS_PORT: String(this.ports.proxy - DEFAULT_PORTS.proxy + 9091),
        MILVUS_RUN_DIR: path.join(this.dir, 'run'),
        LD_LIBRARY_PATH: `${bin}:${process.env.LD_LIBRARY_PATH ?? ''}`,
        ETCD_CONFIG_PATH: path.join(this.dir, 'embed-etcd.yaml'),
      },
    });
    return this.waitHealthy(started, timeoutMs);
  }

  private async waitHealthy(started: number, timeoutMs: number): Promise<number> {
    const child = this.child!;
    const deadline = started + timeoutMs;
    for (;;) {
      if (await this.healthy()) return Date.now() - started;
      if (child.exitCode !== null) throw new Error(`our Milvus exited during start-up; see ${this.logDir}`);
      if (Date.now() > deadline) throw new Error(`our Milvus not healthy within ${timeoutMs} ms; see ${this.logDir}`);
      await sleep(1_000);
    }
  }

  /** Stops the whole process group (SIGTERM, SIGKILL after 20 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const exited = child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
    signalGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 20_000);
    await exited;
    // The wrapper may exit before its server child: wait for the whole group to be gone.
    for (let i = 0; i < 100 && groupAlive(child.pid); i += 1) await sleep(200);
    if (groupAlive(child.pid)) signalGroup(child.pid, 'SIGKILL');
    clearTimeout(timer);
    this.child = undefined;
  }

  killNow(): void {
    if (this.child?.pid) signalGroup(this.child.pid, 'SIGKILL');
  }

  /**
   * True if a query on `collection` is answered within 3 s: what the write
   * path needs. After a restart Milvus serves reads and writes some 30 s
   * before checkHealth says healthy, so this dates the outage itself.
   */
  async answers(collection: string): Promise<boolean> {
    // No SDK retries, and the client closed only once its call has settled: closing it under a
    // pending retry makes the SDK throw from a timer, which would end the chaos process.
    const client = new MilvusClient({ address: this.address, timeout: 3_000, maxRetries: 0, logLevel: 'error' });
    const query = (async () => {
      await client.connectPromise;
      const result = await client.query({
        collection_name: collection,
        filter: 'chunk_id >= 0',
        output_fields: ['count(*)'],
        consistency_level: ConsistencyLevelEnum.Eventually,
      });
      return result.status.error_code === 'Success';
    })().catch(() => false);
    // A client that never connected may throw on close; nothing to release then.
    void query.then(() => client.closeConnection()).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 3_000);
    });
    const answered = await Promise.race([query, late]);
    clearTimeout(timer);
    return answered;
  }

  private async healthy(): Promise<boolean> {
    const client = new MilvusClient({ address: this.address, timeout: 5_000, logLevel: 'error' });
    try {
      await client.connectPromise;
      return (await client.checkHealth()).isHealthy;
    } catch {
      return false;
    } finally {
      try {
        void client.closeConnection();
      } catch {
        // a client that never connected may throw on close; nothing to release
      }
    }
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
