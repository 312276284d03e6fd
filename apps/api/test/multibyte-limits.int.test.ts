import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { DocumentInput } from '@nonstop/core';
import { startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness, waitForFinal } from '../../../test/support/job-harness';
import {
  ASTRAL_EMOJI,
  fillToBytes,
  HANGUL,
  metadataOfBytes,
  MULTIBYTE_SCRIPTS,
  splitCodePoints,
  variedAscii,
  variedText,
  VISIBLE_ASCII,
  type Script,
} from '../../../test/support/multibyte-text';
import { StoreInspector, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';
import { MAX_CONTENT_NAME_LENGTH, MAX_IDENTIFIER_LENGTH, MAX_WEBHOOK_URL_LENGTH } from '../src/validation/batch-insert.dto';

/**
 * Issue 10: every documented length limit holds for its worst-case UTF-8
 * input. Here each value sits exactly at its limit in Hangul (3 bytes a
 * character) or astral emoji (4 bytes, 2 UTF-16 units: limits count code
 * points) and must be accepted and stored byte for byte, through both POST
 * endpoints; one past the limit is a 400 naming the field (also in the
 * hostile corpus, at its own smaller limits). Real worker process,
 * PostgreSQL, Milvus and model.
 *
 * The limits are the documented defaults, except the body byte limits: a
 * 200 MB body (MAX_JOB_BODY_BYTES) costs gigabytes of memory in this test
 * process, and a body at 10 MiB (MAX_SYNC_BODY_BYTES) fills 1,000 chunks with
 * ~3,500 characters each, which the default multilingual model reads 512
 * tokens of at up to ~1.5 s a chunk (25 minutes a case on 2 cores; random
 * Hangul and emoji cost the model 1-3 tokens a character). So the job
 * endpoint's limit is 10 MiB here, and the two bodies of exactly the byte
 * limit go to an API of their own whose limits are 16 KiB a body and 100
 * chunks a document (the same parser and checks, other numbers: 1,000 chunks
 * of 64 KiB still took minutes, and timed out, on a busy 2-core machine). A
 * document's chunks are one embedding call, which may outlast
 * DOCUMENT_TIMEOUT_MS's 30 s there (README, Known limits), and one request of
 * 16 chunks of a few hundred tokens each EMBEDDING_TIMEOUT_MS's 30 s: the time
 * limits are raised too, since this file is about bytes, not time.
 */
const MiB = 1024 * 1024;
const BODY_LIMIT_BYTES = 16 * 1024;
const CHUNKS_LIMIT = 100;
const WEBHOOK_SECRET = 'whsec_multibyte_limits_0123456789';

interface Fingerprint {
  characters: number;
  bytes: number;
  sha256: string;
}

/** Characters (code points), bytes and digest of a value as the client sent it... */
function fingerprint(value: string): Fingerprint {
  return {
    characters: Array.from(value).length,
    bytes: Buffer.byteLength(value, 'utf8'),
    sha256: createHash('sha256').update(value, 'utf8').digest('hex'),
  };
}

/** ...and the same three read by PostgreSQL from what it stored. */
const stored = (column: string): string =>
  `json_build_object('characters', char_length(${column}), 'bytes', octet_length(${column}), 'sha256', encode(sha256(convert_to(${column}, 'UTF8')), 'hex'))`;

/** A local webhook receiver that takes request lines far longer than Node's default 16 KiB (a 2,048-emoji path is 24 KiB percent-encoded). */
function startReceiver(): Promise<{ url: string; paths: string[]; close: () => Promise<void> }> {
  const paths: string[] = [];
  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      paths.push(decodeURIComponent(req.url ?? ''));
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        paths,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

describe('documented length limits at their costliest UTF-8, through both POST endpoints', () => {
  const harness = new JobHarness({
    MAX_JOB_BODY_BYTES: String(10 * MiB),
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_SECRET,
    WEBHOOK_BACKOFF_MS: '200',
    DOCUMENT_TIMEOUT_MS: '240000',
    SYNC_REQUEST_TIMEOUT_MS: '240000',
    EMBEDDING_TIMEOUT_MS: '240000',
  });
  const config = testConfig(harness.env);
  const { limits } = config;
  let api: InProcessApi;
  let stores: StoreInspector;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    api = await startInProcessApi(config);
    stores = new StoreInspector(config);
    harness.startWorker();
  });
  afterAll(async () => {
    await harness.stopAll();
    await api.close();
    await stores.close();
    await receiver.close();
  });

  it('runs at the documented default limits (MAX_JOB_BODY_BYTES lowered to 10 MiB)', () => {
    expect({ MAX_IDENTIFIER_LENGTH, MAX_CONTENT_NAME_LENGTH, MAX_WEBHOOK_URL_LENGTH }).toEqual({
      MAX_IDENTIFIER_LENGTH: 128,
      MAX_CONTENT_NAME_LENGTH: 2048,
      MAX_WEBHOOK_URL_LENGTH: 2048,
    });
    expect(limits).toMatchObject({
      maxDocumentsPerRequest: 100,
      maxChunkTextLength: 20_000,
      maxMetadataBytes: 16 * 1024,
      maxChunksPerDocument: 1000,
      maxSyncBodyBytes: 10 * MiB,
      maxJobBodyBytes: 10 * MiB,
    });
  });

  /** A 128-character account of its own: identifiers are ASCII only, so ASCII is their costliest form. */
  const accountAtLimit = (): string => variedAscii(`${uniqueAccount('mb')}_`, MAX_IDENTIFIER_LENGTH);

  /** One document with every per-field value exactly at its limit in `script`. */
  function documentAtLimits(script: Script, seed: number): DocumentInput {
    return {
      chat_bot_id: variedAscii('bot_', MAX_IDENTIFIER_LENGTH, undefined, seed),
      content_name: variedText(script, MAX_CONTENT_NAME_LENGTH, seed),
      chunks: [0, 1].map((i) => ({ chunk_index: i, text: variedText(script, limits.maxChunkTextLength, seed * 10 + i) })),
      metadata: metadataOfBytes(script, limits.maxMetadataBytes, seed),
    };
  }

  /** Every stored value of the account's documents, read back from PostgreSQL and compared with what was sent. */
  async function expectStoredByteForByte(account: string, sent: DocumentInput[]): Promise<void> {
    const { rows } = await stores.pool.query(
      `SELECT d.account_name, d.chat_bot_id, ${stored('d.content_name')} AS content_name, d.metadata,
              (SELECT json_agg(json_build_object('key', ${stored('m.key')}, 'value', ${stored('m.value')})) FROM jsonb_each_text(d.metadata) m) AS metadata_entries,
              (SELECT json_agg(json_build_object('chunk_index', c.chunk_index, 'text', ${stored('c.text')}) ORDER BY c.chunk_index)
                 FROM document_chunks c WHERE c.document_id = d.id) AS chunks
         FROM documents d WHERE d.account_name = $1 ORDER BY d.chat_bot_id`,
      [account],
    );
    const expected = [...sent]
      .sort((a, b) => (a.chat_bot_id < b.chat_bot_id ? -1 : 1))
      .map((doc) => ({
        account_name: account,
        chat_bot_id: doc.chat_bot_id,
        content_name: fingerprint(doc.content_name),
        metadata: doc.metadata ?? {},
        metadata_entries: Object.entries(doc.metadata ?? {}).map(([key, value]) => ({
          key: fingerprint(key),
          value: fingerprint(String(value)),
        })),
        chunks: doc.chunks.map((chunk) => ({ chunk_index: chunk.chunk_index, text: fingerprint(chunk.text) })),
      }));
    expect(rows).toEqual(expected);
    const chunkIds = await stores.chunkIds(account);
    expect(chunkIds).toHaveLength(sent.reduce((n, doc) => n + doc.chunks.length, 0));
    expect(await stores.vectorChunkIds(account)).toEqual(chunkIds);
  }

  /** Documents and jobs (synchronous ones included: each is staged as a job) of an account. */
  async function heldBy(account: string): Promise<{ documents: number; jobs: number }> {
    const {
      rows: [row],
    } = await stores.pool.query(
      `SELECT (SELECT count(*)::int FROM documents WHERE account_name = $1) AS documents, (SELECT count(*)::int FROM ingest_jobs WHERE account_name = $1) AS jobs`,
      [account],
    );
    return row;
  }

  describe.each(MULTIBYTE_SCRIPTS.map((script) => [script.name, script] as const))(
    '%s: every per-field value at its limit',
    (_name, script) => {
      const seed = script.first;

      it('POST /data/insert/batch stores each value byte for byte, with a vector for every chunk', async () => {
        const account = accountAtLimit();
        const document = documentAtLimits(script, seed);
        const res = await request(api.app)
          .post('/data/insert/batch')
          .send({ account_name: account, documents: [document] });
        expect({ status: res.status, error: res.body.error }).toEqual({ status: 200, error: undefined });
        expect(res.body).toMatchObject({ total_documents: 1, success_count: 1, failure_count: 0 });
        expect(res.body.results[0]).toMatchObject({ status: 'succeeded', chunks_count: 2, chat_bot_id: document.chat_bot_id });
        expect(fingerprint(res.body.results[0].content_name)).toEqual(fingerprint(document.content_name));
        await expectStoredByteForByte(account, [document]);
      });

      it('POST /job/batch-insert completes with the document succeeded and stored byte for byte; webhook_url and Idempotency-Key at theirs', async () => {
        const account = accountAtLimit();
        const document = documentAtLimits(script, seed + 1);
        const hookPath = `/hook/${script.bytesPerCharacter}/`;
        const webhookUrl = `${receiver.url}${hookPath}${variedText(script, MAX_WEBHOOK_URL_LENGTH - receiver.url.length - hookPath.length, seed)}`;
        expect(Array.from(webhookUrl)).toHaveLength(MAX_WEBHOOK_URL_LENGTH);
        const idempotencyKey = variedAscii('k', 255, VISIBLE_ASCII, seed);
        const body = { account_name: account, documents: [document], webhook_url: webhookUrl };

        const created = await request(api.app).post('/job/batch-insert').set('Idempotency-Key', idempotencyKey).send(body);
        expect({ status: created.status, error: created.body.error }).toEqual({ status: 202, error: undefined });
        const jobId = created.body.job_id as string;
        const { job } = await waitForFinal(api.app, jobId, 90_000);
        expect(job).toMatchObject({ status: 'completed', progress: { total_documents: 1, success_count: 1, failure_count: 0 } });
        const [result] = job.results as Array<{ status: string; content_name: string }>;
        expect(result?.status).toBe('succeeded');
        expect(fingerprint(result!.content_name)).toEqual(fingerprint(document.content_name));
        await expectStoredByteForByte(account, [document]);

        const {
          rows: [row],
        } = await stores.pool.query(
          `SELECT ${stored('webhook_url')} AS webhook_url, idempotency_key,
                (SELECT json_agg(json_build_object('status', status, 'content_name', ${stored('content_name')})) FROM job_documents WHERE job_id = j.id) AS ledger
           FROM ingest_jobs j WHERE id = $1`,
          [jobId],
        );
        expect(row).toEqual({
          webhook_url: fingerprint(webhookUrl),
          idempotency_key: idempotencyKey,
          ledger: [{ status: 'succeeded', content_name: fingerprint(document.content_name) }],
        });
        const replay = await request(api.app).post('/job/batch-insert').set('Idempotency-Key', idempotencyKey).send(body).expect(200);
        expect(replay.body.job_id).toBe(jobId);
        // The webhook reaches the exact path (percent-encoded on the wire).
        const delivered = await waitFor(
          'the webhook',
          async () => receiver.paths.find((path) => path === webhookUrl.slice(receiver.url.length)),
          30_000,
          100,
        );
        expect(fingerprint(delivered)).toEqual(fingerprint(webhookUrl.slice(receiver.url.length)));
      });
    },
  );

  it.each(['/data/insert/batch', '/job/batch-insert'])(
    'POST %s: MAX_DOCUMENTS_PER_REQUEST documents in one request, every content_name at its limit in Hangul or emoji, all stored byte for byte',
    async (path) => {
      const account = uniqueAccount('mb_many');
      const documents: DocumentInput[] = Array.from({ length: limits.maxDocumentsPerRequest }, (_, i) => ({
        chat_bot_id: `bot${String(i % 3).padStart(3, '0')}`,
        content_name: variedText(MULTIBYTE_SCRIPTS[i % 2]!, MAX_CONTENT_NAME_LENGTH, 7_000 + i),
        chunks: [{ chunk_index: 0, text: variedText(MULTIBYTE_SCRIPTS[(i + 1) % 2]!, 20, i) }],
      }));
      const res = await request(api.app).post(path).send({ account_name: account, documents });
      expect({ status: res.status, error: res.body.error }).toEqual({ status: path === '/job/batch-insert' ? 202 : 200, error: undefined });
      const successes =
        path === '/job/batch-insert'
          ? (await waitForFinal(api.app, res.body.job_id as string, 120_000)).job.progress.success_count
          : res.body.success_count;
      expect(successes).toBe(documents.length);
      const { rows } = await stores.pool.query(
        `SELECT chat_bot_id, ${stored('content_name')} AS content_name FROM documents WHERE account_name = $1`,
        [account],
      );
      const order = (a: { chat_bot_id: string; content_name: Fingerprint }, b: typeof a) =>
        a.content_name.sha256 < b.content_name.sha256 ? -1 : 1;
      expect(rows.sort(order)).toEqual(
        documents.map((doc) => ({ chat_bot_id: doc.chat_bot_id, content_name: fingerprint(doc.content_name) })).sort(order),
      );
      expect(await stores.vectorChunkIds(account)).toEqual(await stores.chunkIds(account));
    },
  );

  /**
   * One document of CHUNKS_LIMIT chunks (the limited API's MAX_CHUNKS_PER_DOCUMENT) whose body is exactly
   * `bytes` bytes of `script` (JSON does not escape it, so the characters
   * are spread over the chunks to fill the body).
   */
  function bodyOfBytes(account: string, script: Script, bytes: number): { json: string; document: DocumentInput } {
    const make = (filler: string): string => JSON.stringify({ account_name: account, documents: [documentOf(filler)] });
    const documentOf = (filler: string): DocumentInput => ({
      chat_bot_id: 'bot001',
      content_name: variedText(script, 64, bytes),
      chunks: splitCodePoints(filler, CHUNKS_LIMIT).map((text, i) => ({ chunk_index: i, text })),
    });
    const json = fillToBytes(make, bytes, script);
    const document = (JSON.parse(json) as { documents: DocumentInput[] }).documents[0]!;
    expect(Math.max(...document.chunks.map((chunk) => Array.from(chunk.text).length))).toBeLessThanOrEqual(limits.maxChunkTextLength);
    return { json, document };
  }

  /** Every chunk's text, concatenated in order, read from PostgreSQL; with the chunk and vector counts. */
  async function storedChunks(account: string): Promise<{ chunks: number; vectors: number; text: Fingerprint | null }> {
    const {
      rows: [row],
    } = await stores.pool.query(
      `SELECT count(*)::int AS chunks, ${stored(`string_agg(c.text, '' ORDER BY c.chunk_index)`)} AS text
         FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE d.account_name = $1`,
      [account],
    );
    return { chunks: row.chunks, vectors: (await stores.vectorChunkIds(account)).length, text: row.chunks === 0 ? null : row.text };
  }

  const limitedConfig = testConfig({
    ...harness.env,
    MAX_SYNC_BODY_BYTES: String(BODY_LIMIT_BYTES),
    MAX_JOB_BODY_BYTES: String(BODY_LIMIT_BYTES),
    MAX_CHUNKS_PER_DOCUMENT: String(CHUNKS_LIMIT),
  });
  const limitCases: Array<[endpoint: string, script: Script, limit: () => number]> = [
    ['/data/insert/batch', HANGUL, () => limitedConfig.limits.maxSyncBodyBytes],
    ['/job/batch-insert', ASTRAL_EMOJI, () => limitedConfig.limits.maxJobBodyBytes],
  ];

  describe.each(limitCases.map(([path, script, limit]) => [path, script.name, script, limit] as const))(
    'POST %s: a body of exactly the byte limit (16 KiB here) in %s, MAX_CHUNKS_PER_DOCUMENT chunks (100 here)',
    (path, _name, script, limit) => {
      const account = uniqueAccount('mb_body');
      let atLimit: ReturnType<typeof bodyOfBytes>;
      let limitedApi: InProcessApi;
      const post = (route: string, json: string) =>
        request(limitedApi.app)
          .post(route)
          .set('Content-Type', 'application/json')
          .serialize((raw: unknown) => raw as string)
          .send(json);
      beforeAll(async () => {
        expect({ bytes: limit(), chunks: limitedConfig.limits.maxChunksPerDocument }).toEqual({
          bytes: BODY_LIMIT_BYTES,
          chunks: CHUNKS_LIMIT,
        });
        atLimit = bodyOfBytes(account, script, limit());
        limitedApi = await startInProcessApi(limitedConfig);
      });
      afterAll(async () => {
        await limitedApi.close();
      });

      it('is accepted and every chunk stored byte for byte, with its vector', async () => {
        const res = await post(path, atLimit.json);
        expect({ status: res.status, error: res.body.error }).toEqual({
          status: path === '/job/batch-insert' ? 202 : 200,
          error: undefined,
        });
        if (path === '/job/batch-insert') {
          const { job } = await waitForFinal(api.app, res.body.job_id as string, 240_000);
          expect(job).toMatchObject({ status: 'completed', progress: { success_count: 1, failure_count: 0 } });
        } else {
          expect(res.body).toMatchObject({ success_count: 1, failure_count: 0, results: [{ chunks_count: CHUNKS_LIMIT }] });
        }
        expect(await storedChunks(account)).toEqual({
          chunks: CHUNKS_LIMIT,
          vectors: CHUNKS_LIMIT,
          text: fingerprint(atLimit.document.chunks.map((chunk) => chunk.text).join('')),
        });
      });

      it('one byte more is a 413 naming the limit, and nothing is stored', async () => {
        // The same body for another account (same length), one byte longer in chat_bot_id.
        const other = uniqueAccount('mb_body');
        const json = atLimit.json
          .replace(`"account_name":"${account}"`, `"account_name":"${other}"`)
          .replace('"chat_bot_id":"bot001"', '"chat_bot_id":"bot0001"');
        expect(Buffer.byteLength(json, 'utf8')).toBe(limit() + 1);
        const res = await post(path, json);
        expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 413, code: 'payload_too_large' });
        expect(res.body.error.message).toContain(`limit of ${limit()} bytes`);
        expect(await storedChunks(other)).toEqual({ chunks: 0, vectors: 0, text: null });
        expect(await heldBy(other)).toEqual({ documents: 0, jobs: 0 });
      });
    },
  );

  it.each(['/data/insert/batch', '/job/batch-insert'])(
    'POST %s: one character or byte past each default limit is a 400 naming every field, nothing stored',
    async (path) => {
      const account = uniqueAccount('mb_past');
      const documents: DocumentInput[] = Array.from({ length: 7 }, (_, i) => ({
        chat_bot_id: 'bot001',
        content_name: `doc ${i} ${variedText(HANGUL, 8, i)}`,
        chunks: [{ chunk_index: 0, text: variedText(HANGUL, 8, i) }],
      }));
      documents[0]!.content_name = variedText(HANGUL, MAX_CONTENT_NAME_LENGTH + 1);
      documents[1]!.content_name = variedText(ASTRAL_EMOJI, MAX_CONTENT_NAME_LENGTH + 1);
      documents[2]!.chunks[0]!.text = variedText(HANGUL, limits.maxChunkTextLength + 1);
      documents[3]!.chunks[0]!.text = variedText(ASTRAL_EMOJI, limits.maxChunkTextLength + 1);
      documents[4]!.metadata = metadataOfBytes(HANGUL, limits.maxMetadataBytes + 1);
      documents[5]!.metadata = metadataOfBytes(ASTRAL_EMOJI, limits.maxMetadataBytes + 1);
      documents[6]!.chunks = Array.from({ length: limits.maxChunksPerDocument + 1 }, (_, i) => ({
        chunk_index: i,
        text: variedText(ASTRAL_EMOJI, 4, i),
      }));
      const webhookPrefix = 'https://example.com/';
      const webhookUrl = webhookPrefix + variedText(HANGUL, MAX_WEBHOOK_URL_LENGTH + 1 - webhookPrefix.length);

      const res = await request(api.app).post(path).send({ account_name: account, documents, webhook_url: webhookUrl });
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      const characters = `exceeds ${MAX_CONTENT_NAME_LENGTH} characters`;
      expect(res.body.error.details).toEqual([
        { field: 'webhook_url', problem: `exceeds ${MAX_WEBHOOK_URL_LENGTH} characters` },
        { field: 'documents[0].content_name', problem: characters },
        { field: 'documents[1].content_name', problem: characters },
        { field: 'documents[2].chunks[0].text', problem: `exceeds ${limits.maxChunkTextLength} characters` },
        { field: 'documents[3].chunks[0].text', problem: `exceeds ${limits.maxChunkTextLength} characters` },
        {
          field: 'documents[4].metadata',
          problem: `exceeds ${limits.maxMetadataBytes} bytes as JSON (${limits.maxMetadataBytes + 1} bytes)`,
        },
        {
          field: 'documents[5].metadata',
          problem: `exceeds ${limits.maxMetadataBytes} bytes as JSON (${limits.maxMetadataBytes + 1} bytes)`,
        },
        {
          field: 'documents[6].chunks',
          problem: `has ${limits.maxChunksPerDocument + 1} chunks; the limit is ${limits.maxChunksPerDocument}`,
        },
      ]);
      expect(await heldBy(account)).toEqual({ documents: 0, jobs: 0 });
    },
  );
});
