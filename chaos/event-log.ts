export type EventKind = 'kill -9 worker' | 'kill -9 API' | 'Redis kill -9 + restart (AOF)' | 'PostgreSQL connection cut' | 'Milvus restart';

export interface ChaosEvent {
  kind: EventKind;
  /** When it started and when the service had its dependency back (same for a kill). */
  at: number;
  endedAt: number;
  /** Outages: when the store did not answer (PostgreSQL: the cut; Milvus: a query every 500 ms failing). */
  unanswered?: { from: number; to: number };
  target: string;
  detail: string;
  /** Documents of the large job processed when it happened. */
  largeJobProcessed: number;
  /** From the end of the event to the large job recording progress again; set when the large job was hit. */
  recoveryMs?: number;
  /** Whether the large job was being processed by the killed process (kills) or the event hit every process (outages). */
  hitLargeJob: boolean;
  /** Jobs whose work it could have interrupted: those the killed process was running; undefined for an outage (every job). */
  jobs?: string[];
}

export class EventLog {
  readonly events: ChaosEvent[] = [];

  add(event: ChaosEvent): ChaosEvent {
    this.events.push(event);
    return event;
  }

  count(kind: EventKind): number {
    return this.events.filter((event) => event.kind === kind).length;
  }

  /**
   * True when, between `from` and `to`, a store was out or the process
   * running `jobId` was killed: what can make a document of that job be
   * redone. A sync job runs in the API (the one API process: any API kill
   * while it ran interrupted it) until a worker takes it over.
   */
  interruptedBetween(jobId: string, from: number, to: number, sync = false): boolean {
    return this.events.some(
      (event) =>
        event.at <= to &&
        event.endedAt >= from &&
        (event.kind === 'kill -9 API' ? sync : event.jobs === undefined || event.jobs.includes(jobId)),
    );
  }
}
