import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { createRedis, loadConfig, redisTargetOf } from '../src';

/**
 * A real Redis Sentinel (redis-server --sentinel) watching the test Redis as
 * its master: the service finds Redis through the Sentinel, as it would in an
 * HA deployment where the master can change.
 */
describe('Redis through Sentinel', () => {
  const master = new URL(loadConfig().redisUrl);
  const sentinelPort = 26_000 + Math.floor(Math.random() * 1000);
  let sentinel: ChildProcess;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-'));
    const conf = path.join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor nonstop-test ${master.hostname} ${master.port || 6379} 1`,
      ].join('\n'),
    );
    sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
    const probe = new IORedis({ port: sentinelPort, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 1 });
    for (let attempt = 0; ; attempt += 1) {
      try {
        await probe.connect().catch(() => undefined);
        const address = await probe.call('SENTINEL', 'get-master-addr-by-name', 'nonstop-test');
        if (Array.isArray(address)) break;
      } catch {
        if (attempt > 50) throw new Error('Sentinel did not start');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    probe.disconnect();
  });
  afterAll(async () => {
    sentinel.kill('SIGKILL');
    await new Promise((resolve) => sentinel.once('exit', resolve));
  });

  it('connects to the master the Sentinel names and runs the queue through it', async () => {
    const config = loadConfig({
      ...process.env,
      REDIS_URL: 'redis://127.0.0.1',
      REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`,
      REDIS_SENTINEL_MASTER: 'nonstop-test',
    });
    expect(config.redisSentinels).toEqual([{ host: '127.0.0.1', port: sentinelPort }]);
    const redis = createRedis(redisTargetOf(config), 'producer');
    try {
      await new Promise((resolve, reject) => {
        redis.once('ready', resolve);
        redis.once('error', reject);
      });
      const port = (await redis.config('GET', 'port')) as string[];
      expect(port[1]).toBe(master.port || '6379');
      const queue = new Queue('sentinel-check', { connection: redis, prefix: `test-sentinel-${sentinelPort}` });
      const job = await queue.add('check', { ok: true });
      expect((await queue.getJob(job.id!))?.data).toEqual({ ok: true });
      await queue.obliterate({ force: true });
      await queue.close();
    } finally {
      redis.disconnect();
    }
  });

  it('refuses a malformed REDIS_SENTINELS, naming it', () => {
    expect(() => loadConfig({ REDIS_SENTINELS: 'host-without-port' })).toThrow(/REDIS_SENTINELS must be host:port/);
  });
});
