import { runCli, type CliIo } from '../src/cli';

function io(files: Record<string, string> = {}, fetchImpl?: typeof fetch, tty = false): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: {
      write: (text: string) => {
        out += text;
      },
    },
    stderr: {
      write: (text: string) => {
        err += text;
      },
      isTTY: tty,
      columns: 120,
    },
    env: { NONSTOP_URL: 'http://api.test' },
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: ${p}`);
      return files[p]!;
    },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    out: () => out,
    err: () => err,
  };
}

/** A tiny stand-in for the API: jobs complete on their second status read. */
function fakeApi(finalStatus = 'completed') {
  const jobs = new Map<string, { total: number; reads: number }>();
  const bodies: unknown[] = [];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
    if (init.method === 'POST' && url.pathname === '/job/batch-insert') {
      const body = JSON.parse(String(init.body)) as { account_name: string; documents: unknown[] };
      bodies.push(body);
      if (body.account_name === 'refused' && body.documents.length < 5)
        return reply(400, {
          error: {
            code: 'validation_failed',
            message: 'Invalid request',
            details: [{ field: 'documents[1].chunks[0].text', problem: 'must not be empty' }],
          },
        });
      const id = `00000000-0000-4000-8000-00000000000${jobs.size}`;
      jobs.set(id, { total: body.documents.length, reads: 0 });
      return reply(202, { job_id: id, status: 'pending', total_documents: body.documents.length, created_at: 'now', message: 'ok' });
    }
    const job = jobs.get(url.pathname.split('/')[2] ?? '');
    if (!job) return reply(404, { error: { code: 'not_found', message: 'no such job' } });
    job.reads++;
    const done = job.reads >= 2;
    const processed = done ? job.total : Math.floor(job.total / 2);
    return reply(200, {
      job_id: url.pathname.split('/')[2],
      status: done ? finalStatus : 'processing',
      progress: {
        total_documents: job.total,
        processed_documents: processed,
        success_count: processed,
        failure_count: 0,
        cancelled_count: 0,
        percentage: (processed / job.total) * 100,
      },
      results: [],
      results_next_cursor: null,
      timing: {},
      message: '',
    });
  }) as typeof fetch;
  return { fetchImpl, bodies };
}

const jsonl = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ content_name: `c${i}`, text: `t${i}` })).join('\n');

describe('nonstop-ingest CLI (in-process, fake API)', () => {
  it('exits 2 on usage errors and malformed files', async () => {
    for (const argv of [
      [],
      ['bogus'],
      ['submit', 'a.jsonl'],
      ['submit', '--account', 'a'],
      ['status'],
      ['submit', 'a.jsonl', '--account', 'a', '--nope'],
      ['submit', 'a.jsonl', '--account', 'a', '--max-per-job', '0'],
      ['submit', 'a.jsonl', '--account', 'a', '--poll', 'fast'],
      ['results', 'j', '--status', 'odd'],
    ]) {
      const run = io({ 'a.jsonl': jsonl(1) });
      expect(await runCli(argv, run)).toBe(2);
      expect(run.err()).toContain('nonstop-ingest: ');
    }
    const missing = io();
    expect(await runCli(['submit', 'none.jsonl', '--account', 'a', '--bot', 'b'], missing)).toBe(2);
    expect(missing.err()).toContain('cannot read none.jsonl');
    const noBot = io({ 'a.jsonl': jsonl(2) });
    expect(await runCli(['submit', 'a.jsonl', '--account', 'a'], noBot)).toBe(2);
    expect(noBot.err()).toContain('line 1: no chat_bot_id');
    const help = io();
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.out()).toContain('Usage: nonstop-ingest');
  });

  it('splits, waits with a progress line and prints a summary; exit 0 when all completed', async () => {
    const api = fakeApi();
    const run = io({ 'docs.jsonl': jsonl(25) }, api.fetchImpl);
    expect(
      await runCli(['submit', 'docs.jsonl', '--account', 'acct', '--bot', 'b1', '--max-per-job', '10', '--wait', '--poll', '1'], run),
    ).toBe(0);
    expect(api.bodies.map((b) => (b as { documents: unknown[] }).documents.length)).toEqual([10, 10, 5]);
    expect(api.bodies[0]).toMatchObject({ account_name: 'acct' });
    expect((api.bodies[0] as { documents: unknown[] }).documents[0]).toEqual({
      chat_bot_id: 'b1',
      content_name: 'c0',
      chunks: [{ chunk_index: 0, text: 't0' }],
    });
    expect(run.err()).toContain('submitting them as 3 jobs');
    expect(run.err()).toMatch(/jobs done, 25\/25 \(100\.0%\) ok 25 failed 0/);
    expect(run.out()).toContain('summary: 3/3 job(s) completed; 25 succeeded, 0 failed, 0 cancelled of 25 documents');
  });

  it('draws a bar on a TTY, exits 1 when a job ends cancelled, prints job lines without --wait', async () => {
    const cancelled = fakeApi('cancelled');
    const tty = io({ 'd.jsonl': jsonl(4) }, cancelled.fetchImpl, true);
    expect(await runCli(['submit', 'd.jsonl', '--account', 'a', '--bot', 'b', '--wait', '--poll', '1'], tty)).toBe(1);
    expect(tty.err()).toMatch(/\r\[#+-*\] processing 2\/4 \(50\.0%\)/);
    expect(tty.out()).toContain('summary: 0/1 job(s) completed');
    const plain = io({ 'd.jsonl': jsonl(3) }, fakeApi().fetchImpl);
    expect(await runCli(['submit', 'd.jsonl', '--account', 'a', '--bot', 'b'], plain)).toBe(0);
    expect(JSON.parse(plain.out())).toMatchObject({ status: 'pending', total_documents: 3 });
  });

  it('--wait rides out a 503, saying so once', async () => {
    const api = fakeApi();
    let failures = 3;
    const flaky = (async (input: string | URL | Request, init: RequestInit = {}) => {
      if (init.method !== 'POST' && failures-- > 0) {
        return new Response(JSON.stringify({ error: { code: 'postgresql_unavailable', message: 'PostgreSQL is unavailable' } }), {
          status: 503,
        });
      }
      return api.fetchImpl(input, init);
    }) as typeof fetch;
    const run = io({ 'd.jsonl': jsonl(2) }, flaky);
    expect(await runCli(['submit', 'd.jsonl', '--account', 'a', '--bot', 'b', '--wait', '--poll', '1'], run)).toBe(0);
    expect(run.err().match(/PostgreSQL is unavailable; still waiting, retrying/g)).toHaveLength(1);
    expect(run.out()).toContain('summary: 1/1 job(s) completed');
  });

  it('an API refusal exits 1 with the field paths, renumbered to the file for a later part', async () => {
    const api = fakeApi();
    const run = io({ 'd.jsonl': jsonl(15) }, api.fetchImpl);
    // parts of 12 and 3: the fake refuses the second; its documents[1] is the file's documents[13]
    expect(await runCli(['submit', 'd.jsonl', '--account', 'refused', '--bot', 'b', '--max-per-job', '12'], run)).toBe(1);
    expect(run.err()).toContain('(HTTP 400, validation_failed)\n  documents[13].chunks[0].text: must not be empty');
    expect(run.err()).toContain('already created: 00000000-0000-4000-8000-000000000000');
  });

  describe('living corpus: --on-existing, --dry-run, delete, retry', () => {
    /** Records every request; answers dry runs, delete and retry jobs, and status reads (final at once). */
    function corpusApi(receipt?: Record<string, unknown>) {
      const requests: Array<{ method: string; path: string; body: unknown }> = [];
      const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
        const url = new URL(String(input));
        const body = init.body === undefined ? undefined : (JSON.parse(String(init.body)) as Record<string, unknown>);
        requests.push({ method: init.method ?? 'GET', path: url.pathname, body });
        const reply = (status: number, answer: unknown) => new Response(JSON.stringify(answer), { status });
        if (url.pathname === '/job/batch-insert' && body?.dry_run) {
          const documents = body.documents as Array<{ chat_bot_id: string; content_name: string }>;
          return reply(200, {
            dry_run: true,
            account_name: body.account_name,
            on_existing: body.on_existing ?? 'fail',
            total_documents: documents.length,
            summary: {},
            results: documents.map((d, position) => ({
              position,
              chat_bot_id: d.chat_bot_id,
              content_name: d.content_name,
              action: position % 2 ? 'skip' : 'insert',
            })),
          });
        }
        if (init.method === 'POST') {
          const kind = url.pathname === '/job/batch-delete' ? 'delete' : 'insert';
          const names = (body?.content_names as string[] | undefined)?.length;
          return reply(202, {
            job_id: `00000000-0000-4000-8000-00000000000${requests.length}`,
            kind,
            status: 'pending',
            total_documents: names ?? 7,
            created_at: 'now',
            message: 'ok',
          });
        }
        return reply(200, {
          job_id: url.pathname.split('/')[2],
          kind: receipt ? 'delete' : 'insert',
          status: 'completed',
          progress: { total_documents: 3, processed_documents: 3, success_count: 3, failure_count: 0, cancelled_count: 0, percentage: 100 },
          results: [],
          results_next_cursor: null,
          timing: {},
          message: '',
          ...(receipt ? { receipt } : {}),
        });
      }) as typeof fetch;
      return { fetchImpl, requests };
    }

    it('usage errors exit 2: a bad --on-existing, --dry-run with --wait, delete without a scope or with --all and a bot, retry without one id', async () => {
      for (const argv of [
        ['submit', 'a.jsonl', '--account', 'a', '--bot', 'b', '--on-existing', 'overwrite'],
        ['submit', 'a.jsonl', '--account', 'a', '--bot', 'b', '--dry-run', '--wait'],
        ['delete', '--account', 'a'],
        ['delete', '--bot', 'b'],
        ['delete', '--account', 'a', '--all', '--bot', 'b'],
        ['delete', '--account', 'a', '--names-file', 'empty.txt'],
        ['delete', '--account', 'a', '--names-file', 'none.txt'],
        ['delete', 'stray', '--account', 'a', '--bot', 'b'],
        ['retry'],
        ['retry', 'j1', 'j2'],
      ]) {
        const api = corpusApi();
        const run = io({ 'a.jsonl': jsonl(1), 'empty.txt': '\n\n' }, api.fetchImpl);
        expect({ argv, code: await runCli(argv, run) }).toEqual({ argv, code: 2 });
        expect(run.err()).toContain('nonstop-ingest: ');
        expect(api.requests).toEqual([]);
      }
      const help = io();
      await runCli(['--help'], help);
      expect(help.out()).toMatch(/--on-existing fail\|skip_unchanged\|replace\] \[--dry-run\]/);
      expect(help.out()).toContain('delete --account <name> [--bot <id>] [--name <content_name> ...]');
      expect(help.out()).toContain('retry <job_id> [--wait]');
    });

    it('submit sends --on-existing; --dry-run prints each planned action as a JSON line, positions in the file, and a summary', async () => {
      const api = corpusApi();
      const run = io({ 'd.jsonl': jsonl(5) }, api.fetchImpl);
      expect(
        await runCli(
          ['submit', 'd.jsonl', '--account', 'a', '--bot', 'b', '--on-existing', 'skip_unchanged', '--dry-run', '--max-per-job', '3'],
          run,
        ),
      ).toBe(0);
      expect(api.requests.map((r) => r.body as { dry_run: boolean; on_existing: string; documents: unknown[] })).toEqual([
        expect.objectContaining({ dry_run: true, on_existing: 'skip_unchanged' }),
        expect.objectContaining({ dry_run: true }),
      ]);
      const lines = run
        .out()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { position: number; action: string; content_name: string });
      expect(lines.map((l) => [l.position, l.content_name, l.action])).toEqual([
        [0, 'c0', 'insert'],
        [1, 'c1', 'skip'],
        [2, 'c2', 'insert'],
        [3, 'c3', 'insert'],
        [4, 'c4', 'skip'],
      ]);
      expect(run.err()).toContain('dry run (on_existing skip_unchanged): 5 documents: insert 3, skip 2; nothing was written');

      const real = corpusApi();
      const submitted = io({ 'd.jsonl': jsonl(2) }, real.fetchImpl);
      expect(await runCli(['submit', 'd.jsonl', '--account', 'a', '--bot', 'b', '--on-existing', 'replace'], submitted)).toBe(0);
      expect(real.requests[0]).toMatchObject({ path: '/job/batch-insert', body: { account_name: 'a', on_existing: 'replace' } });
      expect(real.requests[0]!.body).not.toHaveProperty('dry_run');
    });

    it('delete sends names (flags and a names file, over 10,000 split into jobs), a bot, or --all; --wait prints the receipt', async () => {
      const names = Array.from({ length: 10_001 }, (_, n) => `이름 ${n}`);
      const api = corpusApi();
      const run = io({ 'names.txt': `\uFEFF${names.slice(1).join('\r\n')}\r\n\n` }, api.fetchImpl);
      expect(
        await runCli(
          ['delete', '--account', 'a', '--bot', 'b', '--name', names[0]!, '--names-file', 'names.txt', '--idempotency-key', 'k'],
          run,
        ),
      ).toBe(0);
      expect(api.requests.map((r) => r.path)).toEqual(['/job/batch-delete', '/job/batch-delete']);
      const bodies = api.requests.map((r) => r.body as { account_name: string; chat_bot_id: string; content_names: string[] });
      expect(bodies.map((b) => [b.account_name, b.chat_bot_id, b.content_names.length])).toEqual([
        ['a', 'b', 10_000],
        ['a', 'b', 1],
      ]);
      expect([...bodies[0]!.content_names, ...bodies[1]!.content_names]).toEqual(names);
      expect(run.err()).toContain('deleting them in 2 jobs');
      expect(
        run
          .out()
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line).kind),
      ).toEqual(['delete', 'delete']);

      const receipt = {
        scope: { chat_bot_id: 'b' },
        documents_before: 2,
        chunks_before: 4,
        vectors_before: 4,
        documents_deleted: 2,
        chunks_deleted: 4,
        not_found: 1,
        documents_after: 0,
        chunks_after: 0,
        vectors_after: 0,
        started_at: 'x',
        finished_at: 'y',
      };
      const bot = corpusApi(receipt);
      const waited = io({}, bot.fetchImpl);
      expect(await runCli(['delete', '--account', 'a', '--bot', 'b', '--wait', '--poll', '1'], waited)).toBe(0);
      expect(bot.requests[0]).toEqual({ method: 'POST', path: '/job/batch-delete', body: { account_name: 'a', chat_bot_id: 'b' } });
      expect(waited.err()).toMatch(/created delete job \S+: 7 documents to delete \(bot b\)/);
      expect(waited.out()).toContain('  receipt: documents 2 -> 0 (2 deleted, 1 not found), chunks 4 -> 0, vectors 4 -> 0');

      const account = corpusApi();
      expect(await runCli(['delete', '--account', 'a', '--all'], io({}, account.fetchImpl))).toBe(0);
      expect(account.requests[0]!.body).toEqual({ account_name: 'a' });
    });

    it('retry POSTs /job/{id}/retry and, with --wait, summarizes the new job', async () => {
      const api = corpusApi();
      const run = io({}, api.fetchImpl);
      expect(await runCli(['retry', 'job-1', '--wait', '--poll', '1', '--idempotency-key', 'again'], run)).toBe(0);
      expect(api.requests[0]).toEqual({ method: 'POST', path: '/job/job-1/retry', body: undefined });
      expect(run.err()).toMatch(/created job \S+: 7 documents \(the failed documents of job-1\)/);
      expect(run.out()).toContain('summary: 1/1 job(s) completed; 3 succeeded');
    });
  });

  describe('search', () => {
    const result = (n: number, extra: Record<string, unknown> = {}) => ({
      content_name: `https://example.com/${n}`,
      chat_bot_id: 'bot001',
      doc_id: 10 + n,
      chunk_index: n,
      text: `text ${n}`,
      score: 0.9 - n / 10,
      metadata: {},
      ...extra,
    });
    function searchApi(results: unknown[], status = 200) {
      const bodies: unknown[] = [];
      const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
        expect(new URL(String(input)).pathname).toBe('/search');
        bodies.push(JSON.parse(String(init.body)));
        const body =
          status === 200
            ? { results }
            : {
                error: {
                  code: 'validation_failed',
                  message: 'Invalid request: top_k: must be an integer from 1 to 50, got 99',
                  details: [{ field: 'top_k', problem: 'must be an integer from 1 to 50, got 99' }],
                },
              };
        return new Response(JSON.stringify(body), { status });
      }) as typeof fetch;
      return { fetchImpl, bodies };
    }

    it('sends the query and options, and prints each result readably: score, name, bot, doc, chunk, text', async () => {
      const long = `${'가나다 '.repeat(100)}\n\n끝`;
      const api = searchApi([result(0, { text: '서울의 봄은\n따뜻합니다' }), result(1, { text: long })]);
      const run = io({}, api.fetchImpl);
      const argv = [
        'search',
        '서울의 봄 날씨',
        '--account',
        'acct',
        '--top-k',
        '5',
        '--bot',
        'bot001',
        '--content-name',
        'a',
        '--content-name',
        'b "q"',
        '--min-score=-0.5',
      ];
      expect(await runCli(argv, run)).toBe(0);
      expect(api.bodies).toEqual([
        {
          account_name: 'acct',
          query: '서울의 봄 날씨',
          top_k: 5,
          chat_bot_id: 'bot001',
          content_names: ['a', 'b "q"'],
          score_threshold: -0.5,
        },
      ]);
      const lines = run.out().split('\n');
      expect(lines.slice(0, 3)).toEqual([
        '1. 0.900  https://example.com/0  (bot bot001, doc 10, chunk 0)',
        '   서울의 봄은 따뜻합니다',
        '2. 0.800  https://example.com/1  (bot bot001, doc 11, chunk 1)',
      ]);
      expect(Array.from(lines[3]!.trim())).toHaveLength(301);
      expect(lines[3]!.endsWith('…')).toBe(true);
    });

    it('--json prints one JSON line per result; no results is said, not an error', async () => {
      const api = searchApi([result(0), result(1)]);
      const run = io({}, api.fetchImpl);
      expect(await runCli(['search', 'bread', '--account', 'acct', '--json'], run)).toBe(0);
      expect(
        run
          .out()
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual([result(0), result(1)]);
      expect(api.bodies).toEqual([{ account_name: 'acct', query: 'bread' }]);
      const empty = io({}, searchApi([]).fetchImpl);
      expect(await runCli(['search', 'bread', '--account', 'acct'], empty)).toBe(0);
      expect(empty.out()).toBe('no results\n');
      const emptyJson = io({}, searchApi([]).fetchImpl);
      expect(await runCli(['search', 'bread', '--account', 'acct', '--json'], emptyJson)).toBe(0);
      expect(emptyJson.out()).toBe('');
    });

    it('usage errors exit 2; an API refusal exits 1 naming the field', async () => {
      for (const argv of [
        ['search', '--account', 'a'],
        ['search', 'q'],
        ['search', 'q', 'r', '--account', 'a'],
        ['search', 'q', '--account', 'a', '--top-k', 'ten'],
        ['search', 'q', '--account', 'a', '--min-score', 'high'],
        ['search', 'q', '--account', 'a', '--min-score', ''],
      ]) {
        const run = io({}, searchApi([]).fetchImpl);
        expect({ argv, code: await runCli(argv, run) }).toEqual({ argv, code: 2 });
      }
      const refused = io({}, searchApi([], 400).fetchImpl);
      expect(await runCli(['search', 'q', '--account', 'a', '--top-k', '99'], refused)).toBe(1);
      expect(refused.err()).toContain('(HTTP 400, validation_failed)\n  top_k: must be an integer from 1 to 50, got 99');
    });
  });
});
