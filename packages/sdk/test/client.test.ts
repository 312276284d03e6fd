import { isDryRun, NonstopApiError, NonstopIngestClient, NonstopNetworkError, WaitTimeoutError } from '../src';
import type { JobView } from '../src';

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

function fakeFetch(handler: Handler): { fetch: typeof fetch; calls: Array<{ url: string; init: RequestInit }> } {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fn = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ url, init });
    return handler(url, init);
  }) as typeof fetch;
  return { fetch: fn, calls };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function view(status: JobView['status'], processed: number): JobView {
  return {
    job_id: 'j1',
    account_name: 'a',
    kind: 'insert',
    status,
    progress: {
      total_documents: 10,
      processed_documents: processed,
      success_count: processed,
      failure_count: 0,
      cancelled_count: 0,
      percentage: processed * 10,
    },
    results: [],
    results_next_cursor: null,
    timing: { created_at: '', started_at: null, updated_at: '', finished_at: null, estimated_completion: null, expires_at: '' },
    message: '',
  };
}

function header(init: RequestInit, name: string): string | undefined {
  return (init.headers as Record<string, string> | undefined)?.[name];
}

describe('NonstopIngestClient (fake fetch)', () => {
  it('sends the body, Idempotency-Key and bearer key; turns an error body into NonstopApiError', async () => {
    const { fetch, calls } = fakeFetch((url) =>
      url.endsWith('/job/batch-insert')
        ? json(202, { job_id: 'j1', status: 'pending', total_documents: 1, created_at: 'x', message: 'm' })
        : json(400, {
            error: {
              code: 'validation_failed',
              message: 'Invalid request',
              details: [{ field: 'documents[0].chunks', problem: 'must not be empty' }],
            },
          }),
    );
    const client = new NonstopIngestClient({ baseUrl: 'http://api/', apiKey: 'k', fetch });
    const body = { account_name: 'a', documents: [{ chat_bot_id: 'b', content_name: 'c', chunks: [{ chunk_index: 0, text: 't' }] }] };
    await expect(client.createBatchInsertJob(body, { idempotencyKey: 'idem-1' })).resolves.toMatchObject({ job_id: 'j1' });
    expect(calls[0]!.url).toBe('http://api/job/batch-insert');
    expect(header(calls[0]!.init, 'Idempotency-Key')).toBe('idem-1');
    expect(header(calls[0]!.init, 'Authorization')).toBe('Bearer k');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual(body);

    const error = await client.insertBatchSync(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonstopApiError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Invalid request', fields: ['documents[0].chunks'] });
  });

  it('on_existing and dry_run go in the body; a dry run answer is told apart by isDryRun', async () => {
    const dry = {
      dry_run: true,
      account_name: 'a',
      on_existing: 'skip_unchanged',
      total_documents: 1,
      summary: { skip: 1 },
      results: [{ position: 0, chat_bot_id: 'b', content_name: 'c', action: 'skip', doc_id: 3 }],
    };
    const { fetch, calls } = fakeFetch((_url, init) =>
      JSON.parse(String(init.body)).dry_run
        ? json(200, dry)
        : json(202, { job_id: 'j1', kind: 'insert', status: 'pending', total_documents: 1, created_at: 'x', message: 'm' }),
    );
    const client = new NonstopIngestClient({ baseUrl: 'http://api', fetch });
    const documents = [{ chat_bot_id: 'b', content_name: 'c', chunks: [{ chunk_index: 0, text: 't' }] }];
    const planned = await client.createBatchInsertJob({ account_name: 'a', documents, on_existing: 'skip_unchanged', dry_run: true });
    expect(planned.results[0]!.action).toBe('skip'); // typed as DryRunResponse by the overload
    expect(isDryRun(planned)).toBe(true);
    const syncPlanned = await client.insertBatchSync({ account_name: 'a', documents, dry_run: true });
    expect(syncPlanned.summary).toEqual({ skip: 1 });
    const created = await client.createBatchInsertJob({ account_name: 'a', documents, on_existing: 'replace' });
    expect(isDryRun(created)).toBe(false);
    expect(created.kind).toBe('insert');
    expect(calls.map((c) => [c.url, JSON.parse(String(c.init.body))])).toEqual([
      ['http://api/job/batch-insert', { account_name: 'a', documents, on_existing: 'skip_unchanged', dry_run: true }],
      ['http://api/data/insert/batch', { account_name: 'a', documents, dry_run: true }],
      ['http://api/job/batch-insert', { account_name: 'a', documents, on_existing: 'replace' }],
    ]);
  });

  it('deleteDocuments POSTs the scope to /job/batch-delete; retryJob POSTs no body to /job/{id}/retry; both take an Idempotency-Key', async () => {
    const { fetch, calls } = fakeFetch((url) =>
      url.endsWith('/retry')
        ? json(202, { job_id: 'r1', kind: 'insert', status: 'pending', total_documents: 2, created_at: 'x', retry_of: 'j/1', message: 'm' })
        : json(202, { job_id: 'd1', kind: 'delete', status: 'pending', total_documents: 1, created_at: 'x', message: 'm' }),
    );
    const client = new NonstopIngestClient({ baseUrl: 'http://api', fetch });
    await expect(
      client.deleteDocuments({ account_name: 'a', chat_bot_id: 'b', content_names: ['한국어 문서'] }, { idempotencyKey: 'del-1' }),
    ).resolves.toMatchObject({ job_id: 'd1', kind: 'delete' });
    await expect(client.retryJob('j/1', { idempotencyKey: 'retry-1' })).resolves.toMatchObject({ job_id: 'r1', retry_of: 'j/1' });
    expect(calls[0]!.url).toBe('http://api/job/batch-delete');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ account_name: 'a', chat_bot_id: 'b', content_names: ['한국어 문서'] });
    expect(header(calls[0]!.init, 'Idempotency-Key')).toBe('del-1');
    expect([calls[1]!.url, calls[1]!.init.method, calls[1]!.init.body]).toEqual(['http://api/job/j%2F1/retry', 'POST', undefined]);
    expect(header(calls[1]!.init, 'Idempotency-Key')).toBe('retry-1');

    const refused = new NonstopIngestClient({
      baseUrl: 'http://api',
      fetch: fakeFetch(() => json(409, { error: { code: 'job_not_finished', message: 'still processing' } })).fetch,
    });
    await expect(refused.retryJob('j1')).rejects.toMatchObject({ status: 409, code: 'job_not_finished' });
  });

  it('a non-JSON error answer still becomes NonstopApiError; no answer is NonstopNetworkError', async () => {
    const client = new NonstopIngestClient({
      baseUrl: 'http://api',
      fetch: fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502 })).fetch,
    });
    await expect(client.getJob('j1')).rejects.toMatchObject({ status: 502, code: 'http_502' });
    const down = new NonstopIngestClient({
      baseUrl: 'http://api',
      fetch: fakeFetch(() => {
        throw new TypeError('fetch failed');
      }).fetch,
    });
    await expect(down.getJob('j1')).rejects.toBeInstanceOf(NonstopNetworkError);
  });

  it('iterateResults follows next_cursor with the page size and status filter', async () => {
    const { fetch, calls } = fakeFetch((url) => {
      const cursor = new URL(url).searchParams.get('cursor');
      const start = cursor === null ? 0 : Number(cursor) + 1;
      const results = [start, start + 1].filter((p) => p < 5).map((position) => ({ position }));
      return json(200, { job_id: 'j1', results, next_cursor: start + 2 < 5 ? String(start + 1) : null });
    });
    const client = new NonstopIngestClient({ baseUrl: 'http://api', fetch });
    const positions: number[] = [];
    for await (const result of client.iterateResults('j1', { pageSize: 2, status: 'failed' })) positions.push(result.position);
    expect(positions).toEqual([0, 1, 2, 3, 4]);
    expect(calls.map((c) => new URL(c.url).search)).toEqual([
      '?limit=2&status=failed',
      '?cursor=1&limit=2&status=failed',
      '?cursor=3&limit=2&status=failed',
    ]);
  });

  it('waitForJob polls on the injected schedule, rides out 503s and network errors, reports progress', async () => {
    const answers: Array<() => Response> = [
      () => json(200, view('pending', 0)),
      () => json(503, { error: { code: 'postgresql_unavailable', message: 'down' } }),
      () => {
        throw new TypeError('fetch failed');
      },
      () => json(200, view('processing', 5)),
      () => json(200, view('completed', 10)),
    ];
    const { fetch, calls } = fakeFetch(() => answers.shift()!());
    const client = new NonstopIngestClient({ baseUrl: 'http://api', fetch });
    const seen: string[] = [];
    const delays: number[] = [];
    const retried: string[] = [];
    const job = await client.waitForJob('j1', {
      schedule: (attempt) => {
        delays.push(attempt);
        return 1;
      },
      onProgress: (j) => seen.push(`${j.status}:${j.progress.percentage}`),
      onRetry: (error) => retried.push((error as Error).name),
    });
    expect(retried).toEqual(['NonstopApiError', 'NonstopNetworkError']);
    expect(job.status).toBe('completed');
    expect(seen).toEqual(['pending:0', 'processing:50', 'completed:100']);
    expect(calls).toHaveLength(5);
    expect(delays).toEqual([0, 1, 2, 3]);
  });

  it('waitForJob throws a 404 at once, and WaitTimeoutError at the deadline', async () => {
    const missing = new NonstopIngestClient({
      baseUrl: 'http://api',
      fetch: fakeFetch(() => json(404, { error: { code: 'not_found', message: 'job j1 not found' } })).fetch,
    });
    await expect(missing.waitForJob('j1', { schedule: [1] })).rejects.toMatchObject({ status: 404, code: 'not_found' });
    const slow = new NonstopIngestClient({ baseUrl: 'http://api', fetch: fakeFetch(() => json(200, view('processing', 1))).fetch });
    await expect(slow.waitForJob('j1', { schedule: [10], deadlineMs: 50 })).rejects.toBeInstanceOf(WaitTimeoutError);
    const controller = new AbortController();
    const waiting = slow.waitForJob('j1', { schedule: [60_000], signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user stop')), 20);
    await expect(waiting).rejects.toThrow('user stop');
  });

  it('cancelJob passes rollback and says whether the cancel settled', async () => {
    const { fetch, calls } = fakeFetch(() => json(202, { ...view('processing', 3), message: 'Cancel requested' }));
    const client = new NonstopIngestClient({ baseUrl: 'http://api', fetch });
    await expect(client.cancelJob('j1', { rollback: true })).resolves.toMatchObject({ settled: false, status: 'processing' });
    expect(calls[0]!.url).toBe('http://api/job/j1?rollback=true');
    expect(calls[0]!.init.method).toBe('DELETE');
  });
});

