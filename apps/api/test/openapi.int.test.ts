import request from 'supertest';
import { openApiDocument } from '../src/openapi/openapi-document';
import type { HttpMethod } from '../src/openapi/openapi-types';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness, waitForFinal } from '../../../test/support/job-harness';
import { makeDocuments, testConfig, uniqueAccount } from '../../../test/support/test-env';
import { OpenApiValidator } from './openapi-schema';

/** Reads a whole text/event-stream body (the stream of a job closes after its end event). */
function readText(res: request.Response, callback: (error: Error | null, body: string) => void): void {
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    text += chunk;
  });
  res.on('end', () => callback(null, text));
}

/** The fields of each event as a client parses them (data lines joined, not JSON-decoded): what the text/event-stream schema describes. */
function rawSseEvents(text: string): Array<Record<string, string | number>> {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event: Record<string, string | number> = {};
      for (const line of block.split('\n')) {
        const [, field, value] = /^(event|id|data|retry): ?(.*)$/.exec(line) ?? [];
        if (!field || value === undefined) continue;
        event[field] = field === 'retry' ? Number(value) : field === 'data' && event.data !== undefined ? `${event.data}\n${value}` : value;
      }
      return event;
    });
}

function sseEvents(text: string): Array<{ event: string; data: unknown }> {
  return rawSseEvents(text).flatMap(({ event, data }) =>
    typeof data === 'string' ? [{ event: typeof event === 'string' ? event : 'message', data: JSON.parse(data) as unknown }] : [],
  );
}

