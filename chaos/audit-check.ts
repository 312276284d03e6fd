import type { Pool } from 'pg';
import { auditConsistency } from '@nonstop/pipeline';
import { MilvusVectorStore } from '@nonstop/storage';
import type { CheckRow } from './check-row';

/**
 * The consistency audit (`npm run audit`) over the run's own database and
 * collection, every account: after the disruptions, no missing vector, no
 * orphan, no duplicated key, no row of a rolled-back job, and nothing left in
 * flight.
 */
export async function auditCheckRow(pool: Pool, milvusAddress: string, collection: string): Promise<CheckRow> {
  const vectors = new MilvusVectorStore({ address: milvusAddress, collection });
  try {
    const { totals, clean } = await auditConsistency({ pool, vectors });
    return {
      check:
        'consistency audit, every account: missing vectors, orphan vectors, duplicated keys, rows of rolled-back jobs, chunks in flight',
      expected: '0 each',
      actual:
        `${totals.missing} missing, ${totals.orphans} orphans, ${totals.duplicates} duplicates, ${totals.rolled_back_rows} rolled-back rows, ` +
        `${totals.in_flight} in flight (${totals.pg_chunks} chunks, ${totals.milvus_vectors} vectors)`,
      ok: clean && totals.in_flight === 0,
    };
  } finally {
    await vectors.close();
  }
}
