import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * CPU time of the whole machine, every process (Milvus, PostgreSQL, the
 * worker, this process), from /proc/stat. A stage measured alone gets both
 * cores; end to end, the three stages share them. CPU-seconds per chunk is
 * what the stages cost each other, so it gives the bound that sharing allows.
 */
const USER_HZ = 100; // /proc/stat counts in USER_HZ ticks, 100 on Linux whatever the kernel's HZ

export const CORES = os.cpus().length;

function busySeconds(): number {
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user! + nice! + system! + irq! + softirq!) / USER_HZ;
}

export interface CpuTimed {
  seconds: number;
  cpu_seconds: number;
}

/** Wall seconds of `work` and the machine's busy CPU-seconds meanwhile (idle and I/O wait excluded). */
export async function cpuTimed(work: () => Promise<unknown>): Promise<CpuTimed> {
  const cpu0 = busySeconds();
  const start = performance.now();
  await work();
  return { seconds: (performance.now() - start) / 1000, cpu_seconds: busySeconds() - cpu0 };
}
