import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFromTraceCarrier, inSpan, type DocumentInput } from '@nonstop/core';

/** What a run span names of its job (the job store's row has these fields). */
interface RunningJob {
  id: string;
  account_name: string;
  kind: string;
  run_count: number;
  total_documents: number;
  trace_context?: Record<string, string> | null;
}

/** What a run span records of its outcome (BatchJobRunner's RunOutcome). */
interface TracedOutcome {
  status: string;
  job?: { success_count: number; failure_count: number; error_code: string | null; error_message: string | null };
}

/** The spans of a job run: one per run, one per micro-batch under it; the stages' spans are under those (timed-ports.ts). */
export const JobSpan = {
  run: 'ingest.job',
  microBatch: 'ingest.micro_batch',
} as const;

/**
 * One run of a job as a span in the trace of the request that accepted it
 * (the context stored with the job). In the API (a synchronous insert) the
 * request's span is active already and is the parent. A job with no stored
 * context (accepted with tracing off) starts a trace of its own.
 */
export async function traceJobRun<T extends TracedOutcome>(job: RunningJob, run: () => Promise<T>): Promise<T> {
  const parent = trace.getSpan(context.active()) ? context.active() : contextFromTraceCarrier(job.trace_context);
  return inSpan(
    JobSpan.run,
    {
      parent,
      attributes: {
        'nonstop.job.id': job.id,
        'nonstop.account': job.account_name,
        'nonstop.job.kind': job.kind,
        'nonstop.job.run': job.run_count,
        'nonstop.job.documents': job.total_documents,
      },
    },
    async (span) => {
      const outcome = await run();
      span.setAttribute('nonstop.job.outcome', outcome.status);
      if (outcome.job) {
        span.setAttributes({
          'nonstop.job.success_count': outcome.job.success_count,
          'nonstop.job.failure_count': outcome.job.failure_count,
        });
      }
      if (outcome.status === 'failed') {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: `${outcome.job?.error_code ?? 'failed'}: ${outcome.job?.error_message ?? ''}`,
        });
      }
      return outcome;
    },
  );
}

export function traceMicroBatch<T>(documents: DocumentInput[], work: () => Promise<T>): Promise<T> {
  return inSpan(
    JobSpan.microBatch,
    {
      attributes: {
        'nonstop.documents': documents.length,
        'nonstop.chunks': documents.reduce((sum, document) => sum + document.chunks.length, 0),
      },
    },
    work,
  );
}
