import { apiBody, type ApiSchema } from '@nonstop/core';
import type { JobRow } from '@nonstop/storage';

/** The OpenAPI document's JobProgress. */
export type JobProgress = ApiSchema<'JobProgress'>;

export function progressOf(job: JobRow): JobProgress {
  const total = job.total_documents;
  return apiBody('JobProgress', {
    total_documents: total,
    processed_documents: job.processed_documents,
    success_count: job.success_count,
    failure_count: job.failure_count,
    cancelled_count: job.cancelled_count,
    // rounded down, so 100 means every document, never 9,999 of 10,000
    percentage: total === 0 ? 100 : Math.floor((job.processed_documents / total) * 1000) / 10,
  });
}
