import { DependencyError, EmbeddingRejectedError } from '@nonstop/core';
import type { EmbeddingRetryReason } from '../src/embedder-hooks';
import { OpenAiEmbedder, type OpenAiEmbedderConfig } from '../src/openai-embedder';
import { fixedVector, startStandInEmbeddingServer, type StandInEmbeddingServer } from '../src/testing';

/**
 * The OpenAI-compatible client against the stand-in server: the faults here
 * (429 with Retry-After, 5xx, a hang, a 400 for one input) cannot be caused on
 * a real service on demand.
 */

const DIMENSION = 8;
const servers: StandInEmbeddingServer[] = [];

async function standIn(options: Parameters<typeof startStandInEmbeddingServer>[0] = {}): Promise<StandInEmbeddingServer> {
  const server = await startStandInEmbeddingServer({ dimension: DIMENSION, ...options });
  servers.push(server);
  return server;
}

function configFor(url: string, overrides: Partial<OpenAiEmbedderConfig> = {}): OpenAiEmbedderConfig {
  return {
    baseUrl: url,
    model: 'stand-in-model',
    apiKey: undefined,
    batchSize: 4,
    concurrency: 2,
    dimension: DIMENSION,
    timeoutMs: 2_000,
    maxRetries: 3,
    ...overrides,
  };
}

/** No jitter wait, so retry tests are fast; Retry-After still applies. */
const noJitter = { random: () => 0 };

