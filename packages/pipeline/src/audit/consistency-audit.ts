import type { Pool } from 'pg';
import type { Embedder } from '@nonstop/core';
import type { MilvusVectorStore } from '@nonstop/storage';
import { AuditRepair } from './audit-repair';
import { ConsistencyTally, type ConsistencySummary } from './audit-report';
import { findDuplicatedKeys, type DuplicatedKey } from './duplicate-search';
import { ID_SPACE, isSingleId, MILVUS_QUERY_WINDOW, splitPoint, splitWindow, windowContains, type IdWindow } from './id-window';
import { MilvusChunkIds } from './milvus-chunk-ids';
import { chunkStates, readChunkPage, type ChunkStateRow } from './pg-chunk-states';
import { compareWindow, type VectorRef } from './window-comparison';

/** The two stores compared; what GET /admin/consistency needs. */
export interface ConsistencyAuditStores {
  pool: Pool;
  vectors: MilvusVectorStore;
}

export interface AuditProgress {
  pg_chunks_read: number;
  windows: number;
  /** The highest chunk id compared so far. */
  last_chunk_id: number | undefined;
}

export interface ConsistencyAuditOptions {
  /** One account, or every account (PostgreSQL's and Milvus's) when omitted. */
  accountName?: string;
  /** Re-embed missing chunks and duplicated keys, delete orphans, with this embedder (the collection's model). */
  repairWith?: Embedder;
  /** PostgreSQL chunk ids per page: one page and one Milvus window are in memory at a time. */
  pageSize?: number;
  /** How long a document written without a job (the synchronous API, before it ran as a job) counts as in flight. */
  joblessGraceSeconds?: number;
  /** Rows per Milvus window query before the window is split (Milvus's maximum; smaller in tests, to exercise splitting). */
  milvusQueryLimit?: number;
  onProgress?: (progress: AuditProgress) => void;
}

const PAGE_SIZE = 10_000;
const JOBLESS_GRACE_SECONDS = 600;

/**
 * Compares PostgreSQL's chunk ids with Milvus's, per account, in windows of
 * the id space: a page of PostgreSQL ids in id order, and the Milvus ids of
 * the same range (the first and last windows reach the ends of the id space,
 * so vectors beyond the rows are seen). Each candidate is re-checked in both
 * stores before it counts, and before the repair acts on it, so writers may
 * run meanwhile.
 */
export async function auditConsistency(stores: ConsistencyAuditStores, options: ConsistencyAuditOptions = {}): Promise<ConsistencySummary> {
  const startedAt = new Date();
  const audit = new WindowAudit(stores, options);
  if (options.accountName !== undefined) audit.tally.account(options.accountName);
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const progress: AuditProgress = { pg_chunks_read: 0, windows: 0, last_chunk_id: undefined };
  const readPage = (after: number): Promise<ChunkStateRow[]> => {
    const page = readChunkPage(stores.pool, { ...scope(options), after, limit: pageSize, graceSeconds: audit.graceSeconds });
    page.catch(() => undefined); // awaited below; a prefetch abandoned by an earlier failure must not go unhandled
    return page;
  };
  let next = readPage(ID_SPACE.after);
  for (let after = ID_SPACE.after; ;) {
    const page = await next;
    // The last page's window reaches the end of the id space: vectors beyond the last row are compared too.
    const upTo = page.length === pageSize ? page[page.length - 1]!.chunk_id : ID_SPACE.upTo;
    // PostgreSQL reads the next page while Milvus answers for this one: two pages in memory at most.
    if (upTo !== ID_SPACE.upTo) next = readPage(upTo);
    progress.windows += await audit.compare({ after, upTo }, page);
    progress.pg_chunks_read += page.length;
    progress.last_chunk_id = page[page.length - 1]?.chunk_id ?? progress.last_chunk_id;
    options.onProgress?.({ ...progress });
    if (upTo === ID_SPACE.upTo) break;
    after = upTo;
  }
  return audit.tally.summarize({
    collection: stores.vectors.collection,
    account_name: options.accountName ?? null,
    started_at: startedAt.toISOString(),
    duration_ms: Date.now() - startedAt.getTime(),
    windows: progress.windows,
  });
}

function scope(options: ConsistencyAuditOptions): { accountName?: string } {
  return options.accountName !== undefined ? { accountName: options.accountName } : {};
}

/** One audit's comparison of windows, counting into its tally. */
class WindowAudit {
  readonly tally: ConsistencyTally;
  readonly graceSeconds: number;
  private readonly milvus: MilvusChunkIds;
  private readonly queryLimit: number;
  private readonly repair: AuditRepair | undefined;

  constructor(
    private readonly stores: ConsistencyAuditStores,
    options: ConsistencyAuditOptions,
  ) {
    this.graceSeconds = options.joblessGraceSeconds ?? JOBLESS_GRACE_SECONDS;
    this.queryLimit = options.milvusQueryLimit ?? MILVUS_QUERY_WINDOW;
    this.milvus = new MilvusChunkIds(stores.vectors, options.accountName, this.queryLimit);
    this.tally = new ConsistencyTally(options.repairWith !== undefined);
    this.repair = options.repairWith ? new AuditRepair(stores, options.repairWith, this.graceSeconds) : undefined;
  }

