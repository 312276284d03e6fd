import { randomUUID } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { createMetrics, type Metrics } from '@nonstop/core';
import { auditConsistency, latestWholeAudit } from '@nonstop/pipeline';
import { createPool, migrate, MilvusVectorStore, milvusIntList } from '@nonstop/storage';
import { AUDIT_LOCK_KEY, runScheduledAudit } from '../src/scheduled-audit';
import { seedChunksWithStandInVectors, type SeededChunk } from '../../../test/support/seed-chunks';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { testConfig, testLogger, uniqueAccount } from '../../../test/support/test-env';

/**
 * The workers' scheduled audit of every account and the drift series it
 * feeds, against the real PostgreSQL and Milvus. A whole audit sees every
 * account of its database and collection, so this test has a database and a
 * collection of its own, with drift made by hand: the series must show
 * exactly that drift.
 */
const config = testConfig();
const suffix = randomUUID().slice(0, 8);
const databaseUrl = (() => {
  const url = new URL(config.databaseUrl);
  url.pathname = `/nonstop_ingest_test_audit_${suffix}`;
  return url.toString();
})();
const DIMENSION = 384;
let pool: Pool;
let vectors: MilvusVectorStore;
let metrics: Metrics;
let chunks: SeededChunk[];
const account = uniqueAccount('sched_audit');

beforeAll(async () => {
  await migrate(databaseUrl);
  pool = createPool(databaseUrl, { applicationName: 'nonstop-test-scheduled-audit' });
  vectors = new MilvusVectorStore({ address: config.milvusAddress, collection: `test_audit_${suffix}` });
  await vectors.ensureCollection({ embedding_model: 'stand-in', dimension: DIMENSION });
  chunks = await seedChunksWithStandInVectors(pool, vectors, DIMENSION, { accountName: account, documents: 3, chunksPerDocument: 2 });
  metrics = createMetrics({ defaultMetrics: false });
  metrics.watchConsistencyAudit(() => latestWholeAudit(pool));
});