describe('the OpenAPI document matches what the API answers', () => {
  const harness = new JobHarness();
  const config = testConfig(harness.env);
  const validator = new OpenApiValidator(openApiDocument);
  const exercised = new Set<string>();
  let api: InProcessApi;

  /** Fails unless the status is documented for the operation and the body conforms to its schema. */
  function conforms(method: HttpMethod, path: string, res: request.Response): request.Response {
    const mediaType = (res.headers['content-type'] ?? '').split(';')[0]!.trim();
    const schema = validator.responseSchema(method, path, res.status, mediaType);
    if (typeof schema === 'string') throw new Error(`${schema}; body: ${res.text.slice(0, 500)}`);
    const body = mediaType === 'application/json' ? res.body : (res.body ?? res.text);
    const errors =
      mediaType === 'text/event-stream'
        ? rawSseEvents(body as string).flatMap((event) => validator.errors(schema, event))
        : validator.errors(schema, body);
    if (errors.length > 0)
      throw new Error(
        `${method.toUpperCase()} ${path} ${res.status} does not match the document:\n${errors.join('\n')}\nbody: ${JSON.stringify(body).slice(0, 1000)}`,
      );
    exercised.add(`${method.toUpperCase()} ${path}`);
    return res;
  }

  const schemaOf = (name: string) => ({ $ref: `#/components/schemas/${name}` });

  beforeAll(async () => {
    api = await startInProcessApi(config, { cancelWaitMs: 20_000 });
    harness.startWorker();
  });
  afterAll(async () => {
    await harness.stopAll();
    await api.close();
  });

  it('serves the document and Swagger UI', async () => {
    const served = await request(api.app).get('/openapi.json').expect(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    const ui = await request(api.app).get('/docs/').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('health endpoints', async () => {
    conforms('get', '/healthz', await request(api.app).get('/healthz'));
    conforms('get', '/readyz', await request(api.app).get('/readyz'));
  });

  it('POST /data/insert/batch: success, per-document failure, and the errors', async () => {
    const account = uniqueAccount('oas');
    const [doc] = makeDocuments(1, { prefix: 'oas-sync' });
    const ok = conforms(
      'post',
      '/data/insert/batch',
      await request(api.app)
        .post('/data/insert/batch')
        .send({ account_name: account, documents: [doc] }),
    );
    expect(ok.status).toBe(200);
    const again = conforms(
      'post',
      '/data/insert/batch',
      await request(api.app)
        .post('/data/insert/batch')
        .send({ account_name: account, documents: [doc] }),
    );
    expect(again.body.results[0]).toMatchObject({ success: false, error_code: 'already_exists' });
    const invalid = conforms(
      'post',
      '/data/insert/batch',
      await request(api.app).post('/data/insert/batch').send({ account_name: 'bad name', documents: [] }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.length).toBeGreaterThan(0);
    const malformed = conforms(
      'post',
      '/data/insert/batch',
      await request(api.app).post('/data/insert/batch').set('Content-Type', 'application/json').send('{"account_name":'),
    );
    expect(malformed.status).toBe(400);
    const wrongType = conforms(
      'post',
      '/data/insert/batch',
      await request(api.app).post('/data/insert/batch').set('Content-Type', 'text/plain').send('hello'),
    );
    expect(wrongType.status).toBe(415);
  });

  it('the job endpoints through a whole job: create, replay, status, results, stream, cancel', async () => {
    const account = uniqueAccount('oas');
    const body = { account_name: account, documents: makeDocuments(12, { prefix: 'oas-job' }) };
    // one document of the batch exists already: a per-document failure in the results
    await request(api.app)
      .post('/data/insert/batch')
      .send({ account_name: account, documents: [body.documents[0]] })
      .expect(200);
    const key = `oas-${account}`;
    const created = conforms(
      'post',
      '/job/batch-insert',
      await request(api.app).post('/job/batch-insert').set('Idempotency-Key', key).send(body),
    );
    expect(created.status).toBe(202);
    const jobId = created.body.job_id as string;
    expect(
      conforms('post', '/job/batch-insert', await request(api.app).post('/job/batch-insert').set('Idempotency-Key', key).send(body)).status,
    ).toBe(200);
    expect(
      conforms(
        'post',
        '/job/batch-insert',
        await request(api.app)
          .post('/job/batch-insert')
          .set('Idempotency-Key', key)
          .send({ ...body, documents: body.documents.slice(1) }),
      ).status,
    ).toBe(422);
    expect(
      conforms('post', '/job/batch-insert', await request(api.app).post('/job/batch-insert').set('Idempotency-Key', 'not valid').send(body))
        .status,
    ).toBe(400);
    expect(conforms('post', '/job/batch-insert', await request(api.app).post('/job/batch-insert').send({ documents: 'x' })).status).toBe(
      400,
    );

    conforms('get', '/job/{job_id}', await request(api.app).get(`/job/${jobId}`));
    // The stream of a job closes after its end event, so supertest can read it whole.
    const stream = conforms('get', '/job/{job_id}/stream', await request(api.app).get(`/job/${jobId}/stream`).buffer(true).parse(readText));
    const events = sseEvents(stream.body as string);
    expect(events[events.length - 1]!.event).toBe('end');
    for (const event of events) {
      const errors = validator.errors(schemaOf(event.event === 'end' ? 'JobStatus' : 'JobStreamState'), event.data);
      if (errors.length > 0)
        throw new Error(`stream event ${event.event} does not match:\n${errors.join('\n')}\n${JSON.stringify(event.data)}`);
    }
    expect(
      conforms('get', '/job/{job_id}/stream', await request(api.app).get('/job/00000000-0000-4000-8000-000000000000/stream')).status,
    ).toBe(404);

    const { job } = await waitForFinal(api.app, jobId);
    expect(job.progress).toMatchObject({ success_count: 11, failure_count: 1 });
    const final = conforms('get', '/job/{job_id}', await request(api.app).get(`/job/${jobId}`));
    expect(final.body.results[0]).toMatchObject({ success: false, error_code: 'already_exists' });
    expect(conforms('get', '/job/{job_id}', await request(api.app).get('/job/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    const page = conforms('get', '/job/{job_id}/results', await request(api.app).get(`/job/${jobId}/results`).query({ limit: '5' }));
    expect(page.body.next_cursor).toBe('4');
    conforms(
      'get',
      '/job/{job_id}/results',
      await request(api.app).get(`/job/${jobId}/results`).query({ cursor: '4', status: 'succeeded' }),
    );
    expect(conforms('get', '/job/{job_id}/results', await request(api.app).get(`/job/${jobId}/results`).query({ limit: '0' })).status).toBe(
      400,
    );
    expect(
      conforms('get', '/job/{job_id}/results', await request(api.app).get('/job/00000000-0000-4000-8000-000000000000/results')).status,
    ).toBe(404);

    const deliveries = conforms('get', '/job/{job_id}/webhook-deliveries', await request(api.app).get(`/job/${jobId}/webhook-deliveries`));
    expect(deliveries.body).toEqual({ job_id: jobId, webhook_url: null, deliveries: [] });
    expect(
      conforms(
        'get',
        '/job/{job_id}/webhook-deliveries',
        await request(api.app).get('/job/00000000-0000-4000-8000-000000000000/webhook-deliveries'),
      ).status,
    ).toBe(404);
    expect(conforms('delete', '/job/{job_id}', await request(api.app).delete(`/job/${jobId}`)).status).toBe(409);
    expect(conforms('delete', '/job/{job_id}', await request(api.app).delete('/job/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
    const big = await request(api.app)
      .post('/job/batch-insert')
      .send({ account_name: account, documents: makeDocuments(200, { prefix: 'oas-big' }) })
      .expect(202);
    const cancelled = conforms(
      'delete',
      '/job/{job_id}',
      await request(api.app).delete(`/job/${big.body.job_id}`).query({ rollback: 'true' }),
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    conforms('get', '/job/{job_id}', await request(api.app).get(`/job/${big.body.job_id}`));
  });

  it('a living corpus: on_existing and dry runs, a delete job with its receipt, retry of the failed documents, and their errors', async () => {
    const account = uniqueAccount('oas');
    const documents = makeDocuments(40, { prefix: 'oas-living' });
    const [first] = documents;
    const inserted = conforms(
      'post',
      '/data/insert/batch',
      await request(api.app)
        .post('/data/insert/batch')
        .send({ account_name: account, documents: [first] }),
    );
    expect(inserted.body.results[0]).toMatchObject({ success: true, action: 'inserted' });
    const unchanged = conforms(
      'post',
      '/data/insert/batch',
      await request(api.app)
        .post('/data/insert/batch')
        .send({ account_name: account, documents: [first], on_existing: 'skip_unchanged' }),
    );
    expect(unchanged.body.results[0]).toMatchObject({ success: true, action: 'unchanged' });
    const metadata = conforms(
      'post',
      '/data/insert/batch',
      await request(api.app)
        .post('/data/insert/batch')
        .send({ account_name: account, documents: [{ ...first, metadata: { title: '새 제목' } }], on_existing: 'skip_unchanged' }),
    );
    expect(metadata.body.results[0]).toMatchObject({ success: true, action: 'metadata_updated' });
    const replaced = conforms(
      'post',
      '/data/insert/batch',
      await request(api.app)
        .post('/data/insert/batch')
        .send({ account_name: account, documents: [first], on_existing: 'replace' }),
    );
    expect(replaced.body.results[0]).toMatchObject({ success: true, action: 'replaced' });
    expect(
      conforms(
        'post',
        '/data/insert/batch',
        await request(api.app)
          .post('/data/insert/batch')
          .send({ account_name: account, documents: [first], on_existing: 'overwrite' }),
      ).status,
    ).toBe(400);

    const dryBody = { account_name: account, documents: [first, documents[1], first], dry_run: true };
    for (const path of ['/data/insert/batch', '/job/batch-insert']) {
      const dry = conforms('post', path, await request(api.app).post(path).send(dryBody));
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({
        dry_run: true,
        on_existing: 'fail',
        total_documents: 3,
        summary: { already_exists: 1, insert: 1, duplicate_in_request: 1 },
      });
      const skip = conforms(
        'post',
        path,
        await request(api.app)
          .post(path)
          .send({ ...dryBody, on_existing: 'skip_unchanged' }),
      );
      expect(skip.body.results.map((r: { action: string }) => r.action)).toEqual(['skip', 'insert', 'duplicate_in_request']);
    }

    // the first document exists: a per-document already_exists to retry later
    const created = conforms(
      'post',
      '/job/batch-insert',
      await request(api.app).post('/job/batch-insert').send({ account_name: account, documents }),
    );
    expect(created.body).toMatchObject({ kind: 'insert', status: 'pending', total_documents: 40 });
    const insertJob = created.body.job_id as string;
    const early = conforms('post', '/job/{job_id}/retry', await request(api.app).post(`/job/${insertJob}/retry`));
    expect([early.status, early.body.error.code]).toEqual([409, 'job_not_finished']);
    const { job: ended } = await waitForFinal(api.app, insertJob);
    expect(ended.progress).toMatchObject({ success_count: 39, failure_count: 1 });
    const endedView = conforms('get', '/job/{job_id}', await request(api.app).get(`/job/${insertJob}`));
    expect(endedView.body).toMatchObject({ kind: 'insert', on_existing: 'fail' });
    expect(endedView.body.results[0]).toMatchObject({ success: false, error_code: 'already_exists' });
    expect(endedView.body.results[1]).toMatchObject({ success: true, action: 'inserted' });

    const deleteBody = {
      account_name: account,
      chat_bot_id: 'bot001',
      content_names: [first!.content_name, 'https://example.com/never-stored'],
    };
    const deleteKey = `oas-delete-${account}`;
    const deleting = conforms(
      'post',
      '/job/batch-delete',
      await request(api.app).post('/job/batch-delete').set('Idempotency-Key', deleteKey).send(deleteBody),
    );
    expect(deleting.status).toBe(202);
    expect(deleting.body).toMatchObject({ kind: 'delete', total_documents: 2 });
    const deleteJob = deleting.body.job_id as string;
    const replayed = conforms(
      'post',
      '/job/batch-delete',
      await request(api.app).post('/job/batch-delete').set('Idempotency-Key', deleteKey).send(deleteBody),
    );
    expect([replayed.status, replayed.body.job_id]).toEqual([200, deleteJob]);
    expect(
      conforms(
        'post',
        '/job/batch-delete',
        await request(api.app).post('/job/batch-delete').set('Idempotency-Key', deleteKey).send({ account_name: account }),
      ).status,
    ).toBe(422);
    expect(
      conforms(
        'post',
        '/job/batch-delete',
        await request(api.app).post('/job/batch-delete').send({ account_name: account, content_names: [] }),
      ).status,
    ).toBe(400);
    expect(
      conforms('post', '/job/batch-delete', await request(api.app).post('/job/batch-delete').set('Content-Type', 'text/plain').send('x'))
        .status,
    ).toBe(415);
    await waitForFinal(api.app, deleteJob);
    const receipt = conforms('get', '/job/{job_id}', await request(api.app).get(`/job/${deleteJob}`));
    expect(receipt.body).toMatchObject({
      kind: 'delete',
      status: 'completed',
      receipt: {
        scope: { chat_bot_id: 'bot001' },
        documents_before: 1,
        documents_deleted: 1,
        not_found: 1,
        documents_after: 0,
        vectors_after: 0,
      },
    });
    expect(receipt.body.results.map((r: { action: string }) => r.action)).toEqual(['deleted', 'not_found']);
    const deleteStream = conforms(
      'get',
      '/job/{job_id}/stream',
      await request(api.app).get(`/job/${deleteJob}/stream`).buffer(true).parse(readText),
    );
    const end = sseEvents(deleteStream.body as string).pop()!;
    expect(end.event).toBe('end');
    expect(validator.errors(schemaOf('JobStatus'), end.data)).toEqual([]);
    expect(end.data).toMatchObject({ kind: 'delete', receipt: { documents_deleted: 1 } });
    const page = conforms('get', '/job/{job_id}/results', await request(api.app).get(`/job/${deleteJob}/results`));
    expect(page.body.results).toHaveLength(2);
    const noRollback = conforms('delete', '/job/{job_id}', await request(api.app).delete(`/job/${deleteJob}`).query({ rollback: 'true' }));
    expect([noRollback.status, noRollback.body.error.code]).toEqual([409, 'rollback_not_possible']);
    const notRetryable = conforms('post', '/job/{job_id}/retry', await request(api.app).post(`/job/${deleteJob}/retry`));
    expect([notRetryable.status, notRetryable.body.error.code]).toEqual([409, 'not_retryable']);

    // the document that failed as already existing is gone now: its retry inserts it
    const retryKey = `oas-retry-${account}`;
    const retried = conforms(
      'post',
      '/job/{job_id}/retry',
      await request(api.app).post(`/job/${insertJob}/retry`).set('Idempotency-Key', retryKey),
    );
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ kind: 'insert', total_documents: 1, retry_of: insertJob });
    const again = conforms(
      'post',
      '/job/{job_id}/retry',
      await request(api.app).post(`/job/${insertJob}/retry`).set('Idempotency-Key', retryKey),
    );
    expect([again.status, again.body.job_id]).toEqual([200, retried.body.job_id]);
    expect(
      conforms('post', '/job/{job_id}/retry', await request(api.app).post(`/job/${insertJob}/retry`).set('Idempotency-Key', 'not valid'))
        .status,
    ).toBe(400);
    await waitForFinal(api.app, retried.body.job_id);
    const retryView = conforms('get', '/job/{job_id}', await request(api.app).get(`/job/${retried.body.job_id}`));
    expect(retryView.body).toMatchObject({ status: 'completed', retry_of: insertJob, on_existing: 'fail', progress: { success_count: 1 } });
    expect(retryView.body.results[0]).toMatchObject({ content_name: first!.content_name, action: 'inserted' });
    const nothing = conforms('post', '/job/{job_id}/retry', await request(api.app).post(`/job/${retried.body.job_id}/retry`));
    expect([nothing.status, nothing.body.error.code]).toEqual([409, 'nothing_to_retry']);
    expect(
      conforms('post', '/job/{job_id}/retry', await request(api.app).post('/job/00000000-0000-4000-8000-000000000000/retry')).status,
    ).toBe(404);
  }, 180_000);

  it('POST /search: results, no results, and the errors', async () => {
    const account = uniqueAccount('oas');
    const documents = makeDocuments(2, { prefix: 'oas-search' });
    await request(api.app).post('/data/insert/batch').send({ account_name: account, documents }).expect(200);
    const found = conforms(
      'post',
      '/search',
      await request(api.app).post('/search').send({ account_name: account, query: 'retrieval-augmented generation', top_k: 3 }),
    );
    expect(found.status).toBe(200);
    expect(found.body.results).toHaveLength(3);
    for (const result of found.body.results as Array<{ content_name: string; metadata: unknown }>) {
      expect(result.metadata).toEqual(documents.find((d) => d.content_name === result.content_name)!.metadata);
    }
    const filtered = conforms(
      'post',
      '/search',
      await request(api.app)
        .post('/search')
        .send({
          account_name: account,
          query: '검색',
          chat_bot_id: 'bot001',
          content_names: [documents[1]!.content_name],
          score_threshold: -1,
        }),
    );
    expect(filtered.body.results.map((r: { content_name: string }) => r.content_name)).toEqual([
      documents[1]!.content_name,
      documents[1]!.content_name,
    ]);
    const none = conforms(
      'post',
      '/search',
      await request(api.app)
        .post('/search')
        .send({ account_name: uniqueAccount('oas_empty'), query: 'anything' }),
    );
    expect(none.body).toEqual({ results: [] });
    const invalid = conforms(
      'post',
      '/search',
      await request(api.app).post('/search').send({ account_name: account, query: '', top_k: 51 }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.map((d: { field: string }) => d.field)).toEqual(['query', 'top_k']);
    expect(conforms('post', '/search', await request(api.app).post('/search').set('Content-Type', 'text/plain').send('bread')).status).toBe(
      415,
    );
    expect(
      conforms(
        'post',
        '/search',
        await request(api.app)
          .post('/search')
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ account_name: account, query: 'x'.repeat(1_100_000) })),
      ).status,
    ).toBe(413);
  });

  it('exercised every documented operation', () => {
    const documented = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect([...exercised].sort()).toEqual(documented.sort());
  });
});
