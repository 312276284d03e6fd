import { account, chunkCount, makeDocs, round, row } from './common';
import { CORES, cpuTimed } from './machine-cpu';
import { postJob, waitForFinal, type JobView, type ServiceUnderTest } from './service';

export interface EndToEnd {
  chunks: number;
  documents: number;
  /** From the POST being sent to the poll (every 200 ms) that saw `completed`. */
  wall_seconds: number;
  chunks_per_s: number;
  /** started_at -> finished_at as the worker recorded them in PostgreSQL (no queueing, no poll delay). */
  worker_seconds: number;
  worker_chunks_per_s: number;
  success_count: number;
  /** Machine CPU-milliseconds per 1,000 chunks during the job, and the share of the cores that were busy. */
  cpu_ms_per_1k_chunks: number;
  cores_busy: number;
}

/** One job of `chunks` chunks through the API and the running worker. */
export async function measureEndToEnd(service: ServiceUnderTest, chunks: number, label = 'e2e'): Promise<EndToEnd> {
  const docs = makeDocs(chunks, `${label}-${chunks}`);
  const n = chunkCount(docs);
  let jobId = '';
  let job: JobView | undefined;
  const run = await cpuTimed(async () => {
    jobId = await postJob(service.base, account(label), docs);
    job = await waitForFinal(service.base, jobId, 60 * 60_000);
  });
  if (!job) throw new Error(`job ${jobId} not read`);
  const wall = run.seconds;
  if (job.status !== 'completed' || job.progress.success_count !== docs.length) {
    throw new Error(`job ${jobId} ended ${job.status} ${JSON.stringify(job.progress)}`);
  }
  const timing = await service.api.runtime.pool.query<{ s: number }>(
    'SELECT extract(epoch FROM finished_at - started_at)::float8 AS s FROM ingest_jobs WHERE id = $1',
    [jobId],
  );
  const workerSeconds = timing.rows[0]!.s;
  row(
    `end to end ${label} (${n} chunks, ${docs.length} docs)`,
    `${round(n / wall)} ch/s`,
    `wall ${round(wall, 1)} s; worker started->finished ${round(workerSeconds, 1)} s = ${round(n / workerSeconds)} ch/s; cores busy ${round(run.cpu_seconds / (wall * CORES), 2)}`,
  );
  return {
    chunks: n,
    documents: docs.length,
    wall_seconds: round(wall, 2),
    chunks_per_s: round(n / wall),
    worker_seconds: round(workerSeconds, 2),
    worker_chunks_per_s: round(n / workerSeconds),
    success_count: job.progress.success_count,
    cpu_ms_per_1k_chunks: round((run.cpu_seconds * 1e6) / n),
    cores_busy: round(run.cpu_seconds / (wall * CORES), 2),
  };
}
