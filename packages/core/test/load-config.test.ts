import { ConfigError, loadConfig } from '../src';

describe('loadConfig', () => {
  it('uses the local services and the local multilingual model when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8000);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/nonstop_ingest');
    expect(config.milvusAddress).toBe('127.0.0.1:19530');
    expect(config.milvusCollection).toBe('document_chunks');
    expect(config.embedding.provider).toBe('local-e5');
    expect(config.worker.maxActiveJobs).toBe(10);
  });

  it('migrates on start in development only, unless told otherwise', () => {
    expect(loadConfig({}).migrateOnStart).toBe(true);
    expect(loadConfig({ MIGRATE_ON_START: 'false' }).migrateOnStart).toBe(false);
    const production = { NODE_ENV: 'production', API_AUTH: 'required' };
    expect(loadConfig(production).migrateOnStart).toBe(false);
    expect(loadConfig({ ...production, MIGRATE_ON_START: 'true' }).migrateOnStart).toBe(true);
  });

  it('listens on every interface unless HOST names one', () => {
    expect(loadConfig({}).host).toBeUndefined();
    expect(loadConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', EMBEDDING_PROVIDER: 'magic', LOG_LEVEL: 'loud', MAX_ACTIVE_JOBS: '0' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    for (const name of ['PORT', 'EMBEDDING_PROVIDER', 'LOG_LEVEL', 'MAX_ACTIVE_JOBS']) {
      expect(message).toContain(name);
    }
  });

  it('requires a base URL and a model for the openai provider', () => {
    expect(() => loadConfig({ EMBEDDING_PROVIDER: 'openai' })).toThrow(/EMBEDDING_BASE_URL.*\n.*EMBEDDING_MODEL/s);
    const config = loadConfig({
      EMBEDDING_PROVIDER: 'openai',
      EMBEDDING_BASE_URL: 'http://127.0.0.1:9000/v1',
      EMBEDDING_MODEL: 'bge-m3',
    });
    expect(config.embedding.model).toBe('bge-m3');
  });

  it('presets the local multilingual e5 server by default (EMBEDDING_PROVIDER=local-e5), e5 query/passage roles included', () => {
    const preset = {
      provider: 'local-e5',
      baseUrl: 'http://127.0.0.1:8390/v1',
      model: 'multilingual-e5-small-q4',
      dimension: 384,
      inputRoles: 'input_type',
      batchSize: 16,
      concurrency: 2,
    };
    expect(loadConfig({}).embedding).toMatchObject(preset);
    expect(loadConfig({}).worker.pipelineBatchChunks).toBe(16);
    const config = loadConfig({ EMBEDDING_PROVIDER: 'local-e5' });
    expect(config.embedding).toMatchObject(preset);
    expect(config.worker.pipelineBatchChunks).toBe(16);
    // The same weights with e5's query prefix for passages too (symmetric), the server's other model.
    expect(loadConfig({ EMBEDDING_MODEL: 'multilingual-e5-small-q4-sym' }).embedding).toMatchObject({
      ...preset,
      model: 'multilingual-e5-small-q4-sym',
    });
    // Another host or port for the same server (e.g. a compose service).
    expect(loadConfig({ EMBEDDING_PROVIDER: 'local-e5', EMBEDDING_BASE_URL: 'http://e5:8390/v1' }).embedding.baseUrl).toBe(
      'http://e5:8390/v1',
    );
  });

  it('keeps all-MiniLM-L6-v2 in-process selectable (EMBEDDING_PROVIDER=local) with its own presets', () => {
    const config = loadConfig({ EMBEDDING_PROVIDER: 'local' });
    expect(config.embedding).toMatchObject({
      provider: 'local',
      baseUrl: undefined,
      model: 'all-MiniLM-L6-v2',
      dimension: undefined,
      inputRoles: 'none',
      batchSize: 32,
      concurrency: 1,
    });
    expect(config.worker.pipelineBatchChunks).toBe(64);
  });

  it('refuses a local-e5 setting that would not be that model, or would mark queries and passages wrongly', () => {
    expect(() => loadConfig({ EMBEDDING_PROVIDER: 'local-e5', EMBEDDING_MODEL: 'bge-m3' })).toThrow(
      /EMBEDDING_MODEL must be multilingual-e5-small-q4 or multilingual-e5-small-q4-sym \(or unset\)/,
    );
    expect(() => loadConfig({ EMBEDDING_PROVIDER: 'local-e5', EMBEDDING_DIMENSION: '768' })).toThrow(/EMBEDDING_DIMENSION must be 384/);
    // The server writes "passage: " / "query: " itself: a client prefix would double it.
    expect(() => loadConfig({ EMBEDDING_PROVIDER: 'local-e5', EMBEDDING_INPUT_ROLES: 'e5_prefix' })).toThrow(
      /EMBEDDING_INPUT_ROLES must be input_type/,
    );
    expect(() => loadConfig({ EMBEDDING_PROVIDER: 'local', EMBEDDING_INPUT_ROLES: 'input_type' })).toThrow(
      /EMBEDDING_INPUT_ROLES must be none/,
    );
    expect(() => loadConfig({ EMBEDDING_PROVIDER: 'local', EMBEDDING_MODEL: 'multilingual-e5-small-q4' })).toThrow(
      /EMBEDDING_MODEL must be all-MiniLM-L6-v2/,
    );
  });

  it('lets the openai provider mark e5 queries and passages by prefix or input_type, and refuses other values', () => {
    const base = {
      EMBEDDING_PROVIDER: 'openai',
      EMBEDDING_BASE_URL: 'http://tei:8080/v1',
      EMBEDDING_MODEL: 'intfloat/multilingual-e5-small',
    };
    expect(loadConfig(base).embedding.inputRoles).toBe('none');
    expect(loadConfig({ ...base, EMBEDDING_INPUT_ROLES: 'e5_prefix' }).embedding.inputRoles).toBe('e5_prefix');
    expect(loadConfig({ ...base, EMBEDDING_INPUT_ROLES: 'input_type' }).embedding.inputRoles).toBe('input_type');
    expect(() => loadConfig({ ...base, EMBEDDING_INPUT_ROLES: 'query' })).toThrow(
      /EMBEDDING_INPUT_ROLES must be one of none, e5_prefix, input_type/,
    );
  });

  it('reads the pipeline overlap and the GET /job staleness bound, refusing negatives', () => {
    expect(loadConfig({})).toMatchObject({ jobStatusCacheMs: 250, worker: { pipelineBatchesInFlight: 2 } });
    expect(loadConfig({ JOB_STATUS_CACHE_MS: '0', PIPELINE_BATCHES_IN_FLIGHT: '4' })).toMatchObject({
      jobStatusCacheMs: 0,
      worker: { pipelineBatchesInFlight: 4 },
    });
    expect(() => loadConfig({ JOB_STATUS_CACHE_MS: '-1', PIPELINE_BATCHES_IN_FLIGHT: '0' })).toThrow(
      /JOB_STATUS_CACHE_MS.*\n.*PIPELINE_BATCHES_IN_FLIGHT|PIPELINE_BATCHES_IN_FLIGHT.*\n.*JOB_STATUS_CACHE_MS/s,
    );
  });

  it('limits every webhook DNS lookup, 2 s unless WEBHOOK_DNS_TIMEOUT_MS says otherwise, and refuses no limit at all', () => {
    expect(loadConfig({}).webhook).toMatchObject({ dnsTimeoutMs: 2_000 });
    expect(loadConfig({ WEBHOOK_DNS_TIMEOUT_MS: '500' }).webhook).toMatchObject({ dnsTimeoutMs: 500 });
    expect(() => loadConfig({ WEBHOOK_DNS_TIMEOUT_MS: '0' })).toThrow(/WEBHOOK_DNS_TIMEOUT_MS must be >= 50/);
    expect(() => loadConfig({ WEBHOOK_DNS_TIMEOUT_MS: '120000' })).toThrow(/WEBHOOK_DNS_TIMEOUT_MS must be <= 60000/);
  });

  it('rejects a collection name that is not a Milvus identifier', () => {
    expect(() => loadConfig({ MILVUS_COLLECTION: 'chunks"; drop' })).toThrow(/MILVUS_COLLECTION/);
  });

  it('rejects a per-document timeout longer than the job timeout', () => {
    expect(() => loadConfig({ DOCUMENT_TIMEOUT_MS: '7200000' })).toThrow(/DOCUMENT_TIMEOUT_MS/);
  });

  it('gives each account a quarter of the job slots by default (at least one), and refuses a share above MAX_ACTIVE_JOBS', () => {
    expect(loadConfig({}).worker).toMatchObject({ maxActiveJobs: 10, maxActiveJobsPerAccount: 2, fairShareCheckMs: 1_000 });
    expect(loadConfig({ MAX_ACTIVE_JOBS: '2' }).worker.maxActiveJobsPerAccount).toBe(1);
    expect(loadConfig({ MAX_ACTIVE_JOBS: '40', MAX_ACTIVE_JOBS_PER_ACCOUNT: '40' }).worker.maxActiveJobsPerAccount).toBe(40);
    expect(() => loadConfig({ MAX_ACTIVE_JOBS: '4', MAX_ACTIVE_JOBS_PER_ACCOUNT: '5' })).toThrow(
      /MAX_ACTIVE_JOBS_PER_ACCOUNT must not exceed/,
    );
    expect(() => loadConfig({ MAX_ACTIVE_JOBS_PER_ACCOUNT: '0' })).toThrow(/MAX_ACTIVE_JOBS_PER_ACCOUNT/);
  });

  it('renews a job slot at least twice within its lease (WORKER_LOCK_DURATION_MS)', () => {
    expect(loadConfig({ FAIR_SHARE_CHECK_MS: '500', WORKER_LOCK_DURATION_MS: '1000' }).worker.fairShareCheckMs).toBe(500);
    expect(() => loadConfig({ FAIR_SHARE_CHECK_MS: '6000' })).toThrow(
      /FAIR_SHARE_CHECK_MS must be at most half of WORKER_LOCK_DURATION_MS/,
    );
  });
});

describe('loadConfig authentication', () => {
  it('bounds the queued chunks per account besides the queued documents', () => {
    expect(loadConfig({}).auth).toMatchObject({ maxQueuedDocumentsPerAccount: 1_000_000, maxQueuedChunksPerAccount: 10_000_000 });
    expect(loadConfig({ MAX_QUEUED_CHUNKS_PER_ACCOUNT: '500' }).auth.maxQueuedChunksPerAccount).toBe(500);
    expect(() => loadConfig({ MAX_QUEUED_CHUNKS_PER_ACCOUNT: '0' })).toThrow(/MAX_QUEUED_CHUNKS_PER_ACCOUNT/);
  });

  it('requires API keys in production and refuses API_AUTH=disabled there, saying what to set', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).auth.apiAuth).toBe('required');
    expect(() => loadConfig({ NODE_ENV: 'production', API_AUTH: 'disabled' })).toThrow(
      /API_AUTH=disabled is refused with NODE_ENV=production: set API_AUTH=required/,
    );
    expect(loadConfig({ API_AUTH: 'disabled' }).auth.apiAuth).toBe('disabled');
  });
});
