/**
 * Where the machine's CPU goes during one end-to-end job: CPU-milliseconds per
 * 1,000 chunks by process (Milvus, PostgreSQL backends, the worker, this
 * process with the API and the stand-in embedder, Redis, the rest).
 * `node --import tsx bench/cpu-by-process.ts [chunks]` (default 100,000); needs `npm run services:up`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { migrate } from '@nonstop/storage';
import { startStandInEmbeddingServer } from '../packages/embeddings/src/testing/stand-in-embedding-server';
import { DATABASE_URL, DIMENSION, round, standInEnv } from './common';
import { measureEndToEnd } from './end-to-end';
import { startApi, startWorker, stopApp } from './service';

const USER_HZ = 100;

/** CPU-seconds so far of every process, by a label for the process. */
function cpuByLabel(label: (pid: number, comm: string) => string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    } // exited meanwhile
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / USER_HZ; // utime + stime
    const key = label(Number(entry), comm);
    totals.set(key, (totals.get(key) ?? 0) + seconds);
  }
  return totals;
}

async function main(): Promise<void> {
  const chunks = Number(process.argv[2] ?? 100_000);
  await migrate(DATABASE_URL);
  const standIn = await startStandInEmbeddingServer({ dimension: DIMENSION });
  const env = standInEnv(standIn.url);
  const service = await startApi(env);
  const worker = await startWorker(env);
  const label = (pid: number, comm: string): string => {
    if (pid === process.pid) return 'bench process (API + stand-in embedder)';
    if (pid === worker.child.pid) return 'worker';
    if (comm === 'milvus') return 'Milvus';
    if (comm === 'postgres') return 'PostgreSQL';
    if (comm.startsWith('redis-server')) return 'Redis';
    return 'other';
  };
  try {
    const before = cpuByLabel(label);
    const e2e = await measureEndToEnd(service, chunks, 'cpu');
    const after = cpuByLabel(label);
    console.log(`\n${chunks} chunks end to end: ${e2e.chunks_per_s} ch/s, ${e2e.wall_seconds} s\n`);
    console.log('| process | CPU ms per 1,000 chunks | share of the wall time (cores) |\n|---|---|---|');
    const rows = [...after].map(([key, seconds]) => [key, seconds - (before.get(key) ?? 0)] as const).sort((a, b) => b[1] - a[1]);
    for (const [key, seconds] of rows) {
      console.log(`| ${key} | ${round((seconds * 1e6) / e2e.chunks)} | ${round(seconds / e2e.wall_seconds, 2)} |`);
    }
  } finally {
    await stopApp(worker, 'SIGTERM');
    await service.close();
    await standIn.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
