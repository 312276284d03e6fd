import type { JobRow } from '@nonstop/storage';

export interface JobProgress {
  total_documents: number;
  processed_documents: number;
  success_count: number;
  failure_count: number;
  cancelled_count: number;
  percentage: number;
}

export function progressOf(job: JobRow): JobProgress {
  const total = job.total_documents;
  return {
    total_documents: total,
    processed_documents: job.processed_documents,
    success_count: job.success_count,
    failure_count: job.failure_count,
    cancelled_count: job.cancelled_count,
    // rounded down, so 100 means every document, never 9,999 of 10,000
    percentage: total === 0 ? 100 : Math.floor((job.processed_documents / total) * 1000) / 10,
  };
}
