#!/usr/bin/env node
/**
 * nonstop-ingest: submit documents as batch-insert jobs (or dry-run them),
 * delete documents, retry failed documents, watch jobs, cancel them, list
 * their results, search what was ingested. Run from the repository root with
 * `node --import tsx packages/sdk/src/cli.ts <command> ...` (see README.md).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isDryRun, NonstopIngestClient } from './client';
import { DocumentFileError, parseDocumentsText, splitIntoJobs } from './documents';
import { NonstopApiError } from './errors';
import { etaMs, formatDuration, formatProgressLine, sumProgress } from './progress';
import type { PollSchedule } from './backoff';
import {
  ON_EXISTING_MODES,
  type CreateJobResponse,
  type DeleteReceipt,
  type DocumentInput,
  type DryRunResponse,
  type JobView,
  type OnExisting,
  type ResultStatus,
  type SearchRequest,
  type SearchResult,
} from './types';

export const EXIT_OK = 0;
export const EXIT_JOB_NOT_COMPLETED = 1;
export const EXIT_USAGE = 2;

export const USAGE = `Usage: nonstop-ingest <command> [options]

Commands:
  submit <file.json|file.jsonl> --account <name> [--bot <id>] [--wait]
         [--on-existing fail|skip_unchanged|replace] [--dry-run]
         [--max-per-job 10000] [--idempotency-key <key>] [--webhook-url <url>]
      Reads a JSON array (or a {"documents": [...]} body) or JSON Lines of
      documents {chat_bot_id?, content_name, chunks | text, metadata?} and
      creates batch-insert jobs; a file larger than --max-per-job is split
      into several jobs. --on-existing: what to do with stored documents
      (default fail: already_exists; skip_unchanged: skip the same, replace
      the changed; replace: always). --dry-run: no job; prints the action
      each document would get as JSON lines, a summary on stderr. With
      --wait, shows progress on stderr and prints a summary; exits 0 when
      every job completed, 1 otherwise.
  delete --account <name> [--bot <id>] [--name <content_name> ...]
         [--names-file <file>] [--all] [--wait] [--idempotency-key <key>]
         [--webhook-url <url>]
      A batch-delete job: the named documents (of --bot when given; the
      names file has one per line), a whole bot (--bot alone), or with --all
      the whole account. More than 10000 names become several jobs. With
      --wait, prints each job's receipt (documents, chunks, vectors before
      and after).
  retry <job_id> [--wait] [--idempotency-key <key>]
      A new job re-running only the failed documents of a finished job.
  status <job_id>                  The job's status as JSON.
  cancel <job_id> [--rollback]     Cancels a job (--rollback removes what it
                                   wrote; not for delete jobs).
  results <job_id> [--failed | --status <s>]
                                   Every per-document result, as JSON lines.
  search <query> --account <name> [--top-k 10] [--bot <id>]
         [--content-name <name> ...] [--min-score <s>] [--json]
      The chunks of the account closest to the query, best first: score,
      document and text, or with --json one JSON line per result.

Common options:
  --url <url>        API base URL (env NONSTOP_URL, default http://127.0.0.1:8000)
  --api-key <key>    Sent as a bearer token (env NONSTOP_API_KEY)
  --poll <ms,...>    Poll schedule for --wait (default 1000,2000,4000,8000,16000;
                     the last value repeats)
  -h, --help         This help

Exit codes: 0 success, 1 a job failed or was cancelled (or the API refused
the request), 2 usage error (bad option, unreadable or malformed file).`;

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  readFile?: (path: string) => string;
  fetch?: typeof fetch;
}

class UsageError extends Error {}

const RESULT_STATUSES: readonly ResultStatus[] = ['pending', 'succeeded', 'failed', 'cancelled', 'rolled_back'];

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        'api-key': { type: 'string' },
        account: { type: 'string' },
        bot: { type: 'string' },
        wait: { type: 'boolean' },
        'max-per-job': { type: 'string' },
        'idempotency-key': { type: 'string' },
        'webhook-url': { type: 'string' },
        poll: { type: 'string' },
        'on-existing': { type: 'string' },
        'dry-run': { type: 'boolean' },
        name: { type: 'string', multiple: true },
        'names-file': { type: 'string' },
        all: { type: 'boolean' },
        rollback: { type: 'boolean' },
        failed: { type: 'boolean' },
        status: { type: 'string' },
        'top-k': { type: 'string' },
        'content-name': { type: 'string', multiple: true },
        'min-score': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr.write(`nonstop-ingest: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  try {
    const client = new NonstopIngestClient({
      baseUrl: values.url ?? io.env.NONSTOP_URL ?? 'http://127.0.0.1:8000',
      ...((values['api-key'] ?? io.env.NONSTOP_API_KEY) ? { apiKey: (values['api-key'] ?? io.env.NONSTOP_API_KEY)! } : {}),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });
    switch (command) {
      case 'submit':
        return await submit(client, args, values, io);
      case 'delete':
        return await deleteDocuments(client, args, values, io);
      case 'retry': {
        const jobId = oneJobId(args);
        const schedule = pollSchedule(values.poll);
        const key = typeof values['idempotency-key'] === 'string' ? values['idempotency-key'] : undefined;
        const created = await client.retryJob(jobId, key !== undefined ? { idempotencyKey: key } : {});
        io.stderr.write(`created job ${created.job_id}: ${created.total_documents} documents (the failed documents of ${jobId})\n`);
        if (!values.wait) {
          io.stdout.write(`${JSON.stringify(created)}\n`);
          return EXIT_OK;
        }
        return await waitAndSummarize(client, [created.job_id], schedule, io);
      }
      case 'status': {
        const job = await client.getJob(oneJobId(args));
        io.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
        return EXIT_OK;
      }
      case 'cancel': {
        const answer = await client.cancelJob(oneJobId(args), { rollback: values.rollback === true });
        io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
        io.stderr.write(`${answer.message}\n`);
        return EXIT_OK;
      }
      case 'results': {
        const jobId = oneJobId(args);
        if (values.failed && values.status) throw new UsageError('give --failed or --status, not both');
        const status = values.failed ? 'failed' : values.status;
        if (status !== undefined && !(RESULT_STATUSES as readonly string[]).includes(status)) {
          throw new UsageError(`--status must be one of ${RESULT_STATUSES.join(', ')}`);
        }
        for await (const result of client.iterateResults(jobId, {
          pageSize: 1000,
          ...(status ? { status: status as ResultStatus } : {}),
        })) {
          io.stdout.write(`${JSON.stringify(result)}\n`);
        }
        return EXIT_OK;
      }
      case 'search':
        return await search(client, args, values, io);
      case undefined:
        throw new UsageError('no command given');
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`nonstop-ingest: ${error.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof DocumentFileError) {
      io.stderr.write(`nonstop-ingest: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`nonstop-ingest: ${describeError(error)}\n`);
    return EXIT_JOB_NOT_COMPLETED;
  }
}

function oneJobId(args: string[]): string {
  if (args.length !== 1 || !args[0]) throw new UsageError('give exactly one job id');
  return args[0];
}

type Values = Record<string, string | boolean | string[] | undefined>;

async function submit(client: NonstopIngestClient, args: string[], values: Values, io: CliIo): Promise<number> {
  if (args.length !== 1 || !args[0]) throw new UsageError('submit takes exactly one file');
  const file = args[0];
  const account = values.account;
  if (typeof account !== 'string' || account === '') throw new UsageError('--account is required');
  const maxPerJob = positiveInt(values['max-per-job'], '--max-per-job', 10_000);
  const schedule = pollSchedule(values.poll);
  const onExisting = onExistingOf(values['on-existing']);
  const dryRun = values['dry-run'] === true;
  if (dryRun && values.wait) throw new UsageError('--dry-run makes no job: nothing to --wait for');
  let text: string;
  try {
    text = (io.readFile ?? ((p) => readFileSync(p, 'utf8')))(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const documents = parseDocumentsText(text, typeof values.bot === 'string' ? { defaultBotId: values.bot } : {});
  const parts = splitIntoJobs(documents, maxPerJob);
  if (dryRun) return dryRunParts(client, account, parts, onExisting, io);
  if (parts.length > 1) {
    io.stderr.write(
      `note: ${documents.length} documents exceed ${maxPerJob} per job; submitting them as ${parts.length} jobs ` +
        `(documents are not deduplicated across jobs; each job is tracked on its own)\n`,
    );
  }

  const jobs: Array<{ id: string; first: number; count: number }> = [];
  let offset = 0;
  for (const [index, part] of parts.entries()) {
    const key =
      typeof values['idempotency-key'] === 'string'
        ? parts.length > 1
          ? `${values['idempotency-key']}-${index + 1}`
          : values['idempotency-key']
        : undefined;
    let created;
    try {
      created = await client.createBatchInsertJob(
        {
          account_name: account,
          documents: part,
          ...(onExisting !== undefined ? { on_existing: onExisting } : {}),
          ...(typeof values['webhook-url'] === 'string' ? { webhook_url: values['webhook-url'] } : {}),
        },
        key !== undefined ? { idempotencyKey: key } : {},
      );
    } catch (error) {
      if (error instanceof NonstopApiError && offset > 0) shiftDocumentPaths(error, offset);
      if (jobs.length > 0) io.stderr.write(`already created: ${jobs.map((j) => j.id).join(', ')}\n`);
      throw error;
    }
    jobs.push({ id: created.job_id, first: offset, count: part.length });
    const range = parts.length > 1 ? ` (documents ${offset + 1}-${offset + part.length} of ${documents.length})` : '';
    io.stderr.write(`created job ${created.job_id}: ${created.total_documents} documents${range}\n`);
    if (!values.wait) io.stdout.write(`${JSON.stringify(created)}\n`);
    offset += part.length;
  }
  if (!values.wait) return EXIT_OK;
  return waitAndSummarize(
    client,
    jobs.map((j) => j.id),
    schedule,
    io,
  );
}

function onExistingOf(value: unknown): OnExisting | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(ON_EXISTING_MODES as readonly string[]).includes(value)) {
    throw new UsageError(`--on-existing must be one of ${ON_EXISTING_MODES.join(', ')}`);
  }
  return value as OnExisting;
}

/** `submit --dry-run`: each part asked with dry_run, each document's planned action printed as a JSON line (positions in the file). */
async function dryRunParts(
  client: NonstopIngestClient,
  account: string,
  parts: DocumentInput[][],
  onExisting: OnExisting | undefined,
  io: CliIo,
): Promise<number> {
  const summary: Record<string, number> = {};
  let offset = 0;
  let mode: string = onExisting ?? 'fail';
  for (const part of parts) {
    let answer: DryRunResponse;
    try {
      const body = {
        account_name: account,
        documents: part,
        dry_run: true as const,
        ...(onExisting !== undefined ? { on_existing: onExisting } : {}),
      };
      const received = await client.createBatchInsertJob(body);
      if (!isDryRun(received)) throw new Error('the API made a job instead of a dry run: it does not know dry_run');
      answer = received;
    } catch (error) {
      if (error instanceof NonstopApiError && offset > 0) shiftDocumentPaths(error, offset);
      throw error;
    }
    mode = answer.on_existing;
    for (const result of answer.results) {
      io.stdout.write(`${JSON.stringify({ ...result, position: result.position + offset })}\n`);
      summary[result.action] = (summary[result.action] ?? 0) + 1;
    }
    offset += part.length;
  }
  const counts = Object.entries(summary)
    .map(([action, n]) => `${action} ${n}`)
    .join(', ');
  io.stderr.write(`dry run (on_existing ${mode}): ${offset} documents: ${counts}; nothing was written\n`);
  if (parts.length > 1) io.stderr.write('note: duplicate_in_request is checked within each part of --max-per-job only\n');
  return EXIT_OK;
}

