import IORedis, { type RedisOptions } from 'ioredis';

/**
 * Connections follow BullMQ's production guide: workers and blocking
 * connections retry forever (`maxRetriesPerRequest: null`); producers in the
 * API fail fast instead of queueing commands while Redis is away.
 */
export function createRedis(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): IORedis {
  return new IORedis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...extra,
  });
}

export interface RedisDurability {
  evictionPolicy: string;
  aof: boolean;
  rdb: boolean;
  problems: string[];
}

/** Reads the settings that decide whether Redis can lose queued jobs. */
export async function inspectRedisDurability(redis: IORedis): Promise<RedisDurability> {
  const read = async (name: string): Promise<string> => {
    try {
      const reply = (await redis.config('GET', name)) as string[];
      return reply[1] ?? '';
    } catch {
      return 'unknown'; // managed Redis services often forbid CONFIG
    }
  };
  const evictionPolicy = await read('maxmemory-policy');
  const aof = (await read('appendonly')) === 'yes';
  const save = await read('save');
  const rdb = save !== '' && save !== 'unknown';
  const problems: string[] = [];
  if (evictionPolicy !== 'noeviction' && evictionPolicy !== 'unknown') {
    problems.push(`maxmemory-policy is "${evictionPolicy}" (must be "noeviction", or Redis may evict queued jobs)`);
  }
  if (!aof && !rdb) problems.push('persistence is off (turn on appendonly yes): a Redis restart loses the queue');
  return { evictionPolicy, aof, rdb, problems };
}
