import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { Client, Pool } from 'pg';
import { ConsistencyLevelEnum, MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { Embedder } from '@nonstop/core';
import { createEmbedder } from '@nonstop/embeddings';
import { abandonReembed, countVectors, reembed, rollbackReembed, type ReembedReport } from '@nonstop/pipeline';
import {
  migrate,
  MilvusChunkSearch,
  MilvusVectorStore,
  PgReembedStore,
  resolveCollectionName,
  type EmbeddingSignature,
} from '@nonstop/storage';
import { seedChunks, type SeededChunk } from '../../../test/support/seed-chunks';
import { testConfig, testLogger, uniqueAccount, waitFor } from '../../../test/support/test-env';

/**
 * Blue/green re-embedding against the real PostgreSQL and Milvus with the
 * real models: all-MiniLM-L6-v2 in-process (the old model) to the
 * multilingual-e5-small server services-up runs (the new one). The chunks
 * live in a database of this file's own (the re-embed covers every chunk of
 * its database), and every alias and collection is named after this run.
 */
const ROOT = path.resolve(__dirname, '../../..');
const config = testConfig();
const run = randomUUID().slice(0, 8);
const databaseUrl = config.databaseUrl.replace(/\/[^/]+$/, `/reembed_${run}`);
const prefix = `reembed_${run}`;
let pool: Pool;
let milvus: MilvusClient;
let minilm: Embedder;
let e5: Embedder;

const TOPICS = [
  '서울의 지하철은 새벽 다섯 시 반부터 운행을 시작합니다',
  '김치는 배추를 소금에 절인 뒤 양념으로 버무려 만듭니다',
  '한라산은 제주도 한가운데에 있는 휴화산입니다',
  '훈민정음은 세종대왕이 백성을 위해 만든 글자입니다',
  '벡터 데이터베이스는 임베딩의 최근접 이웃을 빠르게 찾습니다',
  '장마철에는 습도가 높아 빨래가 잘 마르지 않습니다',
  '판소리는 소리꾼과 고수가 함께 이야기를 노래하는 공연입니다',
  '온돌은 바닥을 데워 방 전체를 따뜻하게 하는 난방 방식입니다',
  'The lighthouse keeper logged every passing ship by lantern light',
  'Sourdough needs a starter fed with flour and water each day',
  'A reverse proxy terminates TLS before requests reach the service',
  'Glaciers carve U-shaped valleys as they slowly advance',
  'The orchestra tuned to the oboe before the symphony began',
  'Photosynthesis turns sunlight, water and carbon dioxide into sugar',
  'Mixed 문장: PostgreSQL 트랜잭션은 commit 이후에만 다른 세션에 보입니다',
  '고양이는 하루에 열두 시간 넘게 잠을 잡니다',
  '부산 자갈치 시장에서는 새벽마다 생선 경매가 열립니다',
];

function text(document: number, chunk: number): string {
  return `${TOPICS[(document * 3 + chunk) % TOPICS.length]} (${document}-${chunk})`;
}

const MINILM: EmbeddingSignature = { embedding_model: 'all-MiniLM-L6-v2', dimension: 384 };

async function embedAndWrite(store: MilvusVectorStore, embedder: Embedder, chunks: SeededChunk[]): Promise<void> {
  const embeddings = await embedder.embed(chunks.map((chunk) => chunk.text));
  await store.upsert(chunks.map(({ text: _text, ...chunk }, i) => ({ ...chunk, embedding: embeddings[i]! })));
}

async function pgChunkCount(): Promise<number> {
  return Number((await pool.query('SELECT count(*) AS n FROM document_chunks')).rows[0].n);
}

/** A deployment of the old model on `alias`, with `documents` × 5 chunks in PostgreSQL and their MiniLM vectors. */
async function oldDeployment(
  alias: string,
  documents: number,
): Promise<{ store: MilvusVectorStore; account: string; chunks: SeededChunk[] }> {
  const store = new MilvusVectorStore({ address: config.milvusAddress, collection: alias, targetRecheckMs: 200 });
  await store.ensureCollection(MINILM);
  const account = uniqueAccount('reembed');
  const { chunks } = await seedChunks(pool, { accountName: account, documents, chunksPerDocument: 5, text });
  await embedAndWrite(store, minilm, chunks);
  return { store, account, chunks };
}

beforeAll(async () => {
  await migrate(databaseUrl);
  pool = new Pool({ connectionString: databaseUrl, max: 4 });
  milvus = new MilvusClient({ address: config.milvusAddress, logLevel: 'error' });
  minilm = await createEmbedder(testConfig({ EMBEDDING_PROVIDER: 'local' }).embedding, testLogger);
  e5 = await createEmbedder(testConfig({ EMBEDDING_PROVIDER: 'local-e5' }).embedding, testLogger);
});

afterAll(async () => {
  const shown = await milvus.showCollections();
  for (const collection of shown.data.filter((c) => c.name.startsWith(prefix))) {
    const described = await milvus.describeCollection({ collection_name: collection.name });
    for (const alias of described.aliases ?? []) await milvus.dropAlias({ alias });
    await milvus.dropCollection({ collection_name: collection.name });
  }
  milvus.closeConnection();
  await Promise.allSettled([pool.end(), minilm.close?.(), e5.close?.()]);
  const admin = new Client({ connectionString: config.databaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS reembed_${run} WITH (FORCE)`);
  await admin.end();
});

test('a new deployment gets <name>_<model>_v1 behind the alias <name>; a process of another model refuses it', async () => {
  const alias = `${prefix}_fresh`;
  const store = new MilvusVectorStore({ address: config.milvusAddress, collection: alias });
  const other = new MilvusVectorStore({ address: config.milvusAddress, collection: alias });
  try {
    await store.ensureCollection(MINILM);
    expect(await resolveCollectionName(milvus, alias)).toEqual({
      kind: 'alias',
      physical: `${alias}_all_minilm_l6_v2_v1`,
      signature: MINILM,
    });
    await expect(other.ensureCollection({ embedding_model: 'multilingual-e5-small-q4', dimension: 384 })).rejects.toMatchObject({
      name: 'CollectionMismatchError',
      message: expect.stringContaining('holds vectors of all-MiniLM-L6-v2'),
    });
    // A deployment made before local-e5 became the default is told how to keep its model or move to the new one.
    await expect(other.ensureCollection({ embedding_model: 'multilingual-e5-small-q4', dimension: 384 })).rejects.toThrow(
      '(EMBEDDING_PROVIDER=local for all-MiniLM-L6-v2, or npm run reembed -- --provider local-e5 to move to the default)',
    );
  } finally {
    await Promise.all([store.close(), other.close()]);
  }
});

test('MiniLM → e5 while the service writes and searches: counts equal, canaries first, the switch under a search loop with 0 failures, then --rollback', async () => {
  const alias = `${prefix}_live`;
  const { store: oldStore, account, chunks } = await oldDeployment(alias, 10);
  const source = `${alias}_all_minilm_l6_v2_v1`;

  // The running service's searches: MiniLM queries through the alias, four loops back to back.
  const searcher = new MilvusVectorStore({ address: config.milvusAddress, collection: alias });
  const search = new MilvusChunkSearch(searcher);
  const [query] = await minilm.embed(['지하철 운행 시간']);
  const searches: Array<{ started: number; ended: number; failed?: string }> = [];
  let searching = true;
  const loop = async (): Promise<void> => {
    while (searching) {
      const started = Date.now();
      try {
        const hits = await search.search(query!, { accountName: account }, 5);
        searches.push({ started, ended: Date.now(), ...(hits.length === 0 ? { failed: 'no hits' } : {}) });
      } catch (error) {
        searches.push({ started, ended: Date.now(), failed: String(error) });
      }
    }
  };
  const loops = [loop(), loop(), loop(), loop()];

  // Writes made by the service during the re-embed: a document deleted, one added.
  const removed = chunks.filter((chunk) => chunk.document_id === chunks[0]!.document_id);
  let during: Promise<SeededChunk[]> | undefined;
  const writeDuring = async (): Promise<SeededChunk[]> => {
    await pool.query('DELETE FROM documents WHERE id = $1', [removed[0]!.document_id]);
    await oldStore.deleteByDocumentIds([removed[0]!.document_id]);
    const added = (
      await seedChunks(pool, {
        accountName: account,
        documents: 1,
        chunksPerDocument: 5,
        label: 'during',
        text: (d, c) => `${text(d + 7, c)} 추가`,
      })
    ).chunks;
    await embedAndWrite(oldStore, minilm, added);
    return added;
  };
  let switchedAt = 0;
  let reported: ReembedReport | undefined;
  try {
    reported = await reembed(
      { pool, vectors: searcher, milvusAddress: config.milvusAddress },
      {
        embedder: e5,
        embedding: { provider: 'local-e5', model: e5.model, dimension: 384, base_url: null },
        sourceEmbedding: { provider: 'local', model: 'all-MiniLM-L6-v2', dimension: null, base_url: null },
        batchSize: 8,
        switchSettleMs: 1_000,
        onProgress: (progress) => {
          if (progress.phase === 'bulk' && !during) during = writeDuring();
        },
        log: (line) => {
          if (line.startsWith('switched')) switchedAt = Date.now();
        },
      },
    );
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    searching = false;
    await Promise.all(loops);
  }
  const report = reported!;
  const added = await during!;
  const target = `${alias}_multilingual_e5_small_q4_v1`;
  const total = await pgChunkCount();

  expect(report.target_collection).toBe(target);
  expect(report.counts).toEqual({ pg_chunks: total, pg_active_or_superseded: total, milvus: total });
  expect(await countVectors(milvus, target)).toBe(total);
  expect(report.catch_up_passes.reduce((sum, pass) => sum + pass.deleted, 0) + report.bulk.chunks).toBeGreaterThanOrEqual(total);
  expect(report.canaries.length).toBeGreaterThan(0);
  for (const canary of report.canaries) expect(canary.rank).toBe(1);
  expect(await resolveCollectionName(milvus, alias)).toMatchObject({ kind: 'alias', physical: target });
  // The new collection holds the document added during the re-embed and none of the deleted one.
  const inTarget = new Set(
    (
      await milvus.query({
        collection_name: target,
        filter: `account_name == "${account}"`,
        output_fields: ['chunk_id'],
        limit: 1000,
        consistency_level: ConsistencyLevelEnum.Strong,
      })
    ).data.map((row) => Number(row.chunk_id)),
  );
  for (const chunk of added) expect(inTarget.has(chunk.chunk_id)).toBe(true);
  for (const chunk of removed) expect(inTarget.has(chunk.chunk_id)).toBe(false);

  const failed = searches.filter((s) => s.failed !== undefined);
  const acrossSwitch = searches.filter((s) => s.started <= switchedAt + 50 && s.ended >= switchedAt - report.switch_ms - 50);
  testLogger.warn(
    `re-embed: bulk ${report.bulk.chunks} chunks at ${report.bulk.chunks_per_second.toFixed(1)} chunks/s; switch ${report.switch_ms.toFixed(1)} ms; ` +
      `${searches.length} searches, ${acrossSwitch.length} in flight across the switch, ${failed.length} failed`,
  );
  expect(failed).toEqual([]);
  expect(acrossSwitch.length).toBeGreaterThan(0);

  // A process still on MiniLM refuses to write once its store rechecks the alias; one on e5 writes.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const late = (
    await seedChunks(pool, {
      accountName: account,
      documents: 1,
      chunksPerDocument: 3,
      label: 'late',
      text: (d, c) => `${text(d + 3, c)} 늦게`,
    })
  ).chunks;
  await expect(embedAndWrite(oldStore, minilm, late)).rejects.toMatchObject({
    name: 'DependencyError',
    message: expect.stringContaining(`holds vectors of ${e5.model}`),
  });
  const newStore = new MilvusVectorStore({ address: config.milvusAddress, collection: alias });
  await newStore.ensureCollection({ embedding_model: e5.model, dimension: 384 });
  await embedAndWrite(newStore, e5, late);
  const [korean] = await e5.embedQueries!(['한라산은 어디에 있나요?']);
  const hits = await new MilvusChunkSearch(newStore).search(korean!, { accountName: account }, 1);
  const hanla = await pool.query('SELECT text FROM document_chunks WHERE id = $1', [hits[0]!.chunk_id]);
  expect(hanla.rows[0].text).toContain('한라산');

  // --rollback: the old collection is caught up with MiniLM (the chunks written since), then the alias points at it again.
  const rollback = await rollbackReembed({ pool, vectors: searcher, milvusAddress: config.milvusAddress }, { oldEmbedder: minilm });
  expect(rollback).toMatchObject({ from: target, to: source });
  expect(rollback.catch_up!.written).toBeGreaterThanOrEqual(late.length);
  expect(await resolveCollectionName(milvus, alias)).toMatchObject({ kind: 'alias', physical: source, signature: MINILM });
  expect(await countVectors(milvus, source)).toBe(await pgChunkCount());
  expect((await new PgReembedStore(pool).latest(alias))?.state).toBe('rolled_back');
  await Promise.all([oldStore.close(), searcher.close(), newStore.close()]);
});

function spawnReembed(alias: string, args: string[]): { exited: Promise<number | null>; kill: () => void; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/reembed.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, MILVUS_COLLECTION: alias, EMBEDDING_PROVIDER: 'local', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => {
    output += data.toString('utf8');
  });
  child.stderr.on('data', (data: Buffer) => {
    output += data.toString('utf8');
  });
  return {
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    kill: () => child.kill('SIGKILL'),
    output: () => output,
  };
}

test('an old deployment (MILVUS_COLLECTION a physical collection) is adopted behind the alias; kill -9 of npm run reembed, and the re-run resumes', async () => {
  const name = `${prefix}_legacy`;
  // The layout before aliases: the collection itself is named MILVUS_COLLECTION.
  const legacy = new MilvusVectorStore({ address: config.milvusAddress, collection: name });
  await legacy.createChunkCollection(name, MINILM);
  await legacy.ensureCollection(MINILM);
  expect(await resolveCollectionName(milvus, name)).toMatchObject({ kind: 'collection', physical: name });
  const all = await seedChunks(pool, {
    accountName: uniqueAccount('legacy'),
    documents: 6,
    chunksPerDocument: 5,
    text: (d, c) => text(d + 11, c),
  });
  // Every chunk of the database has its MiniLM vector in the legacy collection.
  const everyChunk = await new PgReembedStore(pool).chunksAfter(0, 10_000);
  await embedAndWrite(
    legacy,
    minilm,
    everyChunk.map((chunk) => ({ ...chunk })),
  );
  await legacy.close();
  const total = await pgChunkCount();
  expect(all.chunks.length).toBe(30);

  const runs = new PgReembedStore(pool);
  // Searches through the name while the first run renames the collection and puts the alias in its place.
  const searcher = new MilvusVectorStore({ address: config.milvusAddress, collection: name });
  const search = new MilvusChunkSearch(searcher);
  const [query] = await minilm.embed(['빨래가 마르지 않는 계절']);
  let searching = true;
  const failures: string[] = [];
  let searched = 0;
  const loop = (async () => {
    while (searching) {
      await search.search(query!, { accountName: all.chunks[0]!.account_name }, 3).then(
        () => {
          searched += 1;
        },
        (error: unknown) => {
          failures.push(String(error));
        },
      );
    }
  })();
  const first = spawnReembed(name, ['--provider', 'local-e5', '--batch-size', '4']);
  const checkpoint = await waitFor(
    'a checkpoint',
    async () => {
      const building = await runs.building(name).catch(() => undefined);
      return building && building.chunks_written >= 8 ? building : undefined;
    },
    120_000,
    20,
  );
  first.kill();
  expect(await first.exited).toBeNull();
  searching = false;
  await loop;
  await searcher.close();
  expect({ searched: searched > 0, failures }).toEqual({ searched: true, failures: [] });
  const killedAt = (await runs.building(name))!;
  expect(killedAt.chunks_written).toBeGreaterThanOrEqual(checkpoint.chunks_written);
  expect(killedAt.chunks_written).toBeLessThan(total);
  expect(first.output()).toContain('renamed to');
  expect(await resolveCollectionName(milvus, name)).toMatchObject({ kind: 'alias', physical: `${name}_all_minilm_l6_v2_v1` });
  // The rename kept the vectors.
  expect(await countVectors(milvus, `${name}_all_minilm_l6_v2_v1`)).toBe(total);

  const status = spawnReembed(name, ['--status']);
  expect(await status.exited).toBe(0);
  expect(JSON.parse(status.output().slice(status.output().indexOf('{'))).building).toMatchObject({ last_chunk_id: killedAt.last_chunk_id });

  const second = spawnReembed(name, ['--provider', 'local-e5', '--batch-size', '4']);
  const code = await second.exited;
  expect({ code, output: second.output() }).toMatchObject({ code: 0 });
  expect(second.output()).toContain(`resuming ${name}_multilingual_e5_small_q4_v1 after chunk id ${killedAt.last_chunk_id}`);
  const report = JSON.parse(
    second
      .output()
      .split('\n')
      .find((line) => line.startsWith('{"alias"'))!,
  ) as ReembedReport;
  // The second run embedded only what the first had not checkpointed (the bulk pass did not start over).
  expect(report.bulk.chunks).toBe(total - killedAt.chunks_written);
  expect(report.counts.milvus).toBe(total);
  expect(second.output()).toMatch(/\d+\/\d+ chunks \(\d+\.\d%\), [\d.]+ chunks\/s, ETA/);
  expect(await resolveCollectionName(milvus, name)).toMatchObject({ kind: 'alias', physical: `${name}_multilingual_e5_small_q4_v1` });

  const rollback = spawnReembed(name, ['--rollback']);
  expect(await rollback.exited).toBe(0);
  expect(await resolveCollectionName(milvus, name)).toMatchObject({ kind: 'alias', physical: `${name}_all_minilm_l6_v2_v1` });
});

test('a re-embed killed between the rename and the alias of an adoption finishes it on the next run; --abandon drops an unfinished target', async () => {
  const name = `${prefix}_halfway`;
  // What the rename leaves when the process dies before createAlias: the renamed collection, no name.
  const renamed = `${name}_all_minilm_l6_v2_v1`;
  const store = new MilvusVectorStore({ address: config.milvusAddress, collection: renamed });
  await store.createChunkCollection(renamed, MINILM);
  await store.ensureCollection(MINILM);
  expect(await resolveCollectionName(milvus, name)).toEqual({ kind: 'missing' });
  const vectors = new MilvusVectorStore({ address: config.milvusAddress, collection: name });
  const stop = new Error('stopped by the test after the first batch');
  const lines: string[] = [];
  await expect(
    reembed(
      { pool, vectors, milvusAddress: config.milvusAddress },
      {
        embedder: e5,
        embedding: { provider: 'local-e5', model: e5.model, dimension: 384, base_url: null },
        batchSize: 4,
        onProgress: () => {
          throw stop;
        },
        log: (line) => lines.push(line),
      },
    ),
  ).rejects.toBe(stop);
  expect(lines[0]).toBe(`finished an interrupted adoption: "${name}" is now an alias of ${renamed}`);
  expect(await resolveCollectionName(milvus, name)).toMatchObject({ kind: 'alias', physical: renamed });
  const target = `${name}_multilingual_e5_small_q4_v1`;
  expect((await milvus.hasCollection({ collection_name: target })).value).toBe(true);

  const abandoned = await abandonReembed({ pool, vectors, milvusAddress: config.milvusAddress });
  expect(abandoned?.target_collection).toBe(target);
  expect((await milvus.hasCollection({ collection_name: target })).value).toBe(false);
  expect((await new PgReembedStore(pool).latest(name))?.state).toBe('abandoned');
  expect(await resolveCollectionName(milvus, name)).toMatchObject({ kind: 'alias', physical: renamed });
  await Promise.all([store.close(), vectors.close()]);
});