/** Names per delete job (the API's limit). */
const MAX_DELETE_NAMES_PER_JOB = 10_000;

async function deleteDocuments(client: NonstopIngestClient, args: string[], values: Values, io: CliIo): Promise<number> {
  if (args.length !== 0)
    throw new UsageError(`delete takes no positional arguments (got "${args[0]}"); name documents with --name or --names-file`);
  const account = values.account;
  if (typeof account !== 'string' || account === '') throw new UsageError('--account is required');
  const schedule = pollSchedule(values.poll);
  const names = [...(Array.isArray(values.name) ? values.name : [])];
  const namesFile = values['names-file'];
  if (typeof namesFile === 'string') names.push(...readNamesFile(namesFile, io));
  const bot = typeof values.bot === 'string' ? values.bot : undefined;
  const named = values.name !== undefined || namesFile !== undefined;
  if (named && names.length === 0) throw new UsageError(`${String(namesFile)} holds no content names`);
  if (values.all && (named || bot !== undefined))
    throw new UsageError('--all deletes the whole account: give it without --bot, --name or --names-file');
  // A forgotten --bot must not erase an account: the whole account takes an explicit --all.
  if (!named && bot === undefined && !values.all) {
    throw new UsageError('give --name/--names-file (documents), --bot (a whole bot), or --all (the whole account)');
  }
  const parts: Array<string[] | undefined> = [];
  for (let start = 0; start < names.length; start += MAX_DELETE_NAMES_PER_JOB)
    parts.push(names.slice(start, start + MAX_DELETE_NAMES_PER_JOB));
  if (parts.length === 0) parts.push(undefined);
  if (parts.length > 1)
    io.stderr.write(`note: ${names.length} names exceed ${MAX_DELETE_NAMES_PER_JOB} per job; deleting them in ${parts.length} jobs\n`);

  const created: CreateJobResponse[] = [];
  for (const [index, part] of parts.entries()) {
    const key =
      typeof values['idempotency-key'] === 'string'
        ? parts.length > 1
          ? `${values['idempotency-key']}-${index + 1}`
          : values['idempotency-key']
        : undefined;
    let job: CreateJobResponse;
    try {
      job = await client.deleteDocuments(
        {
          account_name: account,
          ...(bot !== undefined ? { chat_bot_id: bot } : {}),
          ...(part !== undefined ? { content_names: part } : {}),
          ...(typeof values['webhook-url'] === 'string' ? { webhook_url: values['webhook-url'] } : {}),
        },
        key !== undefined ? { idempotencyKey: key } : {},
      );
    } catch (error) {
      if (error instanceof NonstopApiError && index > 0) shiftNamePaths(error, index * MAX_DELETE_NAMES_PER_JOB);
      if (created.length > 0) io.stderr.write(`already created: ${created.map((j) => j.job_id).join(', ')}\n`);
      throw error;
    }
    created.push(job);
    const what = part !== undefined ? `${part.length} names` : bot !== undefined ? `bot ${bot}` : `account ${account}`;
    io.stderr.write(`created delete job ${job.job_id}: ${job.total_documents} documents to delete (${what})\n`);
    if (!values.wait) io.stdout.write(`${JSON.stringify(job)}\n`);
  }
  if (!values.wait) return EXIT_OK;
  return waitAndSummarize(
    client,
    created.map((j) => j.job_id),
    schedule,
    io,
  );
}

