import IORedis, { type RedisOptions } from 'ioredis';

/**
 * Where Redis is: a URL, or Sentinels that name the current master (the URL
 * then only carries the password, database and TLS). Failover is Sentinel's;
 * the client follows the master it names.
 */
export interface RedisTarget {
  url: string;
  sentinels?: Array<{ host: string; port: number }>;
  sentinelMaster?: string;
}

/** The Redis target the configuration names. */
export function redisTargetOf(config: { redisUrl: string; redisSentinels: Array<{ host: string; port: number }>; redisSentinelMaster: string }): RedisTarget {
  return config.redisSentinels.length > 0
    ? { url: config.redisUrl, sentinels: config.redisSentinels, sentinelMaster: config.redisSentinelMaster }
    : { url: config.redisUrl };
}

/** Connection options for a target: what ioredis and BullMQ both take. */
export function redisConnectionOptions(target: string | RedisTarget): RedisOptions {
  const { url, sentinels, sentinelMaster } = typeof target === 'string' ? { url: target } as RedisTarget : target;
  const parsed = new URL(url);
  const db = Number(parsed.pathname.replace(/^\//, '') || '0');
  const auth = {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  if (sentinels && sentinels.length > 0) {
    return { sentinels, name: sentinelMaster ?? 'mymaster', ...auth, ...(auth.password ? { sentinelPassword: auth.password } : {}) };
  }
  return { host: parsed.hostname, port: Number(parsed.port || 6379), ...auth };
}

/**
 * Connections follow BullMQ's production guide: workers and blocking
 * connections retry forever (`maxRetriesPerRequest: null`); producers in the
 * API fail fast instead of queueing commands while Redis is away.
 */
export function createRedis(target: string | RedisTarget, role: 'worker' | 'producer', extra: RedisOptions = {}): IORedis {
  return new IORedis({
    ...redisConnectionOptions(target),
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
