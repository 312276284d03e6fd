import { ErrorCode, type ResStatus } from '@zilliz/milvus2-sdk-node';
import { DependencyError, errorMessage, isErrorNamed } from '@nonstop/core';

/**
 * Milvus refused the request itself (an invalid parameter, such as a value
 * longer than its field): repeating it cannot help, and in a write it may
 * belong to one document, so the pipeline isolates it instead of pausing or
 * failing the job.
 */
export class MilvusRejectedError extends Error {
  override name = 'MilvusRejectedError';
}

/** Parameter errors: the `IllegalArgument` status and Milvus 2.3's 1100-1199 codes, never marked retriable. */
function isRejection(status: ResStatus & { code?: number; retriable?: boolean }): boolean {
  if (status.retriable === true) return false;
  return status.error_code === 'IllegalArgument' || (status.code !== undefined && status.code >= 1100 && status.code < 1200);
}

/** Throws unless Milvus answered Success: MilvusRejectedError for a refused parameter (`what` names the request), an Error otherwise. */
export function expectSuccess(result: ResStatus | { status: ResStatus }, what: string): void {
  const status = 'status' in result ? result.status : result;
  if (status.error_code === ErrorCode.SUCCESS || status.error_code === 'Success') return;
  const message = `${status.error_code}: ${status.reason}`;
  throw isRejection(status) ? new MilvusRejectedError(`Milvus refused ${what}: ${message}`) : new Error(message);
}

/**
 * Retries with backoff (retryDelayMs, doubling), then reports Milvus as
 * unavailable with the last error; a refusal is thrown at once. An abort
 * stops the retries, never a call in flight: each call ends by itself (its
 * answer or its deadline), so nothing is left writing.
 */
export async function withMilvusRetries<T>(
  options: { action: string; maxAttempts: number; retryDelayMs: number; signal?: AbortSignal | undefined },
  operation: () => Promise<T>,
): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt += 1) {
    if (attempt > 1) options.signal?.throwIfAborted();
    try {
      return await operation();
    } catch (error) {
      if (isErrorNamed(error, 'MilvusRejectedError')) throw error;
      lastError = error;
      if (attempt < options.maxAttempts) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs * 2 ** (attempt - 1)));
    }
  }
  throw new DependencyError(
    'milvus',
    `Milvus could not ${options.action} after ${options.maxAttempts} attempts: ${errorMessage(lastError)}`,
    { cause: lastError },
  );
}
