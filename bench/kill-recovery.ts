import { account, makeDocs, round, row, sleep } from './common';
import { getJob, postJob, startWorker, waitForFinal, type ServiceUnderTest } from './service';
import type { AppProcess } from '../test/support/processes';

export interface KillRecovery {
  seconds_to_progress: number;
  processed_at_kill: number;
  completed: boolean;
  worker: AppProcess;
}

/**
 * kill -9 of the worker mid-job, a new worker started at once; seconds from the
 * kill to the job's processed count moving again (GET every 100 ms).
 */
export async function measureKillRecovery(
  service: ServiceUnderTest,
  worker: AppProcess,
  env: Record<string, string>,
  chunks = 20_000,
): Promise<KillRecovery> {
  const docs = makeDocs(chunks, `kill-${chunks}`);
  const jobId = await postJob(service.base, account('kill'), docs);
  for (;;) {
    const job = await getJob(service.base, jobId);
    if (job.progress.processed_documents > 0 && job.status === 'processing') break;
    await sleep(50);
  }
  worker.child.kill('SIGKILL');
  const killedAt = performance.now();
  await worker.exited;
  const atKill = (await getJob(service.base, jobId)).progress.processed_documents;
  const next = startWorker(env);
  let seconds = NaN;
  for (;;) {
    const job = await getJob(service.base, jobId);
    if (job.progress.processed_documents > atKill) {
      seconds = (performance.now() - killedAt) / 1000;
      break;
    }
    if (performance.now() - killedAt > 180_000) throw new Error('no progress within 180 s of the kill');
    await sleep(100);
  }
  const newWorker = await next;
  const final = await waitForFinal(service.base, jobId, 30 * 60_000);
  row(
    `kill -9 worker -> job progressing again (new worker at once)`,
    `${round(seconds, 1)} s`,
    `processed ${atKill}/${docs.length} at the kill; job ${final.status}`,
  );
  return { seconds_to_progress: round(seconds, 2), processed_at_kill: atKill, completed: final.status === 'completed', worker: newWorker };
}
