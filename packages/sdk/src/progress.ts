import type { JobProgress } from './types';

/** Totals over one or more jobs, for the CLI's progress line. */
export function sumProgress(progresses: readonly JobProgress[]): JobProgress {
  const sum = { total_documents: 0, processed_documents: 0, success_count: 0, failure_count: 0, cancelled_count: 0, percentage: 0 };
  for (const p of progresses) {
    sum.total_documents += p.total_documents;
    sum.processed_documents += p.processed_documents;
    sum.success_count += p.success_count;
    sum.failure_count += p.failure_count;
    sum.cancelled_count += p.cancelled_count;
  }
  sum.percentage = sum.total_documents === 0 ? 100 : Math.round((sum.processed_documents / sum.total_documents) * 1000) / 10;
  return sum;
}

/** Remaining ms at the rate seen since `startedAt`; undefined until something is processed. */
export function etaMs(progress: JobProgress, startedAt: number, now: number): number | undefined {
  const done = progress.processed_documents;
  if (done <= 0 || now <= startedAt) return undefined;
  return ((now - startedAt) / done) * Math.max(0, progress.total_documents - done);
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `processing 450/1000 (45.0%) ok 440 failed 10 ETA 12s`, with a bar in front when `bar` is set. */
export function formatProgressLine(
  status: string,
  progress: JobProgress,
  eta: number | undefined,
  options: { bar?: boolean; width?: number } = {},
): string {
  const parts = [
    status,
    `${progress.processed_documents}/${progress.total_documents}`,
    `(${progress.percentage.toFixed(1)}%)`,
    `ok ${progress.success_count}`,
    `failed ${progress.failure_count}`,
  ];
  if (progress.cancelled_count > 0) parts.push(`cancelled ${progress.cancelled_count}`);
  if (eta !== undefined && progress.processed_documents < progress.total_documents) parts.push(`ETA ${formatDuration(eta)}`);
  const text = parts.join(' ');
  if (!options.bar) return text;
  const width = options.width ?? 24;
  const filled = Math.min(width, Math.round((progress.percentage / 100) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`;
}
