import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { PgApiKeyStore } from '@nonstop/storage';
import { freePort } from '../../../test/support/free-port';
import { JobHarness } from '../../../test/support/job-harness';
import { spawnApp, stopApp, type AppProcess } from '../../../test/support/processes';
import { StoreInspector, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';

/** A webhook receiver that fails the first delivery (so the retry path logs too), then records the signed ones. */
function startReceiver(): Promise<{ url: string; signatures: string[]; close(): Promise<void> }> {
  const signatures: string[] = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      signatures.push(String(req.headers['nonstop-signature']));
      res.writeHead(calls === 1 ? 500 : 200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`,
        signatures,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    ),
  );
}

/**
 * Both apps as real processes at LOG_LEVEL=debug run a job end to end (API
 * keys, a refused key, a bad request, a duplicate, a webhook retried and
 * signed); then every line they logged is searched for the secrets and the
 * documents' text.
 */
describe('logs never contain keys, secrets, webhook signatures or document text', () => {
  const webhookSecret = `whsec_${randomUUID()}`;
  const adminToken = `admin_${randomUUID()}`;
  const harness = new JobHarness({
    LOG_LEVEL: 'debug',
    WEBHOOK_SECRET: webhookSecret,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_BACKOFF_MS: '200',
    ADMIN_TOKEN: adminToken,
  });
  const stores = new StoreInspector(testConfig(harness.env));
  let api: AppProcess | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  afterAll(async () => {
    await stopApp(api, 'SIGKILL');
    await harness.stopAll();
    await receiver?.close();
    await stores.close();
  });

  it('holds for a job run through both apps', async () => {
    receiver = await startReceiver();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    api = spawnApp('api', { ...harness.env, API_AUTH: 'required', PORT: String(port) });
    const worker = harness.startWorker();
    await waitFor(
      'API up',
      async () =>
        fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      90_000,
    );

    const account = uniqueAccount('redact');
    const { key, webhookSecret: accountSecret } = await new PgApiKeyStore(stores.pool).create(account);
    const wrongKey = `nik_wrong_${randomUUID()}`;
    const documentText = `confidential paragraph ${randomUUID()}`;
    const metadataValue = `private author ${randomUUID()}`;
    const document = (n: number): Record<string, unknown> => ({
      chat_bot_id: 'bot001',
      content_name: `https://example.com/redact/${n}`,
      chunks: [
        { chunk_index: 0, text: `${documentText} (${n})` },
        { chunk_index: 1, text: documentText },
      ],
      metadata: { author: metadataValue },
    });
    const call = (path: string, init: RequestInit & { auth?: string } = {}): Promise<Response> =>
      fetch(`${base}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${init.auth ?? key}`, ...init.headers },
      });

    expect(
      (
        await call('/job/batch-insert', {
          method: 'POST',
          auth: wrongKey,
          body: JSON.stringify({ account_name: account, documents: [document(0)] }),
        })
      ).status,
    ).toBe(401);
    const badChunk = { ...document(9), chunks: [{ chunk_index: -1, text: documentText }] };
    expect(
      (await call('/job/batch-insert', { method: 'POST', body: JSON.stringify({ account_name: account, documents: [badChunk] }) })).status,
    ).toBe(400);
    expect((await call('/metrics', { auth: adminToken })).status).toBe(200);
    // a rotation through the admin endpoint: the job below is signed with the old and the new secret
    const rotated = await call(`/admin/accounts/${account}/webhook-secrets`, {
      method: 'POST',
      auth: adminToken,
      body: JSON.stringify({ overlap_seconds: 600 }),
    });
    expect(rotated.status).toBe(201);
    const rotatedSecret = ((await rotated.json()) as { secret: string }).secret;
    const created = await call('/job/batch-insert', {
      method: 'POST',
      // the third is the first again: a failed item ("already exists" path)
      body: JSON.stringify({ account_name: account, documents: [document(1), document(2), document(1)], webhook_url: receiver.url }),
    });
    expect(created.status).toBe(202);
    const jobId = ((await created.json()) as { job_id: string }).job_id;
    const job = await waitFor(
      'the job to complete',
      async () => {
        const body = (await (await call(`/job/${jobId}`)).json()) as { status: string; progress: Record<string, number> };
        return body.status === 'completed' ? body : undefined;
      },
      120_000,
    );
    expect(job.progress).toMatchObject({ success_count: 2, failure_count: 1 });
    await waitFor('the webhook to arrive signed, after one failed attempt', async () => receiver.signatures.length >= 2, 60_000);

    // SIGTERM, so that every line is written before the output is read.
    await stopApp(api, 'SIGTERM');
    await stopApp(worker, 'SIGTERM');
    const logs = `${api.output()}\n${worker.output()}`;
    // The search below means something only if the apps did log this job.
    expect(worker.output()).toContain(jobId);
    expect(worker.output()).toMatch(/job completed/);
    expect(worker.output()).toMatch(/webhook delivery attempt failed/);
    const requestLines = api
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === 'request');
    expect(requestLines).toContainEqual(
      expect.objectContaining({ level: 'debug', method: 'POST', path: '/job/batch-insert', status: 401 }),
    );
    expect(requestLines).toContainEqual(expect.objectContaining({ level: 'debug', method: 'GET', path: `/job/${jobId}`, status: 200 }));

    const secrets = {
      apiKey: key,
      wrongKey,
      webhookSecret,
      accountSecret: accountSecret!.secret,
      rotatedSecret,
      adminToken,
      documentText,
      metadataValue,
      ...Object.fromEntries(receiver.signatures.map((signature, n) => [`signature${n}`, signature])),
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length).toBeGreaterThan(8);
      expect({ name, found: logs.includes(value) }).toEqual({ name, found: false });
    }
  });
});
