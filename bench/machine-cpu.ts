import { readdirSync, readFileSync } from 'node:fs';
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

/** CPU-seconds so far of every process, summed by a label for the process (utime + stime from /proc/PID/stat). */
export function cpuByLabel(label: (pid: number, comm: string) => string): Map<string, number> {
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
    const seconds = (Number(fields[11]) + Number(fields[12])) / USER_HZ;
    const key = label(Number(entry), comm);
    totals.set(key, (totals.get(key) ?? 0) + seconds);
  }
  return totals;
}

/** Cores used per label between two cpuByLabel readings `seconds` apart, largest first. */
export function coresByLabel(before: Map<string, number>, after: Map<string, number>, seconds: number): Record<string, number> {
  const rows = [...after].map(([key, total]) => [key, (total - (before.get(key) ?? 0)) / seconds] as const).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(rows.map(([key, cores]) => [key, Math.round(cores * 100) / 100]));
}