function recordRetries(): { reasons: EmbeddingRetryReason[]; hooks: { onRetry(reason: EmbeddingRetryReason): void } } {
  const reasons: EmbeddingRetryReason[] = [];
  return { reasons, hooks: { onRetry: (reason) => reasons.push(reason) } };
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('OpenAiEmbedder against the stand-in server', () => {
  it('discovers the dimension with one probe, asks for base64 and sends the API key', async () => {
    const server = await standIn();
    const embedder = await OpenAiEmbedder.create(configFor(server.url, { dimension: undefined, apiKey: 'sk-test' }));
    expect(embedder.dimension).toBe(DIMENSION);
    expect(embedder.model).toBe('stand-in-model');
    expect(server.requests.count).toBe(1);

    const vectors = await embedder.embed(['alpha', 'beta']);
    expect(vectors).toEqual([fixedVector('alpha', DIMENSION), fixedVector('beta', DIMENSION)]);
    expect(server.requests.encodingFormats).toEqual(['base64', 'base64']);
    expect(server.requests.authorization).toEqual(['Bearer sk-test', 'Bearer sk-test']);
  });

  it('waits out a 429 Retry-After, then succeeds', async () => {
    const server = await standIn({ failFirst: { count: 1, status: 429, retryAfterSeconds: 1 } });
    const { reasons, hooks } = recordRetries();
    const embedder = await OpenAiEmbedder.create(configFor(server.url), { ...noJitter, hooks });
    const started = Date.now();
    const vectors = await embedder.embed(['one']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(vectors).toEqual([fixedVector('one', DIMENSION)]);
    expect(server.requests.count).toBe(2);
    expect(reasons).toEqual(['rate_limited']);
  });

  it('retries a 500 twice, then succeeds', async () => {
    const server = await standIn({ failFirst: { count: 2, status: 500 } });
    const { reasons, hooks } = recordRetries();
    const embedder = await OpenAiEmbedder.create(configFor(server.url), { ...noJitter, hooks });
    expect(await embedder.embed(['one', 'two'])).toEqual([fixedVector('one', DIMENSION), fixedVector('two', DIMENSION)]);
    expect(server.requests.count).toBe(3);
    expect(reasons).toEqual(['server_error', 'server_error']);
  });

  it('times out a hung request, retries it, and gives up with DependencyError after maxRetries', async () => {
    const server = await standIn({ hang: true });
    const { reasons, hooks } = recordRetries();
    const embedder = await OpenAiEmbedder.create(configFor(server.url, { timeoutMs: 300, maxRetries: 2 }), { ...noJitter, hooks });
    const error = await embedder.embed(['stuck']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).dependency).toBe('embedding');
    // DependencyError cuts addresses from what tenants see (core/errors.ts).
    expect((error as Error).message).toBe(
      'Embedding service at http://<address>/v1/embeddings unavailable after 3 attempts: no response within 300 ms',
    );
    expect(server.requests.count).toBe(3);
    expect(reasons).toEqual(['timeout', 'timeout']);
  });

  it('turns a 400 into EmbeddingRejectedError with the server message, without retrying', async () => {
    const server = await standIn({ rejectTextsContaining: 'FORBIDDEN' });
    const { reasons, hooks } = recordRetries();
    const embedder = await OpenAiEmbedder.create(configFor(server.url), { ...noJitter, hooks });
    const error = await embedder.embed(['fine', 'this is FORBIDDEN']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingRejectedError);
    expect((error as EmbeddingRejectedError).status).toBe(400);
    expect((error as Error).message).toContain('Input contains the forbidden text "FORBIDDEN"');
    expect(server.requests.count).toBe(1);
    expect(reasons).toEqual([]);
  });

  it('treats 401 as a configuration failure of the whole service (DependencyError), without retrying', async () => {
    const server = await standIn({ failFirst: { count: 100, status: 401 } });
    const embedder = await OpenAiEmbedder.create(configFor(server.url), noJitter);
    const error = await embedder.embed(['text']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as Error).message).toContain('HTTP 401');
    expect(server.requests.count).toBe(1);
  });

  it('keeps input order across batches run concurrently, within the concurrency limit', async () => {
    const server = await standIn({ delayMs: 30, shuffleResponse: true });
    const embedder = await OpenAiEmbedder.create(configFor(server.url, { batchSize: 4, concurrency: 3 }));
    const texts = Array.from({ length: 50 }, (_, i) => `text number ${i}`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toEqual(texts.map((text) => fixedVector(text, DIMENSION)));
    expect(server.requests.count).toBe(13);
    expect(server.requests.inputs.flat().sort()).toEqual([...texts].sort());
    expect(server.requests.maxInFlight).toBe(3);
  });

  it('applies the concurrency limit across simultaneous embed calls', async () => {
    const server = await standIn({ delayMs: 30 });
    const embedder = await OpenAiEmbedder.create(configFor(server.url, { batchSize: 1, concurrency: 2 }));
    await Promise.all([embedder.embed(['a', 'b', 'c']), embedder.embed(['d', 'e', 'f'])]);
    expect(server.requests.count).toBe(6);
    expect(server.requests.maxInFlight).toBe(2);
  });

  it('retries when the service cannot be reached at all, then reports it', async () => {
    const server = await standIn();
    await server.close();
    const { reasons, hooks } = recordRetries();
    const embedder = await OpenAiEmbedder.create(configFor(server.url, { maxRetries: 1 }), { ...noJitter, hooks });
    await expect(embedder.embed(['text'])).rejects.toThrow(/unavailable after 2 attempts: fetch failed \(ECONNREFUSED\)/);
    expect(reasons).toEqual(['network']);
  });

  it('rejects a response of the wrong dimension at once: a misconfiguration, not a transient fault', async () => {
    const server = await standIn({ dimension: DIMENSION + 1 });
    const embedder = await OpenAiEmbedder.create(configFor(server.url), noJitter);
    await expect(embedder.embed(['text'])).rejects.toThrow(/returned an unusable response: embedding 0 has 9 dimensions, expected 8/);
    expect(server.requests.count).toBe(1);
  });

  it("stops waiting when the caller aborts, with the caller's reason", async () => {
    const server = await standIn({ failFirst: { count: 100, status: 503, retryAfterSeconds: 30 } });
    const embedder = await OpenAiEmbedder.create(configFor(server.url), noJitter);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('document deadline')), 200);
    await expect(embedder.embed(['text'], controller.signal)).rejects.toThrow('document deadline');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests.count).toBe(1);
  });

  it('stops the other batches when one is rejected', async () => {
    const server = await standIn({ rejectTextsContaining: 'BAD', delayMs: 20 });
    const embedder = await OpenAiEmbedder.create(configFor(server.url, { batchSize: 1, concurrency: 1 }));
    const texts = ['BAD', ...Array.from({ length: 20 }, (_, i) => `ok ${i}`)];
    await expect(embedder.embed(texts)).rejects.toBeInstanceOf(EmbeddingRejectedError);
    expect(server.requests.count).toBe(1);
  });

  it('makes no request for an empty list', async () => {
    const server = await standIn();
    const embedder = await OpenAiEmbedder.create(configFor(server.url));
    expect(await embedder.embed([])).toEqual([]);
    expect(server.requests.count).toBe(0);
  });

  it('tells passages from queries as EMBEDDING_INPUT_ROLES says: not at all, e5 prefixes in the text, or input_type', async () => {
    const server = await standIn();
    const embedderWith = (inputRoles?: OpenAiEmbedderConfig['inputRoles']) => OpenAiEmbedder.create(configFor(server.url, { inputRoles }));

    const plain = await embedderWith(undefined);
    expect(await plain.embedQueries(['질문'])).toEqual(await plain.embed(['질문']));
    const prefixed = await embedderWith('e5_prefix');
    await prefixed.embed(['문서', 'doc']);
    await prefixed.embedQueries(['질문']);
    const typed = await embedderWith('input_type');
    await typed.embed(['문서']);
    await typed.embedQueries(['질문']);

    expect(server.requests.inputs).toEqual([['질문'], ['질문'], ['passage: 문서', 'passage: doc'], ['query: 질문'], ['문서'], ['질문']]);
    expect(server.requests.inputTypes).toEqual([undefined, undefined, undefined, undefined, 'passage', 'query']);
  });

  it('sends passages and queries composed (NFC): decomposed Hangul, as macOS writes it, reaches the model as typed elsewhere', async () => {
    const server = await standIn();
    const embedder = await OpenAiEmbedder.create(configFor(server.url, { inputRoles: 'e5_prefix' }));
    const [passage, query] = ['환불은 7일 안에 됩니다', '환불 기간이 궁금해요'];
    expect(passage.normalize('NFD')).not.toBe(passage);
    await embedder.embed([passage.normalize('NFD'), 'café'.normalize('NFD')]);
    await embedder.embedQueries([query.normalize('NFD')]);
    expect(server.requests.inputs).toEqual([[`passage: ${passage}`, 'passage: café'], [`query: ${query}`]]);
  });

  it('sends the dimension probe as a passage', async () => {
    const server = await standIn();
    await OpenAiEmbedder.create(configFor(server.url, { dimension: undefined, inputRoles: 'input_type' }));
    expect(server.requests.inputTypes).toEqual(['passage']);
  });
});
