import { DependencyError } from '@nonstop/core';

const CONNECTION_FAILURE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** Connection-level failures (refused, reset, shut down, timeout) are the store being down, not a bad document. */
export function asDependencyError(error: unknown): unknown {
  if (!(error instanceof Error) || error.name === 'DependencyError') return error;
  const code = (error as { code?: string }).code ?? '';
  // A server error with its own SQLSTATE (a syntax error, a violated constraint) is never an outage,
  // whatever its message says; only errors without a code are judged by their message.
  const connectionFailure =
    CONNECTION_FAILURE_CODES.has(code) ||
    (code === '' && /timeout|Connection terminated|connection is closed|Client has encountered a connection error/i.test(error.message));
  return connectionFailure ? new DependencyError('postgresql', `PostgreSQL unavailable: ${error.message}`, { cause: error }) : error;
}