/** One content name per line (a trailing CR dropped, blank lines skipped); names are taken as written, spaces included. */
function readNamesFile(file: string, io: CliIo): string[] {
  let text: string;
  try {
    text = (io.readFile ?? ((p) => readFileSync(p, 'utf8')))(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
}

/** `documents 2 -> 0 (2 deleted, 1 not found), chunks 4 -> 0, vectors 4 -> 0`. */
export function formatReceipt(receipt: DeleteReceipt): string {
  const span = (before: number | undefined, after: number | undefined) => `${before ?? '?'} -> ${after ?? '?'}`;
  return (
    `documents ${span(receipt.documents_before, receipt.documents_after)} (${receipt.documents_deleted ?? 0} deleted, ` +
    `${receipt.not_found ?? 0} not found), chunks ${span(receipt.chunks_before, receipt.chunks_after)}, ` +
    `vectors ${span(receipt.vectors_before, receipt.vectors_after)}`
  );
}

async function waitAndSummarize(
  client: NonstopIngestClient,
  jobIds: string[],
  schedule: PollSchedule | undefined,
  io: CliIo,
): Promise<number> {
  const started = Date.now();
  const latest = new Map<string, JobView>();
  const tty = io.stderr.isTTY === true;
  let lastLine = '';
  const retrying = new Map<string, string>();
  const render = () => {
    const views = [...latest.values()];
    if (views.length === 0) return;
    const progress = sumProgress(views.map((v) => v.progress));
    const finished = views.filter((v) => ['completed', 'failed', 'cancelled'].includes(v.status)).length;
    const status = jobIds.length > 1 ? `${finished}/${jobIds.length} jobs done,` : views[0]!.status;
    const line = formatProgressLine(status, progress, etaMs(progress, started, Date.now()), { bar: tty });
    if (line === lastLine) return;
    lastLine = line;
    if (tty) {
      const columns = io.stderr.columns ?? 100;
      io.stderr.write(`\r${line.slice(0, Math.max(20, columns - 1))}\x1b[K`);
    } else {
      io.stderr.write(`${line}\n`);
    }
  };
  const finals = await Promise.all(
    jobIds.map((id) =>
      client.waitForJob(id, {
        ...(schedule ? { schedule } : {}),
        onProgress: (job) => {
          retrying.delete(id);
          latest.set(id, job);
          render();
        },
        onRetry: (error) => {
          const message = error instanceof Error ? error.message : String(error);
          if (retrying.get(id) === message) return; // said once until it changes
          retrying.set(id, message);
          if (tty) io.stderr.write('\n');
          lastLine = '';
          io.stderr.write(`job ${id}: ${message}; still waiting, retrying\n`);
        },
      }),
    ),
  );
  if (tty) io.stderr.write('\n');

  const elapsed = formatDuration(Date.now() - started);
  for (const job of finals) {
    const p = job.progress;
    let line = `job ${job.job_id}: ${job.status} - ${p.success_count} succeeded, ${p.failure_count} failed`;
    if (p.cancelled_count > 0) line += `, ${p.cancelled_count} cancelled`;
    line += ` (of ${p.total_documents})`;
    if (job.error) line += ` - error ${job.error.code}: ${job.error.message}`;
    io.stdout.write(`${line}\n`);
    if (job.receipt) io.stdout.write(`  receipt: ${formatReceipt(job.receipt)}\n`);
  }
  const total = sumProgress(finals.map((j) => j.progress));
  const completed = finals.filter((j) => j.status === 'completed').length;
  io.stdout.write(
    `summary: ${completed}/${finals.length} job(s) completed; ${total.success_count} succeeded, ` +
      `${total.failure_count} failed, ${total.cancelled_count} cancelled of ${total.total_documents} documents in ${elapsed}\n`,
  );
  if (total.failure_count > 0) {
    io.stderr.write(`failed documents: nonstop-ingest results <job_id> --failed; run them again: nonstop-ingest retry <job_id>\n`);
  }
  return completed === finals.length ? EXIT_OK : EXIT_JOB_NOT_COMPLETED;
}

async function search(client: NonstopIngestClient, args: string[], values: Values, io: CliIo): Promise<number> {
  if (args.length !== 1 || !args[0]) throw new UsageError('search takes exactly one query (quote it)');
  const account = values.account;
  if (typeof account !== 'string' || account === '') throw new UsageError('--account is required');
  const request: SearchRequest = { account_name: account, query: args[0] };
  if (values['top-k'] !== undefined) request.top_k = positiveInt(values['top-k'], '--top-k', 10);
  if (typeof values.bot === 'string') request.chat_bot_id = values.bot;
  const names = values['content-name'];
  if (Array.isArray(names)) request.content_names = names;
  const minScore = values['min-score'];
  if (minScore !== undefined) {
    const score = typeof minScore === 'string' && minScore.trim() !== '' ? Number(minScore) : NaN;
    if (!Number.isFinite(score)) throw new UsageError('--min-score must be a number from -1 to 1');
    request.score_threshold = score;
  }
  const { results } = await client.search(request);
  if (values.json) {
    for (const result of results) io.stdout.write(`${JSON.stringify(result)}\n`);
    return EXIT_OK;
  }
  io.stdout.write(results.length === 0 ? 'no results\n' : `${results.map(formatSearchResult).join('\n')}\n`);
  return EXIT_OK;
}

const SHOWN_TEXT_CHARACTERS = 300;

/** `1. 0.812  name  (bot b, doc 12, chunk 0)` and the text on one indented line, cut after 300 characters. */
export function formatSearchResult(result: SearchResult, index: number): string {
  const flat = result.text.replace(/\s+/g, ' ').trim();
  const characters = Array.from(flat);
  const text = characters.length > SHOWN_TEXT_CHARACTERS ? `${characters.slice(0, SHOWN_TEXT_CHARACTERS).join('')}…` : flat;
  return `${index + 1}. ${result.score.toFixed(3)}  ${result.content_name}  (bot ${result.chat_bot_id}, doc ${result.doc_id}, chunk ${result.chunk_index})\n   ${text}`;
}

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${name} must be a positive integer`);
  return Number(value);
}

function pollSchedule(value: unknown): PollSchedule | undefined {
  if (value === undefined) return undefined;
  const parts = typeof value === 'string' ? value.split(',').map((p) => p.trim()) : [];
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p)))
    throw new UsageError('--poll takes milliseconds, e.g. 500 or 1000,2000,4000');
  return parts.map(Number);
}

/** Field paths of a later part name documents of that part: renumber them as documents of the file. */
function shiftDocumentPaths(error: NonstopApiError, offset: number): void {
  for (const detail of error.details) {
    detail.field = detail.field.replace(/^documents\[(\d+)\]/, (_, n: string) => `documents[${Number(n) + offset}]`);
  }
}

/** Field paths of a later delete job name its names: renumber them as names of the whole list. */
function shiftNamePaths(error: NonstopApiError, offset: number): void {
  for (const detail of error.details) {
    detail.field = detail.field.replace(/^content_names\[(\d+)\]/, (_, n: string) => `content_names[${Number(n) + offset}]`);
  }
}

function describeError(error: unknown): string {
  if (error instanceof NonstopApiError) {
    const details = error.details.map((d) => `\n  ${d.field}: ${d.problem}`).join('');
    return `${error.message} (HTTP ${error.status}, ${error.code})${details}`;
  }
  return error instanceof Error ? error.message : String(error);
}

if (require.main === module) {
  process.once('SIGINT', () => {
    process.stderr.write(
      '\ninterrupted: stopped waiting; created jobs go on on the server (ids above; see `nonstop-ingest status <job_id>`)\n',
    );
    process.exit(130);
  });
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`nonstop-ingest: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