  /** Compares the rows of one window with Milvus, split while it holds more rows than one query returns. Returns the windows read. */
  async compare(window: IdWindow, rows: ChunkStateRow[]): Promise<number> {
    // Strong reads each wait for Milvus's next time tick (~0.2 s here): ask in parallel.
    const [rowCount, vectors] = await Promise.all([this.milvus.rowsIn(window), this.milvus.inWindow(window)]);
    if (rowCount >= this.queryLimit && !isSingleId(window)) {
      let windows = 0;
      for (const half of splitWindow(window, splitPoint(window, [...vectors.keys()]))) {
        windows += await this.compare(
          half,
          rows.filter((row) => windowContains(half, row.chunk_id)),
        );
      }
      return windows;
    }
    for (const row of rows) {
      const account = this.tally.account(row.account_name);
      account.pg_chunks += 1;
      if (row.state === 'in_flight') account.in_flight += 1;
      if (row.state === 'rolled_back') this.tally.drift(row.account_name, 'rolled_back_rows', row.chunk_id);
    }
    for (const accountName of vectors.values()) this.tally.account(accountName).milvus_vectors += 1;
    const ids = [...vectors.keys()].sort((a, b) => a - b);
    const duplicates = await findDuplicatedKeys(window, ids, rowCount, (part) => this.milvus.rowsIn(part));
    for (const key of duplicates) {
      const accountName = vectors.get(key.chunk_id)!;
      this.tally.account(accountName).milvus_vectors += key.rows - 1;
      this.tally.drift(accountName, 'duplicates', key.chunk_id);
    }
    const candidates = compareWindow(rows, vectors);
    const [missing, orphans] = await Promise.all([this.confirmMissing(candidates.missing), this.confirmOrphans(candidates.orphans)]);
    for (const row of missing) this.tally.drift(row.account_name, 'missing', row.chunk_id);
    for (const orphan of orphans) this.tally.drift(orphan.account_name, 'orphans', orphan.chunk_id);
    if (this.repair)
      await this.repairWindow(
        this.repair,
        rows,
        missing,
        orphans,
        duplicates.map((key) => ({ ...key, account_name: vectors.get(key.chunk_id)! })),
      );
    return 1;
  }

  /** Still settled in PostgreSQL, and still without a vector of its account in Milvus. */
  private async confirmMissing(candidates: ChunkStateRow[]): Promise<ChunkStateRow[]> {
    if (candidates.length === 0) return [];
    const now = await chunkStates(
      this.stores.pool,
      candidates.map((row) => row.chunk_id),
      this.graceSeconds,
    );
    const settled = candidates.filter(
      (row) => now.get(row.chunk_id)?.state === 'settled' && now.get(row.chunk_id)?.account_name === row.account_name,
    );
    const vectors = await this.milvus.among(settled.map((row) => row.chunk_id));
    return settled.filter((row) => vectors.get(row.chunk_id) !== row.account_name);
  }

  /**
   * Still in Milvus, then still without a row of its account in PostgreSQL:
   * in that order, because a vector is written only after its row commits, so
   * a row absent after the vector was seen is gone for good. `deletable`: no
   * row of any account holds the id.
   */
  private async confirmOrphans(candidates: VectorRef[]): Promise<Array<VectorRef & { deletable: boolean }>> {
    if (candidates.length === 0) return [];
    const vectors = await this.milvus.among(candidates.map((orphan) => orphan.chunk_id));
    const present = candidates.filter((orphan) => vectors.get(orphan.chunk_id) === orphan.account_name);
    const rows = await chunkStates(
      this.stores.pool,
      present.map((orphan) => orphan.chunk_id),
      this.graceSeconds,
    );
    return present
      .filter((orphan) => rows.get(orphan.chunk_id)?.account_name !== orphan.account_name)
      .map((orphan) => ({ ...orphan, deletable: !rows.has(orphan.chunk_id) }));
  }

  private async repairWindow(
    repair: AuditRepair,
    rows: ChunkStateRow[],
    missing: ChunkStateRow[],
    orphans: Array<VectorRef & { deletable: boolean }>,
    duplicates: Array<DuplicatedKey & { account_name: string }>,
  ): Promise<void> {
    for (const row of rows) if (row.state === 'rolled_back') this.tally.repaired(row.account_name, 'left');
    const deletable = orphans.filter((orphan) => orphan.deletable).map((orphan) => orphan.chunk_id);
    await repair.deleteOrphans(deletable);
    for (const orphan of orphans) this.tally.repaired(orphan.account_name, orphan.deletable ? 'deleted' : 'left');
    const deleted = new Set(deletable);
    const rewrite = [
      ...missing.map((row) => row.chunk_id),
      ...duplicates.filter((key) => !deleted.has(key.chunk_id)).map((key) => key.chunk_id),
    ];
    const written = await repair.rewrite([...new Set(rewrite)]);
    // A missing chunk not written stopped being drift (its row went, or went in flight); a duplicate not written is still there.
    for (const row of missing) this.tally.repaired(row.account_name, written.has(row.chunk_id) ? 'rewritten' : 'skipped');
    for (const key of duplicates) {
      if (deleted.has(key.chunk_id)) continue;
      this.tally.repaired(key.account_name, written.has(key.chunk_id) ? 'rewritten' : 'left');
    }
  }
}
