import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { freePort } from '../../../test/support/free-port';
import { JobHarness, waitForFinal } from '../../../test/support/job-harness';
import { makeDocuments, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';

/** Parses the Prometheus text format into `name{labels}` -> value. */
function parse(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

describe('Prometheus metrics', () => {
  const token = `admin-${randomUUID()}`;
  const harness = new JobHarness({ ADMIN_TOKEN: token });
  const config = testConfig(harness.env);
  let api: InProcessApi;
  let workerUrl: string;

  const scrapeWorker = async (): Promise<Map<string, number>> => {
    const response = await fetch(`${workerUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parse(await response.text());
  };

  beforeAll(async () => {
    api = await startInProcessApi(config);
    const port = await freePort();
    workerUrl = `http://127.0.0.1:${port}`;
    harness.startWorker({ WORKER_HEALTH_PORT: String(port) });
    await waitFor(
      "the worker's health listener",
      async () =>
        (await fetch(`${workerUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        )) || undefined,
      120_000,
    );
  });
  afterAll(async () => {
    await harness.stopAll();
    await api.queue.obliterate({ force: true }).catch(() => undefined);
    await api.close();
  });

  it('the API serves /metrics only with the admin credential', async () => {
    const none = await request(api.app).get('/metrics').expect(401);
    expect(none.body.error.code).toBe('unauthorized');
    await request(api.app).get('/metrics').set('Authorization', 'Bearer wrong-token-of-some-length').expect(401);
    const ok = await request(api.app).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(ok.text).toMatch(/^nonstop_http_request_duration_seconds_count\{method="GET",route="\/metrics",status_code="401"\} [1-9]/m);
    expect(ok.headers['content-type']).toContain('text/plain');
    expect(ok.text).toContain('# TYPE nonstop_queue_jobs gauge');
    expect(ok.text).toMatch(/^nonstop_queue_jobs\{state="waiting"\} \d+$/m);
    expect(ok.text).toContain('process_cpu_user_seconds_total');
    await request(api.app).get('/metrics').auth('prometheus', token).expect(200);
  });

  it('the API answers 503 on /metrics while ADMIN_TOKEN is unset', async () => {
    const closed = await startInProcessApi(testConfig({ ...harness.env, ADMIN_TOKEN: '' }));
    try {
      const response = await request(closed.app).get('/metrics').set('Authorization', `Bearer ${token}`).expect(503);
      expect(response.body.error.code).toBe('admin_disabled');
    } finally {
      await closed.close();
    }
  });

  it("the worker's /metrics lists the series, and they move while a 40-document job runs", async () => {
    const before = await scrapeWorker();
    for (const series of [
      'nonstop_jobs_total{status="completed"}',
      'nonstop_stage_duration_seconds_count{stage="postgres_write"}',
      'nonstop_stage_duration_seconds_count{stage="embedding"}',
      'nonstop_stage_duration_seconds_count{stage="milvus_write"}',
      'nonstop_embedding_rate_limited_total',
      'nonstop_active_jobs',
      'nonstop_queue_jobs{state="waiting"}',
      'nonstop_queue_jobs{state="active"}',
      'nonstop_queue_jobs{state="delayed"}',
      'nonstop_queue_jobs{state="failed"}',
      'nonstop_queue_oldest_waiting_age_seconds{queue="batch-insert"}',
      'nonstop_oldest_unfinished_job_age_seconds',
      'nonstop_housekeeping_passes_total{pass="recovery",outcome="ok"}',
      'nonstop_webhook_delivery_attempts_total{outcome="failed"}',
      'process_resident_memory_bytes',
    ]) {
      expect({ series, present: before.has(series) }).toEqual({ series, present: true });
    }
    for (const dependency of ['redis', 'postgres', 'milvus']) {
      expect({ dependency, up: before.get(`nonstop_dependency_up{dependency="${dependency}"}`) }).toEqual({ dependency, up: 1 });
    }
    expect(before.get('nonstop_housekeeping_passes_total{pass="recovery",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    const value = (scrape: Map<string, number>, series: string) => scrape.get(series) ?? 0;

    const account = uniqueAccount('metrics');
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(40, { chunks: 2 }) })
      .expect(202);
    const { job } = await waitForFinal(api.app, created.body.job_id);
    expect(job.status).toBe('completed');
    // The ledger says completed a moment before the worker's processor returns: wait for that.
    const after = await waitFor(
      "the job's end in the worker's metrics",
      async () => {
        const scrape = await scrapeWorker();
        const ended = value(scrape, 'nonstop_jobs_total{status="completed"}') > value(before, 'nonstop_jobs_total{status="completed"}');
        return ended && value(scrape, 'nonstop_active_jobs') === 0 ? scrape : undefined;
      },
      10_000,
      50,
    );

    const grew = (series: string) => value(after, series) - value(before, series);
    expect(grew('nonstop_documents_total{result="succeeded",error_code=""}')).toBe(40);
    expect(grew('nonstop_chunks_total{result="succeeded"}')).toBe(80);
    expect(grew('nonstop_jobs_total{status="completed"}')).toBe(1);
    for (const stage of ['postgres_write', 'embedding', 'milvus_write']) {
      expect({ stage, grew: grew(`nonstop_stage_duration_seconds_count{stage="${stage}"}`) > 0 }).toEqual({ stage, grew: true });
      expect(grew(`nonstop_stage_duration_seconds_sum{stage="${stage}"}`)).toBeGreaterThan(0);
    }
    expect(value(after, 'nonstop_active_jobs')).toBe(0);
  });

  it("the worker's health listener still answers its probes", async () => {
    expect((await fetch(`${workerUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${workerUrl}/nope`)).status).toBe(404);
  });
});
