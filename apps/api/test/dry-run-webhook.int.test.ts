import request from 'supertest';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { makeDocuments, testConfig, uniqueAccount } from '../../../test/support/test-env';

/**
 * dry_run is "validation plus the action each document would get": a body the
 * real request refuses must not be answered 200 by its dry run.
 */
describe('a dry run refuses what the job would refuse', () => {
  const config = testConfig({ WEBHOOK_ALLOW_PRIVATE: 'false' });
  let api: InProcessApi;

  beforeAll(async () => {
    api = await startInProcessApi(config);
  });
  afterAll(async () => api.close());

  it('a webhook_url to a loopback address: 400 invalid_webhook_url for the job, and for its dry run', async () => {
    const body = { account_name: uniqueAccount('dryhook'), documents: makeDocuments(1), webhook_url: 'http://127.0.0.1:9/hook' };
    const job = await request(api.app).post('/job/batch-insert').send(body);
    expect([job.status, job.body.error?.code]).toEqual([400, 'invalid_webhook_url']);
    const dry = await request(api.app)
      .post('/job/batch-insert')
      .send({ ...body, dry_run: true });
    expect([dry.status, dry.body.error?.code]).toEqual([400, 'invalid_webhook_url']);
  });
});
