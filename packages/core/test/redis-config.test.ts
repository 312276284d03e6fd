import { Cluster } from 'ioredis';
import { createRedis, describeRedisTarget, loadConfig, redisTargetOf } from '../src';

describe('Redis settings: one Redis, Sentinels or a Cluster', () => {
  it('reads REDIS_CLUSTER_NODES and defaults the queue prefix to a hash tag', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001,[::1]:7002' });
    expect(config.redisClusterNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(config.queuePrefix).toBe('{nonstop}');
    expect(redisTargetOf(config)).toEqual({ url: config.redisUrl, clusterNodes: config.redisClusterNodes });
  });

  it('keeps the plain prefix and no cluster when REDIS_CLUSTER_NODES is unset', () => {
    const config = loadConfig({});
    expect(config.redisClusterNodes).toEqual([]);
    expect(config.queuePrefix).toBe('nonstop');
    expect(redisTargetOf(config)).toEqual({ url: 'redis://127.0.0.1:6390' });
  });

  it.each(['{tenant-a}', 'prod-{nonstop}', '{x}:queues'])('accepts the hash-tagged prefix %s on a cluster', (prefix) => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: prefix }).queuePrefix).toBe(prefix);
  });

  it.each(['nonstop', '{}nonstop', 'non}stop{', '{nonstop'])('refuses the prefix %s on a cluster, saying what to set', (prefix) => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: prefix })).toThrow(
      /QUEUE_PREFIX must contain a Redis hash tag such as \{nonstop\} when REDIS_CLUSTER_NODES is set.*e\.g\. QUEUE_PREFIX=\{/,
    );
  });

  it('refuses Sentinels and a Cluster together, and a database number on a cluster', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_SENTINELS: '127.0.0.1:26379' })).toThrow(
      /REDIS_SENTINELS and REDIS_CLUSTER_NODES are exclusive/,
    );
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_URL: 'redis://127.0.0.1:6379/2' })).toThrow(
      /REDIS_URL must not name a database when REDIS_CLUSTER_NODES is set/,
    );
    expect(loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_URL: 'redis://127.0.0.1:6379/0' }).redisClusterNodes).toHaveLength(1);
  });

  it('refuses a malformed REDIS_CLUSTER_NODES, naming it', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1' })).toThrow(/REDIS_CLUSTER_NODES must be host:port pairs/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:99999' })).toThrow(/REDIS_CLUSTER_NODES must be host:port pairs/);
  });

  it('makes a Cluster client carrying the password and TLS of REDIS_URL to every node, without connecting', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001', REDIS_URL: 'rediss://:s3cret@ignored:1' });
    const client = createRedis(redisTargetOf(config), 'worker', { lazyConnect: true });
    try {
      expect(client).toBeInstanceOf(Cluster);
      const options = (client as Cluster).options;
      expect(options.redisOptions).toMatchObject({ password: 's3cret', tls: {}, maxRetriesPerRequest: null });
      expect(options.redisOptions).not.toHaveProperty('db');
      expect(options.enableOfflineQueue).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it('describes every kind of target without its password', () => {
    expect(describeRedisTarget({ url: 'redis://user:s3cret@redis.internal:6380/1' })).toBe('Redis at redis://redis.internal:6380/1');
    const cluster = redisTargetOf(loadConfig({ REDIS_CLUSTER_NODES: 'a:1,b:2', REDIS_URL: 'redis://:s3cret@x:1' }));
    expect(describeRedisTarget(cluster)).toBe('Redis Cluster a:1,b:2');
    const sentinels = redisTargetOf(
      loadConfig({ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_MASTER: 'm', REDIS_URL: 'redis://:s3cret@x:1' }),
    );
    expect(describeRedisTarget(sentinels)).toBe('Redis master "m" of Sentinels s:26379');
  });
});
