import { Gauge, type Registry } from 'prom-client';

/** The drift kinds the consistency audit counts (packages/pipeline/src/audit). */
export const CONSISTENCY_DRIFT_KINDS = ['missing', 'orphans', 'duplicates', 'rolled_back_rows'] as const;

/** What the newest audit of every account found, as the `nonstop_consistency_*` series report it. */
export interface ConsistencyAuditReading {
  finishedAt: Date;
  /** Drift left: after a repair, what it could not fix. */
  drift: number;
  /** What the audit found, by kind, before any repair. */
  found: Record<(typeof CONSISTENCY_DRIFT_KINDS)[number], number>;
}

/**
 * The audit's series, on the registry of a process that can read the audit
 * runs (the workers). One read per scrape serves all three; a failed read
 * keeps the last values, so a PostgreSQL outage does not fail the scrape
 * (nonstop_dependency_up reports the outage). Before the first audit the
 * values are NaN: "no audit yet" is not "no drift".
 */
export function registerConsistencyAuditGauges(registry: Registry, source: () => Promise<ConsistencyAuditReading | undefined>): void {
  const registers = [registry];
  let reading: ConsistencyAuditReading | undefined;
  let inFlight: Promise<void> | undefined;
  const read = (): Promise<void> =>
    (inFlight ??= source()
      .then(
        (latest) => {
          reading = latest;
        },
        () => undefined,
      )
      .finally(() => {
        inFlight = undefined;
      }));

  new Gauge({
    name: 'nonstop_consistency_drift_chunks',
    help: 'Drift between PostgreSQL and Milvus that the newest audit of every account left (NaN before the first audit).',
    registers,
    async collect() {
      await read();
      this.set(reading ? reading.drift : NaN);
    },
  });
  new Gauge({
    name: 'nonstop_consistency_drift_found_chunks',
    help: 'What the newest audit of every account found, by kind (missing, orphans, duplicates, rolled_back_rows), before any repair.',
    labelNames: ['kind'] as const,
    registers,
    async collect() {
      await read();
      for (const kind of CONSISTENCY_DRIFT_KINDS) this.set({ kind }, reading ? reading.found[kind] : NaN);
    },
  });
  new Gauge({
    name: 'nonstop_consistency_audit_age_seconds',
    help: 'Seconds since the newest audit of every account finished (NaN before the first audit).',
    registers,
    async collect() {
      await read();
      this.set(reading ? Math.max(0, (Date.now() - reading.finishedAt.getTime()) / 1000) : NaN);
    },
  });
}
