import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { canBind, freePort } from './free-port';
import { waitFor } from './test-env';

const run = promisify(execFile);

/**
 * A real Redis Cluster of three masters (redis-server --cluster-enabled yes,
 * joined with `redis-cli --cluster create`) on free loopback ports, its files
 * in a temp dir; stop() kills the servers and removes the dir.
 */
export class RedisCluster {
  private readonly servers: ChildProcess[] = [];
  private dir = '';
  ports: number[] = [];

  /** What REDIS_CLUSTER_NODES takes. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  async start(masters = 3): Promise<void> {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'redis-cluster-'));
    this.ports = await Promise.all(Array.from({ length: masters }, freeClusterPort));
    for (const port of this.ports) {
      const nodeDir = path.join(this.dir, String(port));
      mkdirSync(nodeDir);
      this.servers.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--dir',
            nodeDir,
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '5000',
            '--appendonly',
            'yes',
            '--maxmemory-policy',
            'noeviction',
            '--save',
            '',
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const port of this.ports) await waitFor(`redis-server on ${port}`, async () => (await cli(port, 'ping')) === 'PONG', 10_000, 50);
    await run('redis-cli', ['--cluster', 'create', ...this.ports.map((port) => `127.0.0.1:${port}`), '--cluster-yes']);
    for (const port of this.ports) {
      await waitFor(
        `cluster state ok on ${port}`,
        async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'),
        20_000,
        100,
      );
    }
  }

  /** Keys of the slot that `key` hashes to, counted on the node that owns it. */
  async keysInSlotOf(key: string): Promise<number> {
    const slot = await this.cli(this.ports[0]!, 'cluster', 'keyslot', key);
    const counts = await Promise.all(this.ports.map((port) => this.cli(port, 'cluster', 'countkeysinslot', slot)));
    return counts.reduce((sum, count) => sum + Number(count), 0);
  }

  /** A redis-cli command to one node; its trimmed reply, or '' when the node does not answer. */
  async cli(port: number, ...args: string[]): Promise<string> {
    return cli(port, ...args);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise((resolve) => {
            if (server.exitCode !== null || server.signalCode !== null) return resolve(undefined);
            server.once('exit', resolve);
            server.kill('SIGKILL');
          }),
      ),
    );
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  try {
    return (await run('redis-cli', ['-p', String(port), ...args])).stdout.trim();
  } catch {
    return '';
  }
}

/** A free port, and its cluster bus port (port + 10000) free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await canBind(port + 10_000))) return port;
  }
}