afterAll(async () => {
  await vectors.client.dropCollection({ collection_name: vectors.collection }).catch(() => undefined);
  await vectors.close();
  await pool.end();
  const admin = new Client({ connectionString: config.databaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "nonstop_ingest_test_audit_${suffix}" WITH (FORCE)`);
  await admin.end();
});

/** The scraped value of each consistency series, by its name and labels as the text format shows them. */
async function scrapeConsistency(): Promise<Record<string, number>> {
  const text = await metrics.registry.metrics();
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^(nonstop_consistency_\S+) (\S+)$/.exec(line);
    if (match) values[match[1]!] = Number(match[2]);
  }
  return values;
}

async function deleteVector(chunk: SeededChunk): Promise<void> {
  await vectors.client.deleteEntities({ collection_name: vectors.collection, filter: `chunk_id in ${milvusIntList([chunk.chunk_id])}` });
}

it('reports NaN before the first audit, not "no drift"', async () => {
  const scraped = await scrapeConsistency();
  expect(scraped['nonstop_consistency_drift_chunks']).toBeNaN();
  expect(scraped['nonstop_consistency_audit_age_seconds']).toBeNaN();
  expect(scraped['nonstop_consistency_drift_found_chunks{kind="missing"}']).toBeNaN();
});

it('a scheduled audit finds the drift made by hand; an account-scoped audit does not move the series; the next whole audit does', async () => {
  await deleteVector(chunks[0]!);
  await deleteVector(chunks[3]!);

  expect(await runScheduledAudit({ pool, vectors }, testLogger)).toBe('audited');
  let scraped = await scrapeConsistency();
  expect(scraped).toMatchObject({
    nonstop_consistency_drift_chunks: 2,
    'nonstop_consistency_drift_found_chunks{kind="missing"}': 2,
    'nonstop_consistency_drift_found_chunks{kind="orphans"}': 0,
    'nonstop_consistency_drift_found_chunks{kind="duplicates"}': 0,
    'nonstop_consistency_drift_found_chunks{kind="rolled_back_rows"}': 0,
  });
  expect(scraped['nonstop_consistency_audit_age_seconds']).toBeGreaterThanOrEqual(0);
  expect(scraped['nonstop_consistency_audit_age_seconds']).toBeLessThan(60);

  // Fixed by hand, then audited for the one account: recorded, but a whole audit is what the series report.
  await vectors.upsert(
    [chunks[0]!, chunks[3]!].map(({ text: _text, ...chunk }) => ({ ...chunk, embedding: Array(DIMENSION).fill(1 / Math.sqrt(DIMENSION)) })),
  );
  const scoped = await auditConsistency({ pool, vectors }, { accountName: account });
  expect(scoped.totals.drift).toBe(0);
  expect((await scrapeConsistency())['nonstop_consistency_drift_chunks']).toBe(2);
  const recorded = await pool.query('SELECT account_name, drift FROM consistency_audit_runs ORDER BY id');
  expect(recorded.rows).toEqual([
    { account_name: null, drift: '2' },
    { account_name: account, drift: '0' },
  ]);

  expect(await runScheduledAudit({ pool, vectors }, testLogger)).toBe('audited');
  scraped = await scrapeConsistency();
  expect(scraped['nonstop_consistency_drift_chunks']).toBe(0);
  expect(scraped['nonstop_consistency_drift_found_chunks{kind="missing"}']).toBe(0);
});

it('audits on one worker at a time: while another session holds the lock, the pass skips', async () => {
  const other = await pool.connect();
  try {
    const before = await pool.query('SELECT count(*)::int AS n FROM consistency_audit_runs');
    await other.query('SELECT pg_advisory_lock($1)', [AUDIT_LOCK_KEY]);
    expect(await runScheduledAudit({ pool, vectors }, testLogger)).toBe('another worker is auditing');
    await other.query('SELECT pg_advisory_unlock($1)', [AUDIT_LOCK_KEY]);
    expect(await runScheduledAudit({ pool, vectors }, testLogger)).toBe('audited');
    const after = await pool.query('SELECT count(*)::int AS n FROM consistency_audit_runs');
    expect(after.rows[0].n).toBe(before.rows[0].n + 1);
  } finally {
    other.release();
  }
});

it('a failed read keeps the last values: a PostgreSQL outage does not fail the scrape', async () => {
  const failing = createMetrics({ defaultMetrics: false });
  let fail = false;
  failing.watchConsistencyAudit(async () => {
    if (fail) throw new Error('connection refused');
    return latestWholeAudit(pool);
  });
  const first = await failing.registry.metrics();
  expect(first).toMatch(/^nonstop_consistency_drift_chunks 0$/m);
  fail = true;
  const second = await failing.registry.metrics();
  expect(second).toMatch(/^nonstop_consistency_drift_chunks 0$/m);
});

/** Whether a session of its own can take the audit lock now (and gives it back). */
async function auditLockIsFree(): Promise<boolean> {
  const { rows } = await pool.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [AUDIT_LOCK_KEY]);
  if (rows[0]!.locked) await pool.query('SELECT pg_advisory_unlock($1)', [AUDIT_LOCK_KEY]);
  return rows[0]!.locked;
}

it('an outage during the audit records no run, leaves the series and frees the lock; the next audit records the truth', async () => {
  const runs = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM consistency_audit_runs')).rows[0]!.n;
  await deleteVector(chunks[1]!); // one missing vector, for the audit after the outages to find
  const seriesBefore = await scrapeConsistency();
  const runsBefore = await runs();

  // Milvus cut after the first window was compared (pages of 2 rows: three windows).
  const milvusProxy = TcpProxy.inFrontOfAddress(config.milvusAddress);
  await milvusProxy.start();
  const proxiedVectors = new MilvusVectorStore({
    address: milvusProxy.address,
    collection: vectors.collection,
    maxAttempts: 2,
    retryDelayMs: 50,
  });
  try {
    await proxiedVectors.ensureCollection({ embedding_model: 'stand-in', dimension: DIMENSION });
    const audited = auditConsistency(
      { pool, vectors: proxiedVectors },
      { accountName: account, pageSize: 2, onProgress: () => milvusProxy.cut() },
    );
    await expect(audited).rejects.toMatchObject({ name: 'DependencyError', message: expect.stringMatching(/Milvus/i) });
  } finally {
    await proxiedVectors.close();
    await milvusProxy.close();
  }

  // PostgreSQL cut the moment the worker's pass turns to Milvus: it has read the rows, and can neither re-check nor record.
  const pgProxy = TcpProxy.inFrontOf(databaseUrl, 5432);
  await pgProxy.start();
  const proxiedPool = createPool(pgProxy.proxied(databaseUrl), { applicationName: 'nonstop-test-audit-outage' });
  const cuttingClient = new Proxy(vectors.client, {
    get(target, property) {
      if (property === 'query') pgProxy.cut();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const cuttingVectors = Object.assign(Object.create(vectors) as MilvusVectorStore, { client: cuttingClient });
  try {
    await expect(runScheduledAudit({ pool: proxiedPool, vectors: cuttingVectors }, testLogger)).rejects.toThrow();
  } finally {
    await proxiedPool.end().catch(() => undefined);
    await pgProxy.close();
  }

  expect(await runs()).toBe(runsBefore);
  // Only the age moves: the last audit that finished is older now.
  const { nonstop_consistency_audit_age_seconds: ageBefore, ...driftBefore } = seriesBefore;
  const { nonstop_consistency_audit_age_seconds: ageAfter, ...driftAfter } = await scrapeConsistency();
  expect(driftAfter).toEqual(driftBefore);
  expect(ageAfter).toBeGreaterThan(ageBefore!);
  // The pass's session ended with its connection, and its lock with it (PostgreSQL notices the closed socket).
  for (let tries = 0; !(await auditLockIsFree()) && tries < 50; tries += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await auditLockIsFree()).toBe(true);

  expect(await runScheduledAudit({ pool, vectors }, testLogger)).toBe('audited');
  expect(await runs()).toBe(runsBefore + 1);
  expect(await scrapeConsistency()).toMatchObject({
    nonstop_consistency_drift_chunks: 1,
    'nonstop_consistency_drift_found_chunks{kind="missing"}': 1,
  });
});
