import request from 'supertest';
import { createWebhookQueue, webhookDeliveryJobId } from '@nonstop/core';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness, waitForFinal } from '../../../test/support/job-harness';
import { makeDocuments, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';
import { startReceiver, type WebhookReceiver } from '../../../test/support/webhook-receiver';

/**
 * The API accepted a webhook_url (WEBHOOK_ALLOW_PRIVATE=true there, as for a
 * host that was public then); the worker, with the default rule, finds at
 * delivery time that it resolves to an internal address.
 */
describe('a webhook refused at delivery time fails for good (real worker process)', () => {
  const harness = new JobHarness({
    WEBHOOK_SECRET: 'whsec_refusal_0123456789',
    WEBHOOK_ALLOW_PRIVATE: 'false',
    WEBHOOK_BACKOFF_MS: '100',
    WEBHOOK_MAX_ATTEMPTS: '5',
  });
  let api: InProcessApi;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    api = await startInProcessApi(testConfig({ ...harness.env, WEBHOOK_ALLOW_PRIVATE: 'true' }));
    harness.startWorker();
  });
  afterAll(async () => {
    await harness.stopAll();
    await api.close();
    await receiver.close();
  });

  it('is attempted once, never retried, and the recorded error names no host or address', async () => {
    const account = uniqueAccount('refused');
    const port = new URL(receiver.url).port;
    const webhookUrl = `http://localhost:${port}/ok/${account}`;
    const created = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(1), webhook_url: webhookUrl })
      .expect(202);
    const jobId = created.body.job_id as string;
    await waitForFinal(api.app, jobId);

    const queue = createWebhookQueue(api.redis, harness.prefix);
    try {
      const state = await waitFor(
        'the delivery to fail',
        async () => {
          const delivery = await queue.getJob(webhookDeliveryJobId(jobId));
          return delivery?.finishedOn ? { state: await delivery.getState(), attemptsMade: delivery.attemptsMade } : undefined;
        },
        60_000,
        100,
      );
      expect(state).toEqual({ state: 'failed', attemptsMade: 1 });
    } finally {
      await queue.close();
    }
    // five attempts 100 ms apart would be over by now
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const attempts = (await request(api.app).get(`/job/${jobId}/webhook-deliveries`).expect(200)).body.deliveries;
    expect(attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        outcome: 'failed',
        status_code: null,
        error: 'refused: webhook_url resolves to an internal or reserved address, where webhooks are not sent',
      }),
    ]);
    expect(receiver.received.filter((r) => r.path.endsWith(account))).toHaveLength(0);
    const logged = harness.workerOutput();
    for (const internal of ['127.0.0.1', '::1', `:${port}`]) {
      expect(JSON.stringify(attempts)).not.toContain(internal);
      expect(
        logged
          .split('\n')
          .filter((line) => line.includes(jobId))
          .join('\n'),
      ).not.toContain(internal);
    }
  });
});
