import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckRow } from './check-row';
import type { ChaosEvent } from './event-log';

export interface RunSummary {
  startedAt: string;
  durationS: number;
  options: Record<string, unknown>;
  figures: Array<[string, string]>;
  events: ChaosEvent[];
  checks: CheckRow[];
  passed: boolean;
  /** Every synchronous request: when (s into the run), how long, its answer, and the job PostgreSQL holds for it. */
  syncRequests?: SyncRequestRow[];
}

export interface SyncRequestRow {
  n: number;
  t_s: number;
  ms: number;
  documents: number;
  new_documents: number;
  answer: string;
  job: string;
  job_status: string;
}

const SYNC_HEADER = ['#', 't (s)', 'ms', 'documents (new)', 'answer', 'job', 'job status'];

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : (ms / 1000).toFixed(1));

export function eventTable(events: ChaosEvent[], runStart: number): string[][] {
  return events.map((event, i) => [
    String(i + 1),
    seconds(event.at - runStart),
    event.kind,
    event.target,
    String(event.largeJobProcessed),
    event.detail,
    event.hitLargeJob ? seconds(event.recoveryMs) : '-',
  ]);
}

export const EVENT_HEADER = ['#', 't (s)', 'event', 'target', 'large job done', 'detail', 'recovery (s)'];
export const CHECK_HEADER = ['check', 'expected', 'actual', 'result'];

export function checkTable(checks: CheckRow[]): string[][] {
  return checks.map((row) => [row.check, row.expected, row.actual, row.ok ? 'PASS' : 'FAIL']);
}

/** A plain-text table for the terminal. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((cell, i) => cell.slice(0, 70).padEnd(widths[i]!)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
  for (const row of rows) console.log(line(row));
}

function markdownTable(header: string[], rows: string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** docs/chaos/latest-run.md and latest-run.json: the report of this run, as committed. */
export function writeReport(summary: RunSummary, runStart: number): string {
  const dir = path.resolve(__dirname, '../docs/chaos');
  mkdirSync(dir, { recursive: true });
  const markdown = [
    `# Latest chaos run: ${summary.passed ? 'PASSED' : 'FAILED'}`,
    '',
    `Started ${summary.startedAt}, ${summary.durationS} s in all. Written by \`npm run chaos\` (see [README.md](README.md)).`,
    '',
    `Options: \`${JSON.stringify(summary.options)}\``,
    '',
    '## Figures',
    '',
    markdownTable(['figure', 'value'], summary.figures),
    '',
    '## Checks',
    '',
    markdownTable(CHECK_HEADER, checkTable(summary.checks)),
    '',
    '## Events',
    '',
    'Recovery: from the end of the event to the large job recording progress again (kills: only those of the worker running it).',
    '',
    markdownTable(EVENT_HEADER, eventTable(summary.events, runStart)),
    '',
    ...(summary.syncRequests
      ? [
          '## Synchronous requests not answered 200',
          '',
          `${summary.syncRequests.length} sent; every one (time, duration, documents, answer, job) is in [latest-run.json](latest-run.json).`,
          '',
          markdownTable(
            SYNC_HEADER,
            summary.syncRequests
              .filter((r) => r.answer !== '200')
              .map((r) => [
                String(r.n),
                r.t_s.toFixed(1),
                String(r.ms),
                `${r.documents} (${r.new_documents})`,
                r.answer,
                r.job,
                r.job_status,
              ]),
          ),
          '',
        ]
      : []),
  ].join('\n');
  writeFileSync(path.join(dir, 'latest-run.md'), markdown);
  writeFileSync(path.join(dir, 'latest-run.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return dir;
}
