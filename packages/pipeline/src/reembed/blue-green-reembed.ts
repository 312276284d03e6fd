import type { Pool } from 'pg';
import type { Embedder } from '@nonstop/core';
import {
  canaryChunks,
  expectSuccess,
  MilvusChunkSearch,
  MilvusVectorStore,
  nextPhysicalName,
  PgReembedStore,
  resolveCollectionName,
  WRITE_TARGET_RECHECK_MS,
  type EmbeddingSettings,
  type EmbeddingSignature,
  type ReembedRun,
} from '@nonstop/storage';
import { catchUpPass, countVectors, embedInto, type CatchUpResult } from './catch-up-pass';

export interface ReembedDeps {
  pool: Pool;
  /** A store on the alias (MILVUS_COLLECTION): its client does every Milvus call. */
  vectors: MilvusVectorStore;
  milvusAddress: string;
}

export interface ReembedProgress {
  phase: 'bulk' | 'catch-up' | 'final catch-up';
  done: number;
  total: number;
  chunks_per_second: number;
  eta_seconds: number | undefined;
}

export interface ReembedOptions {
  /** The new model. */
  embedder: Embedder;
  embedding: EmbeddingSettings;
  /** The model the running service uses (the current config), recorded so a rollback can catch the old collection up. */
  sourceEmbedding?: EmbeddingSettings;
  /** Chunks per embedding call and per checkpoint. */
  batchSize?: number;
  /** Catch-up passes before giving up when writers keep changing the chunks. */
  maxCatchUpPasses?: number;
  /** How long after the switch a process of the old model may still write into the old collection (the stores' recheck). */
  switchSettleMs?: number;
  onProgress?: (progress: ReembedProgress) => void;
  log?: (line: string) => void;
}

export interface ReembedReport {
  alias: string;
  source_collection: string;
  target_collection: string;
  /** A deployment whose MILVUS_COLLECTION was a physical collection, renamed and put behind the alias first. */
  adopted_from?: string;
  bulk: { chunks: number; seconds: number; chunks_per_second: number };
  catch_up_passes: CatchUpResult[];
  counts: { pg_chunks: number; pg_active_or_superseded: number; milvus: number };
  canaries: Array<{ chunk_id: number; rank: number | undefined }>;
  switch_ms: number;
  final_catch_up: CatchUpResult;
}

export class ReembedError extends Error {
  override name = 'ReembedError';
}

const BATCH_SIZE = 64;
const MAX_CATCH_UP_PASSES = 5;

/**
 * Blue/green re-embedding behind the alias MILVUS_COLLECTION: a new physical
 * collection for the new model is filled from PostgreSQL's chunks (a bulk
 * pass in id order, checkpointed in embedding_reembeds after every batch, so
 * a killed run resumes), caught up with the writes made meanwhile (whole-set
 * passes until one changes nothing), verified (counts equal at Strong
 * consistency, canary searches), then the alias is switched with one
 * alterAlias. The old collection stays, loaded, for --rollback. After the
 * switch, processes of the old model refuse to write (their stores check the
 * alias's model); the writes they made just before are caught up once their
 * recheck interval has passed.
 */
