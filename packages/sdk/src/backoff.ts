/**
 * The polling schedule the service recommends: 1 s, 2 s, 4 s, 8 s, 16 s, then
 * every 16 s. A schedule is a list of delays whose last entry repeats, or a
 * function of the attempt number (0 = the wait after the first poll).
 */
export type PollSchedule = readonly number[] | ((attempt: number) => number);

export const DEFAULT_POLL_SCHEDULE_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];

/** The delay before poll `attempt + 1`; the last entry of a list repeats forever. */
export function backoffDelay(attempt: number, schedule: PollSchedule = DEFAULT_POLL_SCHEDULE_MS): number {
  if (typeof schedule === 'function') return Math.max(0, schedule(attempt));
  if (schedule.length === 0) throw new RangeError('a poll schedule needs at least one delay');
  const index = Math.min(Math.max(0, Math.floor(attempt)), schedule.length - 1);
  return Math.max(0, schedule[index]!);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
