import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { spawnApp, stopApp, type AppProcess } from './processes';
import { waitFor } from './test-env';

/** One isolated queue (its own BullMQ prefix) with real worker processes started on demand. */
export class JobHarness {
  readonly prefix = `test-${randomUUID().slice(0, 8)}`;
  readonly auditFile = path.join(os.tmpdir(), `embedding-audit-${this.prefix}.log`);
  private readonly workers: AppProcess[] = [];

  constructor(private readonly extraEnv: Record<string, string> = {}) {}

  get env(): Record<string, string> {
    return { QUEUE_PREFIX: this.prefix, EMBEDDING_AUDIT_FILE: this.auditFile, ...this.extraEnv };
  }

  startWorker(env: Record<string, string> = {}): AppProcess {
    const worker = spawnApp('worker', { ...this.env, ...env });
    this.workers.push(worker);
    return worker;
  }

  /** Everything the workers started here have written to stdout and stderr. */
  workerOutput(): string {
    return this.workers.map((worker) => worker.output()).join('\n');
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.workers.map((worker) => stopApp(worker, 'SIGKILL')));
  }

  /** How many times each chunk id was embedded, from the workers' audit file. */
  embeddingCounts(): Map<number, number> {
    const counts = new Map<number, number>();
    let text = '';
    try {
      text = readFileSync(this.auditFile, 'utf8');
    } catch {
      return counts;
    }
    for (const line of text.split('\n')) {
      if (line) counts.set(Number(line), (counts.get(Number(line)) ?? 0) + 1);
    }
    return counts;
  }
}

export async function getJob(
  app: Express | string,
  jobId: string,
): Promise<{ status: string; progress: Record<string, number>; [key: string]: unknown }> {
  const response = await request(app).get(`/job/${jobId}`);
  if (response.status !== 200) throw new Error(`GET /job/${jobId} -> ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Polls until the job is final; returns the final body and every status seen on the way. */
export async function waitForFinal(
  app: Express | string,
  jobId: string,
  timeoutMs = 120_000,
): Promise<{ job: Awaited<ReturnType<typeof getJob>>; seen: string[] }> {
  const seen: string[] = [];
  const job = await waitFor(
    `job ${jobId} to finish`,
    async () => {
      const body = await getJob(app, jobId);
      if (seen[seen.length - 1] !== body.status) seen.push(body.status);
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    },
    timeoutMs,
    100,
  );
  return { job, seen };
}
