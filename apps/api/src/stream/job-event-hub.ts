import { QueueEvents } from 'bullmq';
import { createRedis, errorMessage, QueueName, type Logger, type RedisTarget } from '@nonstop/core';

export type JobEventListener = (event: string) => void;

/** Queue events that may change what a job's stream shows; the stream re-reads PostgreSQL on each. */
const WAKE_EVENTS = ['active', 'progress', 'completed', 'failed', 'removed', 'delayed', 'waiting'] as const;

/**
 * One BullMQ QueueEvents per API process, fanned out by job id to the open
 * streams. The events come from Redis, so a stream hears a job whichever
 * worker runs it; they are only wake-up calls, never the content.
 */
export class JobEventHub {
  private readonly listeners = new Map<string, Set<JobEventListener>>();
  private readonly handlers: Array<[string, (args: { jobId: string }) => void]> = [];
  private readonly streamEnders = new Set<() => void>();

  constructor(private readonly events: QueueEvents) {
    for (const name of WAKE_EVENTS) {
      const handler = ({ jobId }: { jobId: string }): void => this.dispatch(jobId, name);
      this.handlers.push([name, handler]);
      events.on(name, handler);
    }
  }

  /** Returns the function that removes the listener. */
  subscribe(jobId: string, listener: JobEventListener): () => void {
    let set = this.listeners.get(jobId);
    if (!set) this.listeners.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(jobId) === set) this.listeners.delete(jobId);
    };
  }

  /** Registers how to end an open stream at shutdown; returns the function that unregisters it. */
  onShutdown(end: () => void): () => void {
    this.streamEnders.add(end);
    return () => this.streamEnders.delete(end);
  }

  /**
   * Ends every open stream, so that the HTTP server can close; clients
   * reconnect (EventSource does so by itself) with Last-Event-ID to another instance.
   */
  endStreams(): void {
    for (const end of [...this.streamEnders]) end();
  }

  /** Open subscriptions, for tests that prove a disconnect frees everything. */
  get subscriberCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  private dispatch(jobId: string, event: string): void {
    for (const listener of this.listeners.get(jobId) ?? []) listener(event);
  }

  detach(): void {
    this.endStreams();
    for (const [name, handler] of this.handlers) this.events.off(name as 'progress', handler as never);
    this.listeners.clear();
  }
}

export interface JobEvents {
  hub: JobEventHub;
  close(): Promise<void>;
}

/** The process's QueueEvents on the batch-insert queue (its own blocking connection, owned and closed here). */
export function createJobEvents(redis: string | RedisTarget, prefix: string, logger: Logger): JobEvents {
  // A template that never connects: QueueEvents duplicates it into the
  // blocking connection it owns and closes (a single Redis or a Cluster alike).
  const template = createRedis(redis, 'worker', { lazyConnect: true });
  const events = new QueueEvents(QueueName.batchInsert, { connection: template, prefix });
  events.on('error', (error) => logger.warn('queue events error', { error: errorMessage(error) }));
  const hub = new JobEventHub(events);
  return {
    hub,
    async close() {
      hub.detach();
      await events.close();
      template.disconnect();
    },
  };
}