export async function reembed(deps: ReembedDeps, options: ReembedOptions): Promise<ReembedReport> {
  const log = options.log ?? (() => {});
  const runs = new PgReembedStore(deps.pool);
  const client = deps.vectors.client;
  const alias = deps.vectors.collection;
  const signature: EmbeddingSignature = { embedding_model: options.embedder.model, dimension: options.embedder.dimension };
  const adoptedFrom = await adoptPhysicalCollection(deps.vectors, runs, log);
  const current = await resolveCollectionName(client, alias);
  if (current.kind !== 'alias')
    throw new ReembedError(`Milvus has no collection "${alias}": start the service once (it creates the collection and its alias)`);
  let run = await runs.building(alias);
  if (run && !sameSignature(run.target_signature, signature)) {
    throw new ReembedError(
      `a re-embed of "${alias}" to ${run.target_signature.embedding_model} (${run.target_signature.dimension} dims) is in progress: ` +
        'run it again with that model to resume, or --abandon it',
    );
  }
  if (!run) {
    if (current.signature && sameSignature(current.signature, signature)) {
      throw new ReembedError(`"${alias}" already holds vectors of ${signature.embedding_model} (${current.physical})`);
    }
    run = await runs.start({
      alias,
      source_collection: current.physical,
      target_collection: await nextPhysicalName(client, alias, signature.embedding_model),
      source_signature: current.signature ?? null,
      target_signature: signature,
      source_embedding:
        options.sourceEmbedding && current.signature?.embedding_model === options.sourceEmbedding.model ? options.sourceEmbedding : null,
      target_embedding: options.embedding,
    });
    log(
      `re-embed ${run.id}: ${current.physical} (${current.signature?.embedding_model ?? 'unknown model'}) -> ${run.target_collection} (${signature.embedding_model})`,
    );
  } else {
    log(`re-embed ${run.id}: resuming ${run.target_collection} after chunk id ${run.last_chunk_id} (${run.chunks_written} written)`);
  }
  const target = new MilvusVectorStore({ address: deps.milvusAddress, collection: run.target_collection });
  try {
    const exists = await client.hasCollection({ collection_name: run.target_collection });
    if (exists.value !== true) await target.createChunkCollection(run.target_collection, signature);
    expectSuccess(await client.loadCollectionSync({ collection_name: run.target_collection }), 'the load');
    const batchSize = options.batchSize ?? BATCH_SIZE;
    const writing = { chunks: runs, client, collection: run.target_collection, embedder: options.embedder, writer: target, batchSize };

    const bulk = await bulkPass(runs, run, writing, options.onProgress);
    const passes: CatchUpResult[] = [];
    let counts: ReembedReport['counts'];
    for (;;) {
      const pass = await catchUpPass(writing);
      passes.push(pass);
      options.onProgress?.({ phase: 'catch-up', done: pass.pg_chunks, total: pass.pg_chunks, chunks_per_second: 0, eta_seconds: 0 });
      const pg = await runs.chunkCounts();
      counts = {
        pg_chunks: pg.all,
        pg_active_or_superseded: pg.active_or_superseded,
        milvus: await countVectors(client, run.target_collection),
      };
      log(
        `catch-up pass ${passes.length}: ${pass.written} written, ${pass.deleted} deleted; PostgreSQL ${counts.pg_chunks} chunks, ${run.target_collection} ${counts.milvus} vectors`,
      );
      if (pass.written === 0 && pass.deleted === 0 && counts.milvus === counts.pg_chunks) break;
      if (passes.length >= (options.maxCatchUpPasses ?? MAX_CATCH_UP_PASSES)) {
        throw new ReembedError(
          `the chunks kept changing through ${passes.length} catch-up passes; run the re-embed again (it resumes) when writes are quieter`,
        );
      }
    }
    const canaries = await checkCanaries(deps, run.target_collection, options.embedder);

    const switchStarted = process.hrtime.bigint();
    expectSuccess(await client.alterAlias({ alias, collection_name: run.target_collection }), 'the alias switch');
    const switchMs = Number(process.hrtime.bigint() - switchStarted) / 1e6;
    await runs.markState(run.id, 'switched');
    log(`switched "${alias}" to ${run.target_collection} in ${switchMs.toFixed(1)} ms; ${run.source_collection} is kept for --rollback`);

    // A process of the old model may write into the old collection until its store rechecks the alias.
    await new Promise((resolve) => setTimeout(resolve, options.switchSettleMs ?? WRITE_TARGET_RECHECK_MS + 1_000));
    const finalPass = await catchUpPass(writing);
    options.onProgress?.({
      phase: 'final catch-up',
      done: finalPass.pg_chunks,
      total: finalPass.pg_chunks,
      chunks_per_second: 0,
      eta_seconds: 0,
    });
    log(`final catch-up: ${finalPass.written} written, ${finalPass.deleted} deleted`);
    return {
      alias,
      source_collection: run.source_collection,
      target_collection: run.target_collection,
      ...(adoptedFrom ? { adopted_from: adoptedFrom } : {}),
      bulk,
      catch_up_passes: passes,
      counts,
      canaries,
      switch_ms: switchMs,
      final_catch_up: finalPass,
    };
  } finally {
    await target.close();
  }
}

/** Every chunk after the checkpoint, in id order; the checkpoint moves after each batch is written. */
async function bulkPass(
  runs: PgReembedStore,
  run: ReembedRun,
  writing: Parameters<typeof embedInto>[0],
  onProgress: ReembedOptions['onProgress'],
): Promise<ReembedReport['bulk']> {
  const started = Date.now();
  let after = run.last_chunk_id;
  let done = 0;
  const remaining = (await runs.chunkCounts(after)).after;
  const total = run.chunks_written + remaining;
  for (;;) {
    const page = await runs.chunksAfter(after, writing.batchSize);
    if (page.length === 0) break;
    await embedInto(writing, page);
    after = page[page.length - 1]!.chunk_id;
    done += page.length;
    await runs.checkpoint(run.id, after, page.length);
    const rate = done / Math.max((Date.now() - started) / 1000, 1e-3);
    onProgress?.({
      phase: 'bulk',
      done: run.chunks_written + done,
      total: Math.max(total, run.chunks_written + done),
      chunks_per_second: rate,
      eta_seconds: Math.max(remaining - done, 0) / rate,
    });
  }
  const seconds = (Date.now() - started) / 1000;
  return { chunks: done, seconds, chunks_per_second: done / Math.max(seconds, 1e-3) };
}