describe('search (fake fetch)', () => {
  it('POSTs the request to /search with the key and returns the results; a 400 names the field', async () => {
    const result = {
      content_name: 'c',
      chat_bot_id: 'b',
      doc_id: 3,
      chunk_index: 0,
      text: '서울의 봄',
      score: 0.8,
      metadata: { 제목: '봄' },
    };
    const { fetch, calls } = fakeFetch((_url, init) => {
      const body = JSON.parse(String(init.body)) as { top_k?: number };
      return body.top_k === 0
        ? json(400, {
            error: {
              code: 'validation_failed',
              message: 'Invalid request: top_k: must be an integer from 1 to 50, got 0',
              details: [{ field: 'top_k', problem: 'must be an integer from 1 to 50, got 0' }],
            },
          })
        : json(200, { results: [result] });
    });
    const client = new NonstopIngestClient({ baseUrl: 'http://api', apiKey: 'k', fetch });
    const request = { account_name: 'a', query: '질문', top_k: 3, chat_bot_id: 'b', content_names: ['c'], score_threshold: 0.1 };
    await expect(client.search(request)).resolves.toEqual({ results: [result] });
    expect(calls[0]!.url).toBe('http://api/search');
    expect(calls[0]!.init.method).toBe('POST');
    expect(header(calls[0]!.init, 'Authorization')).toBe('Bearer k');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual(request);
    await expect(client.search({ account_name: 'a', query: 'q', top_k: 0 })).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
      fields: ['top_k'],
    });
  });
});

