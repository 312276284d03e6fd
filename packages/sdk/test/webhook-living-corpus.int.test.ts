import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOnLoopback, startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness } from '../../../test/support/job-harness';
import { makeDocuments, testConfig, uniqueAccount } from '../../../test/support/test-env';
import { NonstopIngestClient, verifyWebhookSignature } from '../src';

const SECRET = 'whsec_living_corpus_webhook_test';

/**
 * The webhook a job POSTs when it ends is the same report as GET /job/{id}
 * (the delete job is "a durable job like an insert job: same status, SSE,
 * webhook"): a webhook receiver must be able to tell `deleted` from
 * `not_found`, and `unchanged` from `replaced`, without polling.
 */
describe('the webhook of issue 11 jobs carries what GET /job/{id} says (real worker)', () => {
  const harness = new JobHarness({ WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '200' });
  const config = testConfig(harness.env);
  const received: Array<{ timestamp: string; signature: string; body: string }> = [];
  let api: InProcessApi;
  let listener: Awaited<ReturnType<typeof listenOnLoopback>>;
  let receiver: Server;
  let hookUrl: string;
  let client: NonstopIngestClient;

  beforeAll(async () => {
    harness.startWorker();
    api = await startInProcessApi(config);
    listener = await listenOnLoopback(api);
    client = new NonstopIngestClient({ baseUrl: listener.baseUrl });
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ timestamp: String(req.headers['nonstop-timestamp']), signature: String(req.headers['nonstop-signature']), body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await harness.stopAll();
    await listener.close();
    await api.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  async function deliveryOf(jobId: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = received.find((delivery) => delivery.body.includes(jobId));
      if (found) {
        expect(
          verifyWebhookSignature({
            secret: SECRET,
            rawBody: found.body,
            timestampHeader: found.timestamp,
            signatureHeader: found.signature,
          }).ok,
        ).toBe(true);
        return JSON.parse(found.body) as Record<string, unknown>;
      }
      if (Date.now() > deadline) throw new Error(`no webhook delivery for job ${jobId}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('an insert job with on_existing skip_unchanged: each result has its action in the webhook', async () => {
    const account = uniqueAccount('hooklive');
    const documents = makeDocuments(2, { chunks: 1 });
    await client.insertBatchSync({ account_name: account, documents });
    const created = await client.createBatchInsertJob({
      account_name: account,
      on_existing: 'skip_unchanged',
      webhook_url: hookUrl,
      documents: [documents[0]!, { ...documents[1]!, chunks: [{ chunk_index: 0, text: '바뀐 본문' }] }],
    });
    const job = await client.waitForJob(created.job_id, { schedule: [100, 200] });
    expect(job.results.map((r) => r.action)).toEqual(['unchanged', 'replaced']);
    const hook = await deliveryOf(created.job_id);
    expect((hook.results as Array<{ action?: string }>).map((r) => r.action)).toEqual(['unchanged', 'replaced']);
  });

  it('a delete job: deleted and not_found told apart, and the receipt, in the webhook', async () => {
    const account = uniqueAccount('hookdel');
    const documents = makeDocuments(1, { chunks: 2 });
    await client.insertBatchSync({ account_name: account, documents });
    const created = await client.deleteDocuments({
      account_name: account,
      content_names: [documents[0]!.content_name, 'never-stored'],
      webhook_url: hookUrl,
    });
    const job = await client.waitForJob(created.job_id, { schedule: [100, 200] });
    expect(job.results.map((r) => r.action)).toEqual(['deleted', 'not_found']);
    const hook = await deliveryOf(created.job_id);
    expect((hook.results as Array<{ action?: string }>).map((r) => r.action)).toEqual(['deleted', 'not_found']);
    expect(hook).toMatchObject({ kind: 'delete', receipt: { documents_deleted: 1, not_found: 1, vectors_after: 0 } });
  });
});
