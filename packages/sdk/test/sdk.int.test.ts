import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listenOnLoopback, startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness } from '../../../test/support/job-harness';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { makeDocuments, StoreInspector, testConfig, uniqueAccount } from '../../../test/support/test-env';
import { isDryRun, NonstopApiError, NonstopIngestClient, type JobStreamEvent, type JobView } from '../src';
import { runCli } from './run-cli';

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('@nonstop/sdk against the real API and a real worker', () => {
  const harness = new JobHarness();
  const config = testConfig(harness.env);
  let api: InProcessApi;
  let listener: Awaited<ReturnType<typeof listenOnLoopback>>;
  let baseUrl: string;
  let client: NonstopIngestClient;
  let stores: StoreInspector;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nonstop-sdk-'));

  beforeAll(async () => {
    api = await startInProcessApi(config, { cancelWaitMs: 20_000 });
    listener = await listenOnLoopback(api);
    baseUrl = listener.baseUrl;
    client = new NonstopIngestClient({ baseUrl });
    stores = new StoreInspector(config);
    harness.startWorker();
  });
  afterAll(async () => {
    await harness.stopAll();
    await listener.close();
    await api.close();
    await stores.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('create -> waitForJob (short schedule) -> iterateResults to the end', async () => {
    const account = uniqueAccount('sdk');
    const body = { account_name: account, documents: makeDocuments(25, { chunks: 1 }) };
    const key = `sdk-${randomUUID()}`;
    const created = await client.createBatchInsertJob(body, { idempotencyKey: key });
    expect(created).toMatchObject({ status: 'pending', total_documents: 25 });
    expect((await client.createBatchInsertJob(body, { idempotencyKey: key })).job_id).toBe(created.job_id);

    const seen: string[] = [];
    const job = await client.waitForJob(created.job_id, {
      schedule: [50, 100, 200],
      deadlineMs: 120_000,
      onProgress: (view) => {
        if (seen[seen.length - 1] !== view.status) seen.push(view.status);
      },
    });
    expect(job.status).toBe('completed');
    expect(seen[seen.length - 1]).toBe('completed');
    expect(job.progress).toMatchObject({
      total_documents: 25,
      processed_documents: 25,
      success_count: 25,
      failure_count: 0,
      percentage: 100,
    });

    const results = [];
    for await (const result of client.iterateResults(created.job_id, { pageSize: 7 })) results.push(result);
    expect(results.map((r) => r.position)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(results.every((r) => r.success && r.status === 'succeeded' && typeof r.doc_id === 'number')).toBe(true);
    expect(results[3]!.content_name).toBe(body.documents[3]!.content_name);
    const failed = [];
    for await (const result of client.iterateResults(created.job_id, { status: 'failed' })) failed.push(result);
    expect(failed).toEqual([]);
    expect(await stores.documentCount(account)).toBe(25);
  });

  it('throws NonstopApiError with the server status, code, message and field paths', async () => {
    const bad = await client
      .createBatchInsertJob({
        account_name: '',
        documents: [{ chat_bot_id: 'bot001', content_name: 'x', chunks: [] }],
      })
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(NonstopApiError);
    const error = bad as NonstopApiError;
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(error.message).toMatch(/^Invalid request: /);
    expect(error.fields).toEqual(expect.arrayContaining(['account_name', 'documents[0].chunks']));

    await expect(client.getJob(randomUUID())).rejects.toMatchObject({ status: 404, code: 'not_found' });
    const iterate = async () => {
      for await (const _ of client.iterateResults(randomUUID(), { pageSize: 5_000 })) {
        /* none */
      }
    };
    await expect(iterate()).rejects.toMatchObject({ status: 400, details: [{ field: 'limit', problem: expect.any(String) }] });
  });

  it('insertBatchSync stores small batches in the request; a repeat reports "already exists"', async () => {
    const account = uniqueAccount('sdksync');
    const body = { account_name: account, documents: makeDocuments(2, { chunks: 1 }) };
    await expect(client.insertBatchSync(body)).resolves.toMatchObject({ total_documents: 2, success_count: 2, failure_count: 0 });
    const again = await client.insertBatchSync(body);
    expect(again).toMatchObject({ success_count: 0, failure_count: 2 });
    expect(again.results[0]).toMatchObject({ success: false, error_code: 'already_exists' });
    // With an idempotency key, a retry gets the first answer back, not "already exists".
    const keyed = { account_name: account, documents: makeDocuments(1, { chunks: 1, prefix: 'keyed' }) };
    const first = await client.insertBatchSync(keyed, { idempotencyKey: `sdk-${account}` });
    await expect(client.insertBatchSync(keyed, { idempotencyKey: `sdk-${account}` })).resolves.toEqual(first);
  });

  it('streamJob yields progress events and ends after `end` (when the server has the stream endpoint)', async () => {
    const account = uniqueAccount('sdkstream');
    const created = await client.createBatchInsertJob({ account_name: account, documents: makeDocuments(30, { chunks: 1 }) });
    const probe = await fetch(`${baseUrl}/job/${created.job_id}/stream`);
    const probeBody = probe.status === 404 ? await probe.text() : (await probe.body?.cancel(), '');
    if (probe.status === 404 && probeBody.includes('No route for')) {
      console.warn('GET /job/{id}/stream is not served yet: streamJob checked by unit tests only');
      await client.waitForJob(created.job_id, { schedule: [200] });
      return;
    }
    expect(probe.status).toBe(200);
    const events: JobStreamEvent[] = [];
    for await (const event of client.streamJob(created.job_id, { signal: AbortSignal.timeout(120_000) })) events.push(event);
    const last = events[events.length - 1]!;
    expect(last.event).toBe('end');
    expect(last.data).toMatchObject({
      job_id: created.job_id,
      status: 'completed',
      progress: { processed_documents: 30, success_count: 30 },
    });
    expect(events.slice(0, -1).every((e) => e.event === 'message' && e.data.job_id === created.job_id)).toBe(true);
    expect(events.every((e) => typeof e.id === 'string' && e.id !== '')).toBe(true);
    // a reconnect after the end, with the last id, gets the end event at once
    const resumed: JobStreamEvent[] = [];
    for await (const event of client.streamJob(created.job_id, { lastEventId: last.id! })) resumed.push(event);
    expect(resumed.map((e) => e.event)).toEqual(['end']);
    expect((resumed[0]!.data as unknown as JobView).results).toHaveLength(30);
  });

  it('streamJob reconnects with Last-Event-ID when the connection drops, and still ends with `end`', async () => {
    const port = Number(new URL(baseUrl).port);
    const proxy = new TcpProxy('127.0.0.1', port);
    await proxy.start();
    try {
      const sent: Array<string | undefined> = [];
      const recording = (async (input: string | URL | Request, init: RequestInit = {}) => {
        sent.push((init.headers as Record<string, string> | undefined)?.['Last-Event-ID']);
        return fetch(input, init);
      }) as typeof fetch;
      const viaProxy = new NonstopIngestClient({ baseUrl: `http://${proxy.address}`, fetch: recording });
      const created = await client.createBatchInsertJob({
        account_name: uniqueAccount('sdkdrop'),
        documents: makeDocuments(300, { chunks: 1 }),
      });
      const probe = await fetch(`${baseUrl}/job/${created.job_id}/stream`);
      if (probe.status === 404) {
        console.warn('GET /job/{id}/stream is not served yet: reconnect checked by unit tests only');
        await client.waitForJob(created.job_id, { schedule: [200] });
        return;
      }
      await probe.body?.cancel();
      const events: JobStreamEvent[] = [];
      for await (const event of viaProxy.streamJob(created.job_id, { signal: AbortSignal.timeout(120_000) })) {
        events.push(event);
        if (events.length === 1) {
          proxy.cut(); // drops the open stream
          proxy.restore();
        }
      }
      expect(events[events.length - 1]).toMatchObject({
        event: 'end',
        data: { status: 'completed', progress: { processed_documents: 300 } },
      });
      expect(sent.length).toBeGreaterThanOrEqual(2);
      expect(sent[0]).toBeUndefined();
      expect(sent[1]).toBe(events[0]!.id);
    } finally {
      await proxy.close();
    }
  });

  it('a living corpus: on_existing, dry runs, deleteDocuments with its receipt, retryJob of exactly the failed documents', async () => {
    const account = uniqueAccount('sdkliving');
    const documents = makeDocuments(6, { chunks: 2 });
    const first = await client.insertBatchSync({ account_name: account, documents: documents.slice(0, 2) });
    expect(first.results.map((r) => r.action)).toEqual(['inserted', 'inserted']);
    const changed = [documents[0]!, { ...documents[1]!, chunks: [{ chunk_index: 0, text: '바뀐 본문입니다.' }] }];
    const again = await client.insertBatchSync({ account_name: account, documents: changed, on_existing: 'skip_unchanged' });
    expect(again.results.map((r) => r.action)).toEqual(['unchanged', 'replaced']);

    const planned = await client.createBatchInsertJob({ account_name: account, documents, on_existing: 'skip_unchanged', dry_run: true });
    expect(isDryRun(planned)).toBe(true);
    expect(planned.results.map((r) => r.action)).toEqual(['skip', 'replace', 'insert', 'insert', 'insert', 'insert']);
    expect(planned.summary).toEqual({ skip: 1, replace: 1, insert: 4 });
    const syncPlanned = await client.insertBatchSync({ account_name: account, documents: changed, dry_run: true });
    expect(syncPlanned.results.map((r) => r.action)).toEqual(['already_exists', 'already_exists']);
    expect(await stores.documentCount(account)).toBe(2);

    // on_existing fail (the default): the two stored documents fail as already existing
    const created = await client.createBatchInsertJob({ account_name: account, documents });
    expect(created).toMatchObject({ kind: 'insert', total_documents: 6 });
    const early = await client.retryJob(created.job_id).catch((error: unknown) => error);
    expect(early).toMatchObject({ status: 409, code: 'job_not_finished' });
    const ended = await client.waitForJob(created.job_id, { schedule: [100, 200] });
    expect(ended).toMatchObject({ kind: 'insert', on_existing: 'fail', progress: { success_count: 4, failure_count: 2 } });

    const deleting = await client.deleteDocuments({
      account_name: account,
      chat_bot_id: 'bot001',
      content_names: [documents[0]!.content_name, documents[1]!.content_name, 'never-stored'],
    });
    expect(deleting).toMatchObject({ kind: 'delete', total_documents: 3 });
    const deleted = await client.waitForJob(deleting.job_id, { schedule: [100, 200] });
    expect(deleted).toMatchObject({
      kind: 'delete',
      status: 'completed',
      receipt: { documents_before: 2, documents_deleted: 2, not_found: 1, documents_after: 0, chunks_after: 0, vectors_after: 0 },
    });
    expect(deleted.results.map((r) => r.action)).toEqual(['deleted', 'deleted', 'not_found']);
    await expect(client.cancelJob(deleting.job_id, { rollback: true })).rejects.toMatchObject({
      status: 409,
      code: 'rollback_not_possible',
    });
    await expect(client.retryJob(deleting.job_id)).rejects.toMatchObject({ status: 409, code: 'not_retryable' });

    const retried = await client.retryJob(created.job_id, { idempotencyKey: `retry-${account}` });
    expect(retried).toMatchObject({ kind: 'insert', total_documents: 2, retry_of: created.job_id });
    expect((await client.retryJob(created.job_id, { idempotencyKey: `retry-${account}` })).job_id).toBe(retried.job_id);
    const rerun = await client.waitForJob(retried.job_id, { schedule: [100, 200] });
    expect(rerun).toMatchObject({ status: 'completed', retry_of: created.job_id, progress: { success_count: 2, failure_count: 0 } });
    expect(rerun.results.map((r) => [r.content_name, r.action])).toEqual([
      [documents[0]!.content_name, 'inserted'],
      [documents[1]!.content_name, 'inserted'],
    ]);
    await expect(client.retryJob(retried.job_id)).rejects.toMatchObject({ status: 409, code: 'nothing_to_retry' });
    expect(await stores.documentCount(account)).toBe(6);

    const whole = await client.deleteDocuments({ account_name: account });
    const gone = await client.waitForJob(whole.job_id, { schedule: [100, 200] });
    expect(gone.receipt).toMatchObject({ scope: {}, documents_before: 6, chunks_before: 12, documents_deleted: 6, vectors_after: 0 });
    expect(await stores.documentCount(account)).toBe(0);
  });

  it('CLI: submit --on-existing skip_unchanged and --dry-run, delete --names-file --wait with its receipt, retry --wait', async () => {
    const account = uniqueAccount('clilive');
    const file = path.join(tmp, 'living.jsonl');
    const line = (n: number, text: string) => JSON.stringify({ content_name: `https://예시.kr/live/${n}`, text });
    writeFileSync(file, [0, 1, 2].map((n) => line(n, `첫 판 ${n}`)).join('\n'));
    const env = { NONSTOP_URL: baseUrl };
    const firstRun = runCli(['submit', file, '--account', account, '--bot', 'bot001', '--wait', '--poll', '200'], env);
    expect(await firstRun.code).toBe(0);

    writeFileSync(file, [line(0, '첫 판 0'), line(1, '둘째 판 1'), line(2, '첫 판 2'), line(3, '새 문서 3')].join('\n'));
    const dry = runCli(['submit', file, '--account', account, '--bot', 'bot001', '--on-existing', 'skip_unchanged', '--dry-run'], env);
    const dryCode = await dry.code;
    if (dryCode !== 0) throw new Error(`exit ${dryCode}\nstdout: ${dry.stdout()}\nstderr: ${dry.stderr()}`);
    expect(
      dry
        .stdout()
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { action: string }).action),
    ).toEqual(['skip', 'replace', 'skip', 'insert']);
    expect(dry.stderr()).toContain('dry run (on_existing skip_unchanged): 4 documents: skip 2, replace 1, insert 1; nothing was written');
    expect(await stores.documentCount(account)).toBe(3);

    const failing = runCli(['submit', file, '--account', account, '--bot', 'bot001', '--wait', '--poll', '200'], env);
    expect(await failing.code).toBe(0); // completed, with 3 documents failed as already existing
    const failedJob = /created job ([0-9a-f-]{36})/.exec(failing.stderr())![1]!;
    expect(failing.stdout()).toContain(`job ${failedJob}: completed - 1 succeeded, 3 failed (of 4)`);
    expect(failing.stderr()).toContain(`run them again: nonstop-ingest retry <job_id>`);

    const skipping = runCli(
      ['submit', file, '--account', account, '--bot', 'bot001', '--on-existing', 'skip_unchanged', '--wait', '--poll', '200'],
      env,
    );
    expect(await skipping.code).toBe(0);
    const skipJob = /created job ([0-9a-f-]{36})/.exec(skipping.stderr())![1]!;
    expect((await client.getJob(skipJob)).results.map((r) => r.action)).toEqual(['unchanged', 'replaced', 'unchanged', 'unchanged']);

    const namesFile = path.join(tmp, 'names.txt');
    writeFileSync(namesFile, ['https://예시.kr/live/0', 'https://예시.kr/live/1', 'https://예시.kr/live/404'].join('\n'));
    const deleting = runCli(['delete', '--account', account, '--bot', 'bot001', '--names-file', namesFile, '--wait', '--poll', '200'], env);
    const deleteCode = await deleting.code;
    if (deleteCode !== 0) throw new Error(`exit ${deleteCode}\nstdout: ${deleting.stdout()}\nstderr: ${deleting.stderr()}`);
    expect(deleting.stderr()).toMatch(/created delete job [0-9a-f-]{36}: 3 documents to delete \(3 names\)/);
    expect(deleting.stdout()).toContain('receipt: documents 2 -> 0 (2 deleted, 1 not found), chunks 2 -> 0, vectors 2 -> 0');
    expect(await stores.documentCount(account)).toBe(2);

    // the job whose 3 documents failed as already existing: two of them are gone now and are inserted; the third fails again
    const retry = runCli(['retry', failedJob, '--wait', '--poll', '200'], env);
    expect(await retry.code).toBe(0);
    expect(retry.stderr()).toContain(`3 documents (the failed documents of ${failedJob})`);
    expect(retry.stdout()).toMatch(/completed - 2 succeeded, 1 failed \(of 3\)/);
    expect(await stores.documentCount(account)).toBe(4);

    const refused = runCli(['retry', failedJob.replace(/.$/, (c) => (c === '0' ? '1' : '0'))], env);
    expect(await refused.code).toBe(1);
    expect(refused.stderr()).toContain('HTTP 404');
    const noScope = runCli(['delete', '--account', account], env);
    expect(await noScope.code).toBe(2);
    expect(await stores.documentCount(account)).toBe(4);
  });

  it('CLI: submit a 1,000-document JSONL file with --wait; exits 0 with a summary; status and results', async () => {
    const account = uniqueAccount('cli');
    const file = path.join(tmp, 'thousand.jsonl');
    writeFileSync(
      file,
      Array.from({ length: 1_000 }, (_, n) =>
        JSON.stringify({
          content_name: `https://example.com/cli/${n}`,
          text: n % 2 ? `짧은 문서 ${n}` : `A short document ${n}`,
        }),
      ).join('\n'),
    );
    const run = runCli(['submit', file, '--account', account, '--bot', 'bot001', '--wait', '--poll', '500'], { NONSTOP_URL: baseUrl });
    const code = await run.code;
    if (code !== 0) throw new Error(`exit ${code}\nstdout: ${run.stdout()}\nstderr: ${run.stderr()}`);
    const jobId = /created job ([0-9a-f-]{36}): 1000 documents/.exec(run.stderr())?.[1];
    expect(jobId).toBeDefined();
    expect(run.stderr()).toMatch(/\d+\/1000 \(\d+\.\d%\) ok \d+ failed 0/);
    expect(run.stdout()).toContain(`job ${jobId}: completed - 1000 succeeded, 0 failed (of 1000)`);
    expect(run.stdout()).toMatch(/summary: 1\/1 job\(s\) completed; 1000 succeeded, 0 failed, 0 cancelled of 1000 documents in \d+/);
    expect(await stores.documentCount(account)).toBe(1_000);

    const status = runCli(['status', jobId!], { NONSTOP_URL: baseUrl });
    expect(await status.code).toBe(0);
    expect(JSON.parse(status.stdout())).toMatchObject({ job_id: jobId, status: 'completed' });
    const failed = runCli(['results', jobId!, '--failed'], { NONSTOP_URL: baseUrl });
    expect(await failed.code).toBe(0);
    expect(failed.stdout()).toBe('');
    const all = runCli(['results', jobId!], { NONSTOP_URL: baseUrl });
    expect(await all.code).toBe(0);
    const lines = all
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { position: number; success: boolean });
    expect(lines.map((l) => l.position)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    expect(lines.every((l) => l.success)).toBe(true);
  });

  it('CLI: a file over --max-per-job is split into several jobs, with a note', async () => {
    const account = uniqueAccount('clisplit');
    const file = path.join(tmp, 'split.json');
    writeFileSync(
      file,
      JSON.stringify(Array.from({ length: 25 }, (_, n) => ({ chat_bot_id: 'bot001', content_name: `split/${n}`, chunks: [`chunk ${n}`] }))),
    );
    const run = runCli(['submit', file, '--account', account, '--max-per-job', '10', '--wait', '--poll', '300'], { NONSTOP_URL: baseUrl });
    const code = await run.code;
    if (code !== 0) throw new Error(`exit ${code}\nstdout: ${run.stdout()}\nstderr: ${run.stderr()}`);
    expect(run.stderr()).toContain('note: 25 documents exceed 10 per job; submitting them as 3 jobs');
    expect(run.stderr()).toMatch(/documents 21-25 of 25/);
    expect(run.stdout()).toMatch(/summary: 3\/3 job\(s\) completed; 25 succeeded, 0 failed, 0 cancelled of 25 documents/);
    expect(await stores.documentCount(account)).toBe(25);
  });

  it('CLI: `cancel` from another call makes the waiting `submit --wait` exit non-zero', async () => {
    const account = uniqueAccount('clicancel');
    const file = path.join(tmp, 'cancel.jsonl');
    writeFileSync(
      file,
      Array.from({ length: 1_000 }, (_, n) =>
        JSON.stringify({ chat_bot_id: 'bot001', content_name: `cancel/${n}`, text: `doc ${n}` }),
      ).join('\n'),
    );
    const submit = runCli(['submit', file, '--account', account, '--wait', '--poll', '300'], { NONSTOP_URL: baseUrl });
    const jobId = await until('the job id on stderr', () => /created job ([0-9a-f-]{36})/.exec(submit.stderr())?.[1]);
    const cancel = runCli(['cancel', jobId, '--rollback'], { NONSTOP_URL: baseUrl });
    expect(await cancel.code).toBe(0);
    expect(JSON.parse(cancel.stdout())).toMatchObject({ job_id: jobId });
    expect(await submit.code).toBe(1);
    expect(submit.stdout()).toContain(`job ${jobId}: cancelled`);
    expect(submit.stdout()).toMatch(/summary: 0\/1 job\(s\) completed/);
    const job = await client.getJob(jobId);
    expect(job.status).toBe('cancelled');
    expect(job.progress.cancelled_count).toBeGreaterThan(0);
  });
});
