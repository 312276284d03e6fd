import request from 'supertest';
import { createWebhookQueue, webhookDeliveryJobId } from '@nonstop/core';
import { verifyWebhookSignature } from '@nonstop/sdk';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness, waitForFinal } from '../../../test/support/job-harness';
import { makeDocuments, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';
import { startReceiver } from '../../../test/support/webhook-receiver';

const SECRET = 'whsec_test_0123456789abcdef';

describe('webhooks with a real worker process', () => {
  const harness = new JobHarness({
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_BACKOFF_MS: '200',
    WEBHOOK_TIMEOUT_MS: '3000',
  });
  const config = testConfig(harness.env);
  let api: InProcessApi;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    api = await startInProcessApi(config, { cancelWaitMs: 20_000 });
    harness.startWorker();
  });
  afterAll(async () => {
    await harness.stopAll();
    await api.close();
    await receiver.close();
  });

  const deliveriesTo = (path: string) => receiver.received.filter((r) => r.path === path);

  it('a finished job is POSTed exactly once, signed as the SDK verifies', async () => {
    const account = uniqueAccount('wh');
    const path = `/ok/${account}`;
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(3), webhook_url: `${receiver.url}${path}` })
      .expect(202);
    const jobId = created.body.job_id as string;
    await waitForFinal(api.app, jobId);
    const [delivery] = await waitFor(
      'the webhook',
      async () => (deliveriesTo(path).length > 0 ? deliveriesTo(path) : undefined),
      30_000,
      100,
    );
    // no second delivery arrives
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(deliveriesTo(path)).toHaveLength(1);

    const headers = { timestampHeader: delivery!.headers['nonstop-timestamp'], signatureHeader: delivery!.headers['nonstop-signature'] };
    expect(headers.signatureHeader).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret: SECRET, rawBody: delivery!.rawBody, ...headers })).toMatchObject({ ok: true });
    const tampered = delivery!.rawBody.replace('"completed"', '"failed"');
    expect(tampered).not.toBe(delivery!.rawBody);
    expect(verifyWebhookSignature({ secret: SECRET, rawBody: tampered, ...headers })).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(verifyWebhookSignature({ secret: 'another secret', rawBody: delivery!.rawBody, ...headers })).toMatchObject({ ok: false });

    const body = JSON.parse(delivery!.rawBody);
    expect(body).toMatchObject({
      job_id: jobId,
      status: 'completed',
      results_next_cursor: null,
      progress: { total_documents: 3, processed_documents: 3, success_count: 3, failure_count: 0 },
    });
    expect(body.results).toHaveLength(3);
    expect(body).not.toHaveProperty('results_url');
    expect(delivery!.headers['content-type']).toBe('application/json');

    const attempts = await request(api.app).get(`/job/${jobId}/webhook-deliveries`).expect(200);
    expect(attempts.body).toMatchObject({ job_id: jobId, webhook_url: `${receiver.url}${path}` });
    expect(attempts.body.deliveries).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'delivered', status_code: 200, error: null }),
    ]);
  });

  it('a receiver that answers 500 twice gets it on the third attempt, and every attempt is listed', async () => {
    const account = uniqueAccount('wh');
    const path = `/flaky/${account}`;
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(2), webhook_url: `${receiver.url}${path}` })
      .expect(202);
    const jobId = created.body.job_id as string;
    await waitForFinal(api.app, jobId);
    await waitFor('the third attempt', async () => deliveriesTo(path).some((r) => r.answered === 200), 30_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(deliveriesTo(path).map((r) => r.answered)).toEqual([500, 500, 200]);
    for (const delivery of deliveriesTo(path)) {
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          rawBody: delivery.rawBody,
          timestampHeader: delivery.headers['nonstop-timestamp'],
          signatureHeader: delivery.headers['nonstop-signature'],
        }),
      ).toMatchObject({ ok: true });
    }
    const attempts = await waitFor(
      'three recorded attempts',
      async () => {
        const res = await request(api.app).get(`/job/${jobId}/webhook-deliveries`).expect(200);
        return res.body.deliveries.length === 3 ? res.body.deliveries : undefined;
      },
      10_000,
    );
    expect(attempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'failed', status_code: 500, error: 'answered 500' }),
      expect.objectContaining({ attempt: 2, outcome: 'failed', status_code: 500, error: 'answered 500' }),
      expect.objectContaining({ attempt: 3, outcome: 'delivered', status_code: 200, error: null }),
    ]);
    for (const attempt of attempts) {
      expect(Number.isNaN(Date.parse(attempt.attempted_at))).toBe(false);
      expect(attempt.duration_ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('a cancelled job is announced once, with status cancelled', async () => {
    const account = uniqueAccount('wh');
    const path = `/ok/${account}`;
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(300), webhook_url: `${receiver.url}${path}` })
      .expect(202);
    const cancelled = await request(api.app).delete(`/job/${created.body.job_id}`).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await waitFor('the webhook', async () => deliveriesTo(path).length > 0, 30_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(deliveriesTo(path)).toHaveLength(1);
    expect(JSON.parse(deliveriesTo(path)[0]!.rawBody)).toMatchObject({ job_id: created.body.job_id, status: 'cancelled' });
  });

  it('recovery enqueues a finished job whose delivery was never enqueued', async () => {
    const account = uniqueAccount('wh');
    const path = `/ok/${account}`;
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(1), webhook_url: `${receiver.url}${path}` })
      .expect(202);
    const jobId = created.body.job_id as string;
    await waitForFinal(api.app, jobId);
    await waitFor('the webhook', async () => deliveriesTo(path).length > 0, 30_000, 100);
    // As if the enqueue had failed (Redis down at the job's end): no mark in PostgreSQL, nothing in Redis.
    await api.runtime.pool.query('UPDATE ingest_jobs SET webhook_enqueued_at = NULL WHERE id = $1', [jobId]);
    const webhookQueue = createWebhookQueue(api.redis, harness.prefix);
    await webhookQueue.remove(webhookDeliveryJobId(jobId));
    await webhookQueue.close();
    harness.startWorker(); // its start-up recovery pass finds the job
    await waitFor('the recovered delivery', async () => deliveriesTo(path).length === 2, 60_000, 100);
    const marked = await api.runtime.pool.query('SELECT webhook_enqueued_at FROM ingest_jobs WHERE id = $1', [jobId]);
    expect(marked.rows[0].webhook_enqueued_at).not.toBeNull();
  });

  it('the deliveries endpoint answers 404 for an unknown job', async () => {
    await request(api.app).get('/job/00000000-0000-4000-8000-000000000000/webhook-deliveries').expect(404);
    await request(api.app).get('/job/not-a-uuid/webhook-deliveries').expect(404);
  });

  describe('without WEBHOOK_ALLOW_PRIVATE', () => {
    let strictApi: InProcessApi;
    beforeAll(async () => {
      strictApi = await startInProcessApi(testConfig({ ...harness.env, WEBHOOK_ALLOW_PRIVATE: 'false' }));
    });
    afterAll(async () => {
      await strictApi.close();
    });

    it.each<[string, RegExp]>([
      ['http://127.0.0.1:8080/hook', /address 127\.0\.0\.1 is a loopback address/],
      ['http://10.0.0.1/hook', /address 10\.0\.0\.1 is a private address/],
      ['http://169.254.169.254/latest/meta-data/', /address 169\.254\.169\.254 is a link-local .*metadata/],
      ['http://localhost:8080/hook', /host localhost resolves to a loopback address;/],
      ['http://[::1]/hook', /address ::1 is a loopback address/],
      ['http://[2002:7f00:1::1]/hook', /6to4 loopback/],
      ['http://[64:ff9b::a00:1]/hook', /NAT64 private/],
      ['https://no-such-host.invalid/hook', /does not resolve/],
    ])('refuses %s with a clear 400', async (url, reason) => {
      const account = uniqueAccount('wh');
      const res = await request(strictApi.app)
        .post('/job/batch-insert')
        .send({ account_name: account, documents: makeDocuments(1), webhook_url: url })
        .expect(400);
      expect(res.body.error.code).toBe('invalid_webhook_url');
      expect(res.body.error.message).toMatch(reason);
      expect(res.body.error.details).toEqual([{ field: 'webhook_url', problem: expect.stringMatching(reason) }]);
    });
  });
});