/**
 * A stored chunk's own text, searched as a query in the new collection
 * (within its account), finds that chunk first: the vectors are the new
 * model's and the index answers. A tie with an identical text counts as first.
 */
async function checkCanaries(deps: ReembedDeps, collection: string, embedder: Embedder): Promise<ReembedReport['canaries']> {
  const chunks = await canaryChunks(deps.pool);
  const search = new MilvusChunkSearch({ client: deps.vectors.client, collection });
  const vectors =
    chunks.length === 0
      ? []
      : await (embedder.embedQueries ?? embedder.embed).call(
          embedder,
          chunks.map((chunk) => chunk.text),
        );
  const results: ReembedReport['canaries'] = [];
  for (const [i, chunk] of chunks.entries()) {
    const hits = await search.search(vectors[i]!, { accountName: chunk.account_name }, 10);
    const own = hits.findIndex((hit) => hit.chunk_id === chunk.chunk_id);
    const first = hits[0];
    const rank = own < 0 ? undefined : own + 1;
    results.push({ chunk_id: chunk.chunk_id, rank });
    const tiedFirst = own >= 0 && first !== undefined && first.score - hits[own]!.score < 1e-5;
    if (!tiedFirst) {
      throw new ReembedError(
        `canary search failed in ${collection}: chunk ${chunk.chunk_id}'s own text ranks it ${rank ?? 'below 10th'}, not first; the alias was not switched`,
      );
    }
  }
  return results;
}

/**
 * A deployment made before aliases addresses its physical collection by
 * MILVUS_COLLECTION, and Milvus refuses an alias of the same name as a
 * collection. The first re-embed renames that collection to
 * `<name>_<model>_v<n>` and creates the alias `<name>` over it at once (a
 * gap of milliseconds, which the stores' retries ride out); from then on the
 * name is an alias.
 */
async function adoptPhysicalCollection(
  vectors: MilvusVectorStore,
  runs: PgReembedStore,
  log: (line: string) => void,
): Promise<string | undefined> {
  const name = vectors.collection;
  const resolved = await resolveCollectionName(vectors.client, name);
  // Only before the first re-embed: later, collections under no alias are old targets kept for rollback.
  if (resolved.kind === 'missing') return (await runs.latest(name)) ? undefined : finishInterruptedAdoption(vectors, log);
  if (resolved.kind !== 'collection') return undefined;
  if (!resolved.signature) throw new ReembedError(`Milvus collection "${name}" records no embedding model; it cannot be re-embedded`);
  const renamed = await nextPhysicalName(vectors.client, name, resolved.signature.embedding_model);
  expectSuccess(await vectors.client.renameCollection({ collection_name: name, new_collection_name: renamed }), 'the rename');
  expectSuccess(await vectors.client.createAlias({ alias: name, collection_name: renamed }), 'the alias');
  log(`adopted: collection "${name}" renamed to ${renamed}, and "${name}" is now an alias of it`);
  return renamed;
}

/**
 * A re-embed killed between the rename and the alias leaves the name
 * missing and one renamed collection `<name>_<model>_v<n>` under no alias:
 * the alias is created over it (more than one such collection is left to
 * the operator).
 */
async function finishInterruptedAdoption(vectors: MilvusVectorStore, log: (line: string) => void): Promise<string | undefined> {
  const name = vectors.collection;
  const shown = await vectors.client.showCollections();
  expectSuccess(shown.status, 'the collection list');
  const pattern = new RegExp(`^${name}_[a-z0-9_]+_v\\d+$`);
  const unaliased: string[] = [];
  for (const collection of shown.data.filter((c) => pattern.test(c.name))) {
    const described = await vectors.client.describeCollection({ collection_name: collection.name });
    if ((described.aliases ?? []).length === 0) unaliased.push(collection.name);
  }
  if (unaliased.length !== 1) return undefined;
  expectSuccess(await vectors.client.createAlias({ alias: name, collection_name: unaliased[0]! }), 'the alias');
  log(`finished an interrupted adoption: "${name}" is now an alias of ${unaliased[0]}`);
  return unaliased[0];
}

