/** The counts the audit reports per account, and summed. */
export interface ConsistencyCounts {
  /** Chunk rows in PostgreSQL (whatever their job's state). */
  pg_chunks: number;
  /** Vector rows in Milvus: a primary key stored twice counts twice. */
  milvus_vectors: number;
  /** Settled chunks with no vector: not searchable. */
  missing: number;
  /** Vectors with no chunk row: searchable text that does not exist. */
  orphans: number;
  /** Primary keys stored in more than one row. */
  duplicates: number;
  /** Chunks of jobs still pending or processing: not drift, not repaired. */
  in_flight: number;
  /** Chunk rows of rolled-back jobs, which should not exist (not repaired: a job's rollback owns them). */
  rolled_back_rows: number;
}

/** What `--repair` did: rewritten vectors (missing and duplicated keys), deleted orphans, and what it left. */
export interface RepairCounts {
  rewritten: number;
  deleted: number;
  /** Missing chunks that stopped being drift when re-checked under the lock (their row was deleted meanwhile). */
  skipped: number;
  /** Drift the repair does not or could not fix: rolled-back rows, duplicates of unsettled rows, vectors filed under another account's chunk. */
  left: number;
}

const EXAMPLE_IDS = 10;

export interface AccountConsistency extends ConsistencyCounts {
  account_name: string;
  /** missing + orphans + duplicates + rolled_back_rows. */
  drift: number;
  /** A few chunk ids of each kind of drift, to start a look with. */
  examples: { missing: number[]; orphans: number[]; duplicates: number[]; rolled_back_rows: number[] };
  repair?: RepairCounts;
}

export interface ConsistencySummary {
  collection: string;
  /** The account audited, or null for every account. */
  account_name: string | null;
  started_at: string;
  duration_ms: number;
  /** Milvus windows compared (a window holding more rows than one query returns is split). */
  windows: number;
  accounts: AccountConsistency[];
  totals: ConsistencyCounts & { drift: number; repair?: RepairCounts };
  /** No drift; after a repair: nothing left. What the exit code of `npm run audit` says. */
  clean: boolean;
}

type ExampleKind = keyof AccountConsistency['examples'];
const COUNT_FIELDS: Array<keyof ConsistencyCounts> = [
  'pg_chunks',
  'milvus_vectors',
  'missing',
  'orphans',
  'duplicates',
  'in_flight',
  'rolled_back_rows',
];
const REPAIR_FIELDS: Array<keyof RepairCounts> = ['rewritten', 'deleted', 'skipped', 'left'];

/** Per-account counters while the audit walks the ids: memory grows with accounts, never with chunks. */
export class ConsistencyTally {
  private readonly accounts = new Map<string, AccountConsistency>();

  constructor(private readonly repairing: boolean) {}

  account(name: string): AccountConsistency {
    let entry = this.accounts.get(name);
    if (!entry) {
      entry = {
        account_name: name,
        ...zeroCounts(),
        drift: 0,
        examples: { missing: [], orphans: [], duplicates: [], rolled_back_rows: [] },
        ...(this.repairing ? { repair: { rewritten: 0, deleted: 0, skipped: 0, left: 0 } } : {}),
      };
      this.accounts.set(name, entry);
    }
    return entry;
  }

  /** Counts one item of drift and keeps its id as an example. */
  drift(name: string, kind: ExampleKind, chunkId: number): void {
    const entry = this.account(name);
    entry[kind] += 1;
    entry.drift += 1;
    if (entry.examples[kind].length < EXAMPLE_IDS) entry.examples[kind].push(chunkId);
  }

  repaired(name: string, field: keyof RepairCounts, count = 1): void {
    const repair = this.account(name).repair;
    if (repair) repair[field] += count;
  }

  summarize(header: Omit<ConsistencySummary, 'accounts' | 'totals' | 'clean'>): ConsistencySummary {
    const accounts = [...this.accounts.values()].sort((a, b) => (a.account_name < b.account_name ? -1 : 1));
    const totals: ConsistencySummary['totals'] = {
      ...zeroCounts(),
      drift: 0,
      ...(this.repairing ? { repair: { rewritten: 0, deleted: 0, skipped: 0, left: 0 } } : {}),
    };
    for (const account of accounts) {
      for (const field of COUNT_FIELDS) totals[field] += account[field];
      totals.drift += account.drift;
      for (const field of REPAIR_FIELDS) if (totals.repair && account.repair) totals.repair[field] += account.repair[field];
    }
    const clean = totals.repair ? totals.repair.left === 0 : totals.drift === 0;
    return { ...header, accounts, totals, clean };
  }
}

function zeroCounts(): ConsistencyCounts {
  return { pg_chunks: 0, milvus_vectors: 0, missing: 0, orphans: 0, duplicates: 0, in_flight: 0, rolled_back_rows: 0 };
}

/** One row per account and a totals row, aligned for a terminal; a repair line under it. */
export function formatConsistencyTable(summary: ConsistencySummary): string {
  const header = ['account', ...COUNT_FIELDS, 'drift'];
  const rows = [
    ...summary.accounts.map((a) => [a.account_name, ...COUNT_FIELDS.map((f) => String(a[f])), String(a.drift)]),
    ['TOTAL', ...COUNT_FIELDS.map((f) => String(summary.totals[f])), String(summary.totals.drift)],
  ];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const lines = [line(header), ...rows.map(line)];
  const repair = summary.totals.repair;
  if (repair) {
    lines.push(
      '',
      `repair: ${repair.rewritten} vectors re-embedded and written, ${repair.deleted} orphans deleted, ` +
        `${repair.skipped} candidates no longer drift when re-checked, ${repair.left} left`,
    );
  }
  return lines.join('\n');
}
