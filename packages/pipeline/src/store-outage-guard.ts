import { abortableSleep, isErrorNamed, type DependencyError } from '@nonstop/core';

export interface StoreOutageGuardOptions {
  /** How long an outage may last before it counts as a system failure; 0: the first DependencyError is one. */
  graceMs: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each wait (logging). */
  onWait?: (error: DependencyError, outageMs: number, delayMs: number) => void;
}

/**
 * Repeats work that failed because a store was unreachable past its own
 * retries (DependencyError), until the outage has lasted `graceMs`: a
 * restart of PostgreSQL or Milvus, or a network cut of a few seconds, pauses
 * a job instead of failing it and rolling back everything it wrote. Work
 * must be safe to repeat (the job runner resumes from its ledger). Progress
 * reported with `madeProgress()` ends an outage: a later one gets the whole
 * grace again.
 */
export class StoreOutageGuard {
  private outageSince: number | undefined;

  constructor(private readonly options: StoreOutageGuardOptions) {}

  madeProgress(): void {
    this.outageSince = undefined;
  }

  /** Rejects with the last DependencyError once the grace is spent, or with the signal's reason if it aborts while waiting. */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const first = this.options.firstDelayMs ?? 1_000;
    const max = this.options.maxDelayMs ?? 10_000;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (!isErrorNamed(error, 'DependencyError') || signal?.aborted) throw error;
        this.outageSince ??= Date.now();
        const outageMs = Date.now() - this.outageSince;
        if (outageMs >= this.options.graceMs) throw error;
        const delayMs = Math.max(1, Math.min(first * 2 ** (attempt - 1), max, this.options.graceMs - outageMs));
        this.options.onWait?.(error as DependencyError, outageMs, delayMs);
        await abortableSleep(delayMs, signal);
      }
    }
  }
}
