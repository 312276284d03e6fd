/**
 * The consistency audit's time for one account of 100k chunks (issue 10):
 * rows seeded straight into PostgreSQL (unnest) and vectors through
 * MilvusVectorStore.upsert, then a clean audit timed; then 1% of the vectors
 * deleted and 0.1% orphans added, and an audit with --repair timed.
 * Standalone: `node --import tsx bench/audit-time.ts [--chunks 100000]`; `npm run bench` runs it too.
 */
import { parseArgs } from 'node:util';
import type { Embedder, VectorRow } from '@nonstop/core';
import { auditConsistency, type ConsistencySummary } from '@nonstop/pipeline';
import { createPool, migrate, milvusIntList, milvusString, MilvusVectorStore } from '@nonstop/storage';
import { fixedVector } from '../packages/embeddings/src/testing/stand-in-embedding-server';
import { seedChunks } from '../test/support/seed-chunks';
import { account, batches, CHUNKS_PER_DOC, DATABASE_URL, DIMENSION, inFlight, MILVUS_ADDRESS, round, row, timed } from './common';

export interface AuditTime {
  chunks: number;
  seed_seconds: number;
  clean: { seconds: number; chunks_per_s: number; windows: number };
  repair: {
    seconds: number;
    chunks_per_s: number;
    missing: number;
    orphans: number;
    rewritten: number;
    deleted: number;
    clean_after: boolean;
  };
}

/**
 * Not embeddings: the audit compares ids, so vectors are a fixed random
 * vector per text (the stand-in embedding service's), and the repair's
 * "embedder" returns the same fixed vectors without a model.
 */
const FIXED_RANDOM_VECTORS: Embedder = {
  model: 'stand-in-fixed-vectors',
  dimension: DIMENSION,
  embed: async (texts) => texts.map((text) => fixedVector(text, DIMENSION)),
};

export async function measureAuditTime(chunks = 100_000): Promise<AuditTime> {
  const pool = createPool(DATABASE_URL, { applicationName: 'bench-audit' });
  const vectors = new MilvusVectorStore({ address: MILVUS_ADDRESS, collection: 'bench_chunks' });
  const accountName = account('audit');
  try {
    await vectors.ensureCollection({ embedding_model: FIXED_RANDOM_VECTORS.model, dimension: DIMENSION });
    let seeded: Awaited<ReturnType<typeof seedChunks>>['chunks'] = [];
    const seedSeconds = await timed(async () => {
      seeded = (
        await seedChunks(pool, {
          accountName,
          documents: Math.ceil(chunks / CHUNKS_PER_DOC),
          chunksPerDocument: CHUNKS_PER_DOC,
          label: 'audit',
        })
      ).chunks;
      await inFlight(batches(seeded, 512), 2, async (batch) => {
        const embeddings = await FIXED_RANDOM_VECTORS.embed(batch.map((chunk) => chunk.text));
        await vectors.upsert(batch.map((chunk, i): VectorRow => ({ ...chunk, embedding: embeddings[i]! })));
      });
    });
    row(
      `audit bench: seeded ${seeded.length} chunks (PostgreSQL unnest, Milvus upsert)`,
      `${round(seedSeconds, 1)} s`,
      'fixed random vectors',
    );

    let clean: ConsistencySummary | undefined;
    const cleanSeconds = await timed(async () => {
      clean = await auditConsistency({ pool, vectors }, { accountName });
    });
    const cleanWindows = clean!.windows;
    const account0 = clean!.accounts[0]!;
    if (account0.pg_chunks !== seeded.length || account0.milvus_vectors !== seeded.length || account0.drift !== 0) {
      throw new Error(`the clean audit found drift: ${JSON.stringify(account0)}`);
    }
    row(
      `audit of ${seeded.length} chunks, one account, no drift`,
      `${round(seeded.length / cleanSeconds)} ch/s`,
      `${round(cleanSeconds, 1)} s, ${cleanWindows} windows`,
    );

    // 1% missing (vectors deleted), 0.1% orphans (vectors of ids beyond any row).
    const lost = seeded.filter((_, i) => i % 100 === 7).map((chunk) => chunk.chunk_id);
    for (const ids of batches(lost, 1_000)) {
      await vectors.client.deleteEntities({ collection_name: vectors.collection, filter: `chunk_id in ${milvusIntList(ids)}` });
    }
    const orphanBase = 7_000_000_000_000_000 + Math.floor(Math.random() * 1e9) * 1_000;
    const orphans = seeded
      .slice(0, Math.floor(seeded.length / 1_000))
      .map((chunk, i): VectorRow => ({ ...chunk, chunk_id: orphanBase + i, embedding: fixedVector(`orphan ${i}`, DIMENSION) }));
    await vectors.upsert(orphans);
    let repaired: ConsistencySummary | undefined;
    const repairSeconds = await timed(async () => {
      repaired = await auditConsistency({ pool, vectors }, { accountName, repairWith: FIXED_RANDOM_VECTORS });
    });
    const after = await auditConsistency({ pool, vectors }, { accountName });
    const found = repaired!.accounts[0]!;
    row(
      `audit --repair of ${seeded.length} chunks (${found.missing} missing, ${found.orphans} orphans)`,
      `${round(seeded.length / repairSeconds)} ch/s`,
      `${round(repairSeconds, 1)} s; afterwards ${after.clean ? 'clean' : `drift ${after.totals.drift}`}`,
    );
    return {
      chunks: seeded.length,
      seed_seconds: round(seedSeconds, 1),
      clean: { seconds: round(cleanSeconds, 2), chunks_per_s: round(seeded.length / cleanSeconds), windows: cleanWindows },
      repair: {
        seconds: round(repairSeconds, 2),
        chunks_per_s: round(seeded.length / repairSeconds),
        missing: found.missing,
        orphans: found.orphans,
        rewritten: found.repair?.rewritten ?? 0,
        deleted: found.repair?.deleted ?? 0,
        clean_after: after.clean,
      },
    };
  } finally {
    // The seeded account is the bench's alone: leave neither its rows nor its vectors behind.
    await pool.query('DELETE FROM documents WHERE account_name = $1', [accountName]).catch(() => undefined);
    await vectors.client
      .deleteEntities({ collection_name: vectors.collection, filter: `account_name == ${milvusString(accountName)}` })
      .catch(() => undefined);
    await pool.end();
    await vectors.close();
  }
}

if (require.main === module) {
  void (async () => {
    const { values } = parseArgs({ options: { chunks: { type: 'string' } } });
    await migrate(DATABASE_URL);
    console.log(JSON.stringify(await measureAuditTime(values.chunks ? Number(values.chunks) : undefined)));
    process.exit(0);
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
