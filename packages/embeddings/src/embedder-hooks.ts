/** Why an embedding request is being tried again. `rate_limited` is a 429. */
export type EmbeddingRetryReason = 'rate_limited' | 'server_error' | 'timeout' | 'network' | 'unreadable_response';

export interface EmbeddingRetryDetails {
  /** The attempt that just failed, from 1. */
  attempt: number;
  delayMs: number;
  status?: number;
}

/**
 * Observation points for metrics, kept as plain callbacks so this package does
 * not pick a metrics library. Must not throw.
 */
export interface EmbedderHooks {
  onRetry?(reason: EmbeddingRetryReason, details: EmbeddingRetryDetails): void;
}
