import { createMetrics, DEPENDENCY_PROBE_TIMEOUT_MS } from '../src/metrics';

describe('createMetrics', () => {
  it('defines the series on a registry of its own and records results, jobs, stages and retries', async () => {
    const counts = jest.fn(async () => ({ waiting: 3, active: 1, delayed: 0, failed: 2 }));
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.watchQueue({ getJobCounts: counts, getJobs: async () => [] });
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
    const down = async (): Promise<never> => {
      throw new Error('redis down');
    };
    const metrics = createMetrics({ defaultMetrics: false, queue: { getJobCounts: down, getJobs: down } });
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('nonstop_queue_jobs{');
    expect(text).not.toContain('nonstop_queue_oldest_waiting_age_seconds{');
    expect(text).toContain('nonstop_active_jobs 0');
  });

  it('reports how long the oldest waiting job has waited, 0 when none waits', async () => {
    const getJobs = jest.fn(async () => [{ timestamp: Date.now() - 90_000 }]);
    const metrics = createMetrics({ defaultMetrics: false, queue: { getJobCounts: async () => ({}), getJobs } });
    const waited = Number(
      /^nonstop_queue_oldest_waiting_age_seconds\{queue="batch-insert"\} (\S+)$/m.exec(await metrics.registry.metrics())?.[1],
    );
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(100);
    expect(getJobs).toHaveBeenCalledWith(['waiting'], 0, 0, true);
    getJobs.mockResolvedValue([]);
    expect(await metrics.registry.metrics()).toContain('nonstop_queue_oldest_waiting_age_seconds{queue="batch-insert"} 0');
  });

  it('probes each dependency when scraped: a failing or hanging one is 0', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const metrics = createMetrics({ defaultMetrics: false });
      metrics.watchDependencies({
        redis: async () => 'PONG',
        postgres: async () => {
          throw new Error('connection refused');
        },
        milvus: () => new Promise(() => undefined),
      });
      const scrape = metrics.registry.metrics();
      await jest.advanceTimersByTimeAsync(DEPENDENCY_PROBE_TIMEOUT_MS);
      const text = await scrape;
      expect(text).toContain('nonstop_dependency_up{dependency="redis"} 1');
      expect(text).toContain('nonstop_dependency_up{dependency="postgres"} 0');
      expect(text).toContain('nonstop_dependency_up{dependency="milvus"} 0');
    } finally {
      jest.useRealTimers();
    }
  });

  it('records API requests by method, route pattern and status, folding unknown methods into "other"', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeHttpRequest('GET', '/job/:job_id', 200, 0.02);
    metrics.observeHttpRequest('GET', '/job/:job_id', 404, 0.01);
    metrics.observeHttpRequest('PROPFIND', 'unmatched', 404, 0.001);
    const text = await metrics.registry.metrics();
    expect(text).toContain('nonstop_http_request_duration_seconds_count{method="GET",route="/job/:job_id",status_code="200"} 1');
    expect(text).toContain('nonstop_http_request_duration_seconds_count{method="GET",route="/job/:job_id",status_code="404"} 1');
    expect(text).toContain('nonstop_http_request_duration_seconds_count{method="other",route="unmatched",status_code="404"} 1');
  });

  it('records recovery passes, housekeeping outcomes and webhook attempts', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.recordRecoveryPass({ reenqueued: 2, oldestUnfinishedCreatedAt: new Date(Date.now() - 600_000) });
    metrics.recordHousekeepingPass('recovery', 'ok');
    metrics.recordHousekeepingPass('retention_sweep', 'failed');
    metrics.recordWebhookAttempt('retrying');
    metrics.recordWebhookAttempt('failed');
    let text = await metrics.registry.metrics();
    expect(text).toContain('nonstop_recovery_reenqueued_jobs_total 2');
    const age = Number(/^nonstop_oldest_unfinished_job_age_seconds (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(600);
    expect(age).toBeLessThan(610);
    expect(text).toContain('nonstop_housekeeping_passes_total{pass="recovery",outcome="ok"} 1');
    expect(text).toContain('nonstop_housekeeping_passes_total{pass="retention_sweep",outcome="failed"} 1');
    expect(text).toContain('nonstop_housekeeping_passes_total{pass="webhook_recovery",outcome="failed"} 0');
    expect(text).toContain('nonstop_webhook_delivery_attempts_total{outcome="retrying"} 1');
    expect(text).toContain('nonstop_webhook_delivery_attempts_total{outcome="failed"} 1');
    expect(text).toContain('nonstop_webhook_delivery_attempts_total{outcome="completed"} 0');

    metrics.recordRecoveryPass({ reenqueued: 0, oldestUnfinishedCreatedAt: undefined });
    text = await metrics.registry.metrics();
    expect(text).toMatch(/^nonstop_oldest_unfinished_job_age_seconds 0$/m);
    expect(text).toContain('nonstop_recovery_reenqueued_jobs_total 2');
  });

  it('includes the default process metrics unless turned off', async () => {
    expect(await createMetrics().registry.metrics()).toContain('process_cpu_user_seconds_total');
  });
});
