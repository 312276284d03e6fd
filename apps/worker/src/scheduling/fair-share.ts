import { randomUUID } from 'node:crypto';
import { errorMessage, type Logger } from '@nonstop/core';
import type { PgJobSlots, SlotRules } from '@nonstop/storage';

/**
 * Fair scheduling across accounts, on the open-source queue.
 *
 * BullMQ still caps the jobs running at once (MAX_ACTIVE_JOBS, a global
 * concurrency) and hands them out FIFO; this decides, per delivered job,
 * whether its account may use the slot. Slots are leases in PostgreSQL
 * (job_slots), taken under a per-account advisory lock and renewed every
 * FAIR_SHARE_CHECK_MS by the worker running the job, so the rule holds across
 * every worker process, and a slot of a worker killed with kill -9 expires
 * after WORKER_LOCK_DURATION_MS, when BullMQ's stalled check hands its job on.
 *
 * - A delivered job runs when it is its account's oldest waiting job (FIFO
 *   within an account) and its account holds fewer slots than its share
 *   (MAX_ACTIVE_JOBS_PER_ACCOUNT), or no other account waits below its own
 *   share (so an account alone may use every slot).
 * - Otherwise it goes back to the queue delayed (moveToDelayed + DelayedError,
 *   spending no attempt), longer the more of its account's jobs are ahead.
 * - A running job beyond its account's share hands its slot back between
 *   micro-batches as soon as another account waits below its share (the same
 *   hand-back as a shutdown: the batches in flight finish and are recorded,
 *   the job resumes from its ledger later).
 */
export interface FairShareOptions extends SlotRules {
  /** Lease renewal and hand-back check interval; also the base delay of a job that must wait. */
  checkMs: number;
  logger: Logger;
}

export type FairAdmission = { run: true; lease: SlotLease } | { run: false; delayMs: number };

/** The most a waiting job is delayed: its account's older jobs must start before it anyway. */
const MAX_DELAY_STEPS = 30;

export class FairShare {
  constructor(
    private readonly slots: PgJobSlots,
    private readonly options: FairShareOptions,
  ) {}

  /** The delay of a job handed back by fairness, before it asks again. */
  get retryMs(): number {
    return this.options.checkMs;
  }

  async admit(jobId: string): Promise<FairAdmission> {
    const holder = randomUUID();
    try {
      const admission = await this.slots.admit(jobId, holder, this.options);
      if (!admission.run) return { run: false, delayMs: this.options.checkMs * Math.min(MAX_DELAY_STEPS, admission.ahead + 1) };
      return { run: true, lease: new SlotLease(this.slots, jobId, admission.leased ? holder : undefined, this.options) };
    } catch (error) {
      // Fairness never fails or stalls a job: with PostgreSQL away the run waits out the outage itself.
      this.options.logger.warn('could not take a job slot; running without one', { job_id: jobId, error: errorMessage(error) });
      return { run: true, lease: new SlotLease(this.slots, jobId, undefined, this.options) };
    }
  }
}

/** A held slot: renewed in the background; `handBack` aborts when fairness wants the slot for another account. */
export class SlotLease {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly slots: PgJobSlots,
    private readonly jobId: string,
    private readonly holder: string | undefined,
    private readonly options: FairShareOptions,
  ) {
    if (holder)
      this.timer = setInterval(() => {
        this.renewing = this.renew();
      }, options.checkMs);
  }

  get handBack(): AbortSignal {
    return this.controller.signal;
  }

  private async renew(): Promise<void> {
    if (!this.holder || this.controller.signal.aborted) return;
    try {
      const verdict = await this.slots.renew(this.jobId, this.holder, this.options);
      if (verdict === 'yield') {
        this.options.logger.info("handing the job's slot back: its account is over its share while another account waits", {
          job_id: this.jobId,
        });
        this.controller.abort('fair-share');
      } else if (verdict === 'lost') {
        // Another worker runs the job now (ours was taken for dead); the run fence stops this run's writes.
        clearInterval(this.timer);
      }
    } catch (error) {
      this.options.logger.warn("could not renew the job's slot; trying again", { job_id: this.jobId, error: errorMessage(error) });
    }
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    if (!this.holder) return;
    try {
      await this.slots.release(this.jobId, this.holder);
    } catch (error) {
      this.options.logger.warn("could not release the job's slot; its lease expires on its own", {
        job_id: this.jobId,
        error: errorMessage(error),
      });
    }
  }
}