describe('streamJob (fake SSE server)', () => {
  function sse(chunks: string[], options: { error?: boolean } = {}): Response {
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      // one chunk per read, then the drop (error() at once would discard what is queued)
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk !== undefined) controller.enqueue(encoder.encode(chunk));
        else if (options.error) controller.error(new TypeError('terminated'));
        else controller.close();
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }
  const event = (id: number, status: string, name?: string) =>
    `id: ${id}\n${name ? `event: ${name}\n` : ''}data: ${JSON.stringify({ job_id: 'j1', status, progress: { percentage: id * 10 } })}\n\n`;

  it('yields typed events, reconnects with Last-Event-ID after a drop, and ends after `end`', async () => {
    const responses = [
      () => sse([': hello\n\n', event(1, 'pending'), event(2, 'proce'.concat('ssing')).slice(0, 10)], { error: true }),
      () => {
        throw new TypeError('fetch failed');
      },
      () => sse([event(2, 'processing'), event(3, 'processing')]), // closed without `end`
      () => sse([event(4, 'completed', 'end'), event(5, 'never')]),
    ];
    const { fetch, calls } = fakeFetch(() => responses.shift()!());
    const client = new NonstopIngestClient({ baseUrl: 'http://api', fetch });
    const seen: string[] = [];
    for await (const e of client.streamJob('j1', { reconnectDelayMs: 1 })) seen.push(`${e.id}:${e.event}:${e.data.status}`);
    expect(seen).toEqual(['1:message:pending', '2:message:processing', '3:message:processing', '4:end:completed']);
    expect(calls.map((c) => header(c.init, 'Last-Event-ID'))).toEqual([undefined, '1', '1', '3']);
    expect(header(calls[0]!.init, 'Accept')).toBe('text/event-stream');
  });

  it('starts from a given lastEventId, and throws a 404 without retrying', async () => {
    const { fetch, calls } = fakeFetch(() => json(404, { error: { code: 'not_found', message: 'no such job' } }));
    const client = new NonstopIngestClient({ baseUrl: 'http://api', fetch });
    const iterate = async () => {
      for await (const _ of client.streamJob('j1', { lastEventId: '9' })) {
        /* none */
      }
    };
    await expect(iterate()).rejects.toMatchObject({ status: 404 });
    expect(calls).toHaveLength(1);
    expect(header(calls[0]!.init, 'Last-Event-ID')).toBe('9');
  });

  it('gives up after maxReconnects attempts without any event', async () => {
    const { fetch, calls } = fakeFetch(() => {
      throw new TypeError('fetch failed');
    });
    const client = new NonstopIngestClient({ baseUrl: 'http://api', fetch });
    const iterate = async () => {
      for await (const _ of client.streamJob('j1', { reconnectDelayMs: 1, maxReconnects: 2 })) {
        /* none */
      }
    };
    await expect(iterate()).rejects.toThrow('gave up after 2 reconnects');
    expect(calls).toHaveLength(3);
  });
});
