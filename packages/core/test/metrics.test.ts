import { createMetrics } from '../src/metrics';

describe('createMetrics', () => {
  it('defines the series on a registry of its own and records results, jobs, stages and retries', async () => {
    const counts = jest.fn(async () => ({ waiting: 3, active: 1, delayed: 0, failed: 2 }));
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.watchQueue({ getJobCounts: counts });
    metrics.recordDocumentResults([
      { content_name: 'a', chat_bot_id: 'b', success: true, doc_id: 1, chunks_count: 2 },
      { content_name: 'c', chat_bot_id: 'b', success: false, chunks_count: 1, error: 'x', error_code: 'already_exists' as never },
    ]);
    metrics.recordJobEnded('completed');
    metrics.observeStage('embedding', 0.2);
    metrics.recordEmbeddingRetry('rate_limited');
    metrics.recordEmbeddingRetry('timeout');
    metrics.activeJobs.inc();
    const text = await metrics.registry.metrics();
    expect(text).toContain('nonstop_documents_total{result="succeeded",error_code=""} 1');
    expect(text).toContain('nonstop_documents_total{result="failed",error_code="already_exists"} 1');
    expect(text).toContain('nonstop_chunks_total{result="succeeded"} 2');
    expect(text).toContain('nonstop_jobs_total{status="completed"} 1');
    expect(text).toContain('nonstop_jobs_total{status="failed"} 0');
    expect(text).toContain('nonstop_stage_duration_seconds_count{stage="embedding"} 1');
    expect(text).toContain('nonstop_stage_duration_seconds_count{stage="milvus_write"} 0');
    expect(text).toContain('nonstop_embedding_retries_total{reason="rate_limited"} 1');
    expect(text).toContain('nonstop_embedding_rate_limited_total 1');
    expect(text).toContain('nonstop_queue_jobs{state="waiting"} 3');
    expect(text).toContain('nonstop_queue_jobs{state="failed"} 2');
    expect(text).toContain('nonstop_active_jobs 1');
    expect(counts).toHaveBeenCalledWith('waiting', 'active', 'delayed', 'failed');
  });

  it('keeps the scrape working when the queue cannot be read', async () => {
    const metrics = createMetrics({ defaultMetrics: false, queue: { getJobCounts: async () => { throw new Error('redis down'); } } });
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('nonstop_queue_jobs{');
    expect(text).toContain('nonstop_active_jobs 0');
  });

  it('includes the default process metrics unless turned off', async () => {
    expect(await createMetrics().registry.metrics()).toContain('process_cpu_user_seconds_total');
  });
});
