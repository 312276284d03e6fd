import IORedis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A connection to a single Redis (direct or through Sentinel) or to a Redis Cluster: BullMQ takes either. */
export type RedisClient = IORedis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Where Redis is: a URL; or Sentinels that name the current master; or the
 * seed nodes of a Redis Cluster. With Sentinels or a Cluster the URL only
 * carries the password, database (Sentinel) and TLS. Failover and slot moves
 * are Redis'; the client follows them.
 */
export interface RedisTarget {
  url: string;
  sentinels?: HostPort[];
  sentinelMaster?: string;
  clusterNodes?: HostPort[];
}

/** The Redis target the configuration names. */
export function redisTargetOf(config: {
  redisUrl: string;
  redisSentinels: HostPort[];
  redisSentinelMaster: string;
  redisClusterNodes?: HostPort[];
}): RedisTarget {
  if (config.redisClusterNodes && config.redisClusterNodes.length > 0)
    return { url: config.redisUrl, clusterNodes: config.redisClusterNodes };
  return config.redisSentinels.length > 0
    ? { url: config.redisUrl, sentinels: config.redisSentinels, sentinelMaster: config.redisSentinelMaster }
    : { url: config.redisUrl };
}

/** Where the target is, for logs and messages: never the password. */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: HostPort[]): string => nodes.map(({ host, port }) => `${host}:${port}`).join(',');
  if (target.clusterNodes && target.clusterNodes.length > 0) return `Redis Cluster ${list(target.clusterNodes)}`;
  if (target.sentinels && target.sentinels.length > 0)
    return `Redis master "${target.sentinelMaster ?? 'mymaster'}" of Sentinels ${list(target.sentinels)}`;
  const parsed = new URL(target.url);
  return `Redis at ${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** Password, database and TLS from the URL: what every node of any target shares. */
function urlSettings(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.replace(/^\//, '') || '0');
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Connection options of a single Redis or a Sentinel-managed master (a Cluster is made by createRedis). */
export function redisConnectionOptions(target: string | RedisTarget): RedisOptions {
  const { url, sentinels, sentinelMaster } = typeof target === 'string' ? ({ url: target } as RedisTarget) : target;
  const auth = urlSettings(url);
  if (sentinels && sentinels.length > 0) {
    return { sentinels, name: sentinelMaster ?? 'mymaster', ...auth, ...(auth.password ? { sentinelPassword: auth.password } : {}) };
  }
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 6379), ...auth };
}

/**
 * The one place a Redis connection is made (API, worker, rate limiter, queue
 * events, Bull Board all use it). Connections follow BullMQ's production
 * guide: workers and blocking connections retry forever
 * (`maxRetriesPerRequest: null`); producers in the API fail fast instead of
 * queueing commands while Redis is away.
 */
export function createRedis(target: string | RedisTarget, role: 'worker' | 'producer', extra: RedisOptions = {}): RedisClient {
  const perConnection: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...extra,
  };
  const clusterNodes = typeof target === 'string' ? undefined : target.clusterNodes;
  if (clusterNodes && clusterNodes.length > 0) {
    // A Cluster has only database 0 (config refuses another): no `db` option.
    const { db: _db, ...nodeAuth } = urlSettings((target as RedisTarget).url);
    const { lazyConnect, enableOfflineQueue, retryStrategy, ...nodeOptions } = perConnection;
    const options: ClusterOptions = {
      redisOptions: { ...nodeAuth, ...nodeOptions },
      enableOfflineQueue,
      clusterRetryStrategy: (attempt) => retryStrategy?.(attempt) ?? 2_000,
      ...(lazyConnect ? { lazyConnect } : {}),
      // With TLS, keep node names unresolved so the certificate is checked against the name, not an IP.
      ...(nodeAuth.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    };
    return new Cluster(clusterNodes, options);
  }
  return new IORedis({ ...redisConnectionOptions(target), ...perConnection });
}

export interface RedisDurability {
  evictionPolicy: string;
  aof: boolean;
  rdb: boolean;
  problems: string[];
}

/**
 * Reads the settings that decide whether Redis can lose queued jobs; on a
 * Cluster, of every master (each holds some queues' keys).
 */
export async function inspectRedisDurability(redis: RedisClient): Promise<RedisDurability> {
  if (redis instanceof Cluster) return inspectClusterDurability(redis);
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

async function inspectClusterDurability(cluster: Cluster): Promise<RedisDurability> {
  await cluster.ping(); // the masters are known once the slots are
  const masters = cluster.nodes('master');
  const each = await Promise.all(masters.map(async (node) => ({ node, durability: await inspectRedisDurability(node) })));
  return {
    evictionPolicy: [...new Set(each.map(({ durability }) => durability.evictionPolicy))].join(','),
    aof: each.every(({ durability }) => durability.aof),
    rdb: each.every(({ durability }) => durability.rdb),
    problems: each.flatMap(({ node, durability }) =>
      durability.problems.map((problem) => `${node.options.host}:${node.options.port}: ${problem}`),
    ),
  };
}
