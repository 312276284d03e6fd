import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { DocumentInput } from '@nonstop/core';
import { startInProcessApi, type InProcessApi } from '../test/support/in-process-api';
import { spawnApp, stopApp, type AppProcess } from '../test/support/processes';
import { configOf, sleep } from './common';

/** The real API app in this process behind `listen(0)`, with a bare route `/bare` in front of it for comparison. */
export interface ServiceUnderTest {
  base: string;
  api: InProcessApi;
  close(): Promise<void>;
}

export async function startApi(env: Record<string, string>): Promise<ServiceUnderTest> {
  const api = await startInProcessApi(configOf(env));
  const outer = express();
  outer.get('/bare', (_req, res) => {
    res.json({ ok: true });
  });
  outer.use(api.app);
  const server: Server = await new Promise((resolve) => {
    const s = outer.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    api,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await api.close();
    },
  };
}

/** One real worker process (node + tsx loader, so kill -9 kills it); resolves once it consumes the queue. */
export async function startWorker(env: Record<string, string>): Promise<AppProcess> {
  const worker = spawnApp('worker', { ...env, LOG_LEVEL: 'info' });
  const deadline = Date.now() + 120_000;
  while (!worker.output().includes('worker consuming')) {
    if (worker.child.exitCode !== null) throw new Error(`worker exited: ${worker.output()}`);
    if (Date.now() > deadline) throw new Error(`worker not ready: ${worker.output()}`);
    await sleep(100);
  }
  return worker;
}

export { stopApp };

export async function postJob(base: string, accountName: string, documents: DocumentInput[]): Promise<string> {
  const response = await fetch(`${base}/job/batch-insert`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_name: accountName, documents }),
  });
  const body = (await response.json()) as { job_id?: string };
  if (response.status !== 202 || !body.job_id) throw new Error(`POST -> ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
  return body.job_id;
}

export interface JobView {
  status: string;
  progress: { processed_documents: number; success_count: number; failure_count: number; total_documents: number };
}

export async function getJob(base: string, jobId: string): Promise<JobView> {
  const response = await fetch(`${base}/job/${jobId}`);
  if (response.status !== 200) throw new Error(`GET /job/${jobId} -> ${response.status}`);
  return (await response.json()) as JobView;
}

export async function waitForFinal(base: string, jobId: string, timeoutMs: number, everyMs = 200): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(base, jobId);
    if (['completed', 'failed', 'cancelled'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} not final after ${timeoutMs} ms: ${JSON.stringify(job.progress)}`);
    await sleep(everyMs);
  }
}