export interface RollbackReport {
  alias: string;
  from: string;
  to: string;
  catch_up: CatchUpResult | undefined;
  switch_ms: number;
}

/**
 * Switches the alias back to the collection the last re-embed switched it
 * from. That collection missed the writes made since the switch: with the
 * old model's embedder it is caught up first (the same pass), without one it
 * is switched as it is (the report says so).
 */
export async function rollbackReembed(
  deps: ReembedDeps,
  options: { oldEmbedder?: Embedder; batchSize?: number; log?: (line: string) => void } = {},
): Promise<RollbackReport> {
  const log = options.log ?? (() => {});
  const runs = new PgReembedStore(deps.pool);
  const client = deps.vectors.client;
  const alias = deps.vectors.collection;
  const run = await runs.latest(alias);
  if (!run || run.state !== 'switched')
    throw new ReembedError(`no switched re-embed of "${alias}" to roll back${run ? ` (the last one is ${run.state})` : ''}`);
  const current = await resolveCollectionName(client, alias);
  if (current.kind !== 'alias' || current.physical !== run.target_collection) {
    throw new ReembedError(
      `"${alias}" points at ${current.kind === 'missing' ? 'nothing' : current.physical}, not ${run.target_collection}: not rolling back`,
    );
  }
  let catchUp: CatchUpResult | undefined;
  if (options.oldEmbedder) {
    const writer = new MilvusVectorStore({ address: deps.milvusAddress, collection: run.source_collection });
    try {
      expectSuccess(await client.loadCollectionSync({ collection_name: run.source_collection }), 'the load');
      catchUp = await catchUpPass({
        chunks: runs,
        client,
        collection: run.source_collection,
        embedder: options.oldEmbedder,
        writer,
        batchSize: options.batchSize ?? BATCH_SIZE,
      });
      log(`caught ${run.source_collection} up: ${catchUp.written} written, ${catchUp.deleted} deleted`);
    } finally {
      await writer.close();
    }
  } else {
    log(
      `no embedder of ${run.source_signature?.embedding_model ?? 'the old model'}: ${run.source_collection} is switched back without catching up`,
    );
  }
  const started = process.hrtime.bigint();
  expectSuccess(await client.alterAlias({ alias, collection_name: run.source_collection }), 'the alias switch');
  const switchMs = Number(process.hrtime.bigint() - started) / 1e6;
  await runs.markState(run.id, 'rolled_back');
  log(`switched "${alias}" back to ${run.source_collection} in ${switchMs.toFixed(1)} ms`);
  return { alias, from: run.target_collection, to: run.source_collection, catch_up: catchUp, switch_ms: switchMs };
}

/** Gives up the re-embed in progress: drops its collection (never the alias's target). */
export async function abandonReembed(deps: ReembedDeps): Promise<ReembedRun | undefined> {
  const runs = new PgReembedStore(deps.pool);
  const run = await runs.building(deps.vectors.collection);
  if (!run) return undefined;
  const current = await resolveCollectionName(deps.vectors.client, deps.vectors.collection);
  if (current.kind !== 'missing' && current.physical === run.target_collection)
    throw new ReembedError(`${run.target_collection} is the alias's target`);
  expectSuccess(await deps.vectors.client.dropCollection({ collection_name: run.target_collection }), 'the drop');
  await runs.markState(run.id, 'abandoned');
  return run;
}

export interface ReembedStatus {
  alias: string;
  kind: 'alias' | 'collection' | 'missing';
  target: string | undefined;
  signature: EmbeddingSignature | undefined;
  building: (ReembedRun & { remaining: number }) | undefined;
  recent: ReembedRun[];
}

export async function reembedStatus(deps: ReembedDeps): Promise<ReembedStatus> {
  const runs = new PgReembedStore(deps.pool);
  const alias = deps.vectors.collection;
  const current = await resolveCollectionName(deps.vectors.client, alias);
  const building = await runs.building(alias);
  return {
    alias,
    kind: current.kind,
    target: current.kind === 'missing' ? undefined : current.physical,
    signature: current.kind === 'missing' ? undefined : current.signature,
    building: building && { ...building, remaining: (await runs.chunkCounts(building.last_chunk_id)).after },
    recent: await runs.recent(alias, 5),
  };
}

function sameSignature(a: EmbeddingSignature, b: EmbeddingSignature): boolean {
  return a.embedding_model === b.embedding_model && a.dimension === b.dimension;
}
