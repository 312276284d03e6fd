import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { enqueueBatchInsert, enqueueWebhookDelivery, QueueName, webhookDeliveryJobId } from '@nonstop/core';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { testConfig } from '../../../test/support/test-env';

describe('admin: Bull Board behind ADMIN_TOKEN', () => {
  const token = `admin-${randomUUID()}`;
  const config = testConfig({ QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`, ADMIN_TOKEN: token });
  let api: InProcessApi;
  let closed: InProcessApi;

  beforeAll(async () => {
    api = await startInProcessApi(config);
    closed = await startInProcessApi(testConfig({ QUEUE_PREFIX: config.queuePrefix, ADMIN_TOKEN: '' }));
  });
  afterAll(async () => {
    await api.queue.obliterate({ force: true });
    await api.webhookQueue.obliterate({ force: true });
    await api.close();
    await closed.close();
  });

  it('answers 401 with a Basic challenge without a credential or with a wrong one', async () => {
    const none = await request(api.app).get('/admin/queues').expect(401);
    expect(none.headers['www-authenticate']).toContain('Basic realm="nonstop-ingest admin"');
    expect(none.body.error.code).toBe('unauthorized');
    await request(api.app).get('/admin/queues').set('Authorization', 'Bearer wrong-token-of-some-length').expect(401);
    await request(api.app).get('/admin/queues').auth('admin', 'wrong').expect(401);
    await request(api.app).get('/admin/queues/api/queues').set('Authorization', `Bearer ${token}x`).expect(401);
    await request(api.app).get('/admin/queues/api/queues').set('Authorization', 'Basic !!!').expect(401);
  });

  it('serves the dashboard with a Bearer token or Basic with the token as password', async () => {
    const page = await request(api.app).get('/admin/queues').set('Authorization', `Bearer ${token}`).expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('<html');
    await request(api.app).get('/admin/queues').auth('anyone', token).expect(200);
  });

  it('lists the batch-insert queue and its jobs through the dashboard API', async () => {
    const jobId = randomUUID();
    await enqueueBatchInsert(api.queue, jobId, config.retention);
    const response = await request(api.app)
      .get('/admin/queues/api/queues')
      .query({ activeQueue: 'batch-insert', status: 'waiting' })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const queues = response.body.queues as Array<{ name: string; jobs: Array<{ id: string }> }>;
    const names = queues.map((queue) => queue.name);
    expect(names).toContain('batch-insert');
    expect(queues.find((queue) => queue.name === 'batch-insert')!.jobs.map((job) => job.id)).toContain(jobId);
  });

  it('lists the webhook-delivery queue and its jobs beside the batch-insert queue', async () => {
    const jobId = randomUUID();
    await enqueueWebhookDelivery(api.webhookQueue, jobId, config.webhook!);
    const response = await request(api.app)
      .get('/admin/queues/api/queues')
      .query({ activeQueue: QueueName.webhookDelivery, status: 'waiting' })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const queues = response.body.queues as Array<{ name: string; jobs: Array<{ id: string }> }>;
    expect(queues.map((queue) => queue.name).sort()).toEqual([QueueName.batchInsert, QueueName.webhookDelivery].sort());
    expect(queues.find((queue) => queue.name === QueueName.webhookDelivery)!.jobs.map((job) => job.id)).toContain(
      webhookDeliveryJobId(jobId),
    );
  });

  it('stays shut (503) when ADMIN_TOKEN is unset', async () => {
    const response = await request(closed.app).get('/admin/queues').set('Authorization', `Bearer ${token}`).expect(503);
    expect(response.body.error.message).toBe('admin disabled: set ADMIN_TOKEN');
    await request(closed.app).get('/admin/queues/api/queues').expect(503);
  });
});
