import os from 'node:os';
import v8 from 'node:v8';
import type { EnvReader } from './env-reader';

const MB = 1024 * 1024;

/**
 * The memory one JSON body of N bytes costs the API while it is read, parsed,
 * validated and staged, as a multiple of N: the raw bytes and the decoded
 * text while JSON.parse runs, then the parsed documents (apps/api/README.md
 * "Bounded resources" has the measurement). The body-memory budget counts
 * every admitted body at this weight.
 */
export const BODY_MEMORY_COPIES = 10;

/**
 * Bodies whose worst case is at most this are not counted against the
 * budget: their memory is bounded by the connections and the per-key rate
 * limit, and counting them would turn a storm of large bodies into 503s for
 * every search and small insert.
 */
export const UNCOUNTED_BODY_BYTES = 1 * MB;

export interface BodyLimitsConfig {
  maxSyncBodyBytes: number;
  maxJobBodyBytes: number;
  /** What the request bodies in flight may cost at once in one API process (at BODY_MEMORY_COPIES each). */
  bodyMemoryBytes: number;
  /** Of that, what the bodies of one API key may cost at once. */
  bodyMemoryPerKeyBytes: number;
}

/**
 * What this process can hold: the V8 heap limit (parsed bodies live on the
 * heap; --max-old-space-size moves it), capped by the container's memory
 * limit (cgroup) and the machine's memory.
 */
export function memoryAvailableToProcess(): number {
  const constrained = process.constrainedMemory?.() || Number.POSITIVE_INFINITY;
  return Math.min(v8.getHeapStatistics().heap_size_limit, constrained, os.totalmem());
}

/**
 * The body limits, bounded against the process's memory: by default half of
 * it goes to request bodies, and the job body limit shrinks from 200 MB
 * until one such body fits that half. A limit set explicitly must fit too;
 * start-up fails otherwise, rather than the first large body killing the process.
 */
export function bodyLimits(r: EnvReader, memoryBytes: number): BodyLimitsConfig {
  const bodyMemoryBytes = r.int('BODY_MEMORY_BYTES', Math.floor(memoryBytes / 2), { min: 4 * MB });
  const fitting = Math.floor(bodyMemoryBytes / BODY_MEMORY_COPIES);
  const maxSyncBodyBytes = r.int('MAX_SYNC_BODY_BYTES', Math.min(10 * MB, fitting), { min: 1024 });
  const maxJobBodyBytes = r.int('MAX_JOB_BODY_BYTES', Math.min(200 * MB, fitting), { min: 1024 });
  const largest = Math.max(maxSyncBodyBytes, maxJobBodyBytes) * BODY_MEMORY_COPIES;
  const bodyMemoryPerKeyBytes = r.int('BODY_MEMORY_PER_KEY_BYTES', Math.max(Math.floor(bodyMemoryBytes / 2), largest), { min: 1 });
  for (const [name, bytes] of [
    ['MAX_JOB_BODY_BYTES', maxJobBodyBytes],
    ['MAX_SYNC_BODY_BYTES', maxSyncBodyBytes],
  ] as const) {
    r.require(
      bytes * BODY_MEMORY_COPIES <= bodyMemoryBytes,
      `${name} (${bytes}) must fit BODY_MEMORY_BYTES (${bodyMemoryBytes}) ${BODY_MEMORY_COPIES} times over, the memory one body ` +
        `takes while parsed and staged: lower it, or raise BODY_MEMORY_BYTES (default half of the ${Math.round(memoryBytes / MB)} MiB this process may use)`,
    );
  }
  r.require(
    bodyMemoryPerKeyBytes >= largest && bodyMemoryPerKeyBytes <= bodyMemoryBytes,
    `BODY_MEMORY_PER_KEY_BYTES (${bodyMemoryPerKeyBytes}) must be at least ${BODY_MEMORY_COPIES} times the largest body limit (${largest}) ` +
      `and at most BODY_MEMORY_BYTES (${bodyMemoryBytes})`,
  );
  return { maxSyncBodyBytes, maxJobBodyBytes, bodyMemoryBytes, bodyMemoryPerKeyBytes };
}

/**
 * Express's `trust proxy`: which X-Forwarded-For hops to believe for the
 * client address (the failed-authentication limit counts per address).
 * `false` (default): the socket's peer; `true`: the left-most address;
 * a number: that many proxies; otherwise addresses, subnets or the names
 * loopback, linklocal, uniquelocal, comma-separated.
 */
export function trustProxySetting(r: EnvReader): boolean | number | string {
  const value = r.optionalString('TRUST_PROXY');
  if (value === undefined) return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (['true', 'false'].includes(value.toLowerCase())) return r.bool('TRUST_PROXY', false);
  r.require(
    /^[0-9A-Za-z.:/,\s]+$/.test(value),
    `TRUST_PROXY must be true, false, a number of proxies, or comma-separated addresses, subnets or loopback/linklocal/uniquelocal (got "${value}")`,
  );
  return value;
}
