export * from './types';
export * from './errors';
export { backoffDelay, DEFAULT_POLL_SCHEDULE_MS, type PollSchedule } from './backoff';
export { SseParser, type SseMessage } from './sse';
export {
  isDryRun,
  isTransient,
  NonstopIngestClient,
  type ClientOptions,
  type CreateOptions,
  type IterateResultsOptions,
  type RequestOptions,
  type StreamOptions,
  type WaitOptions,
} from './client';
export * from './webhook-signature';
export * from './webhook-delivery';
export * from './seen-delivery-ids';
export { DocumentFileError, parseDocumentsText, splitIntoJobs, type ParseOptions } from './documents';
