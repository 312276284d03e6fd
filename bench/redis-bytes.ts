import IORedis from 'ioredis';
import type { RedisClient } from '@nonstop/core';
import { account, makeDocs, round, row } from './common';
import { postJob } from './service';

export interface RedisBytes {
  jobs: number;
  keys: number;
  total_bytes: number;
  bytes_per_job: number;
}

/** POSTs `jobs` small jobs with no worker running, then sums MEMORY USAGE of every key under the queue prefix. */
export async function measureRedisBytes(base: string, redis: RedisClient, prefix: string, jobs = 1000): Promise<RedisBytes> {
  // SCAN and MEMORY USAGE read one node; the bench runs against one Redis.
  if (!(redis instanceof IORedis)) throw new Error('measureRedisBytes needs a single Redis, not a Cluster');
  const docs = makeDocs(4, 'redis');
  for (let i = 0; i < jobs; i += 1) await postJob(base, account('redis'), docs);
  let cursor = '0';
  let keys = 0;
  let total = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      keys += 1;
      total += Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
    }
  } while (cursor !== '0');
  const perJob = total / jobs;
  row(`Redis bytes per queued job (${jobs} jobs, ${keys} keys)`, `${round(perJob)} B`, `total ${round(total / 1024)} KiB`);
  return { jobs, keys, total_bytes: total, bytes_per_job: round(perJob) };
}
