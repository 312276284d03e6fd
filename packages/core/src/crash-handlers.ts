import type { Logger } from './logger';

/**
 * An uncaught exception or unhandled rejection leaves the process in an
 * unknown state: log it and exit, and let the supervisor start a fresh one.
 * Jobs are safe: the ledger in PostgreSQL lets another worker resume them.
 */
export function exitOnUncaughtErrors(logger: Logger): void {
  const fail =
    (kind: string) =>
    (error: unknown): void => {
      logger.error(`${kind}; exiting so the supervisor restarts the process`, { error });
      // give the logger a moment to flush before the exit
      setTimeout(() => process.exit(1), 100).unref();
    };
  process.on('uncaughtException', fail('uncaught exception'));
  process.on('unhandledRejection', fail('unhandled promise rejection'));
}
