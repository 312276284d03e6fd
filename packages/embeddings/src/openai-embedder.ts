import { setMaxListeners } from 'node:events';
import { abortableSleep, DependencyError, EmbeddingRejectedError } from '@nonstop/core';
import type { Embedder, EmbeddingConfig, EmbeddingInputRoles, Logger } from '@nonstop/core';
import { ConcurrencyLimiter } from './concurrency-limiter';
import type { EmbedderHooks, EmbeddingRetryReason } from './embedder-hooks';
import { InvalidEmbeddingResponseError, parseEmbeddingResponse, serverErrorMessage } from './embedding-response';
import { isConfigurationStatus, isRetryableStatus, parseRetryAfterMs, retryDelayMs } from './retry-policy';
import { splitIntoBatches } from './split-into-batches';

export type OpenAiEmbedderConfig = Pick<
  EmbeddingConfig,
  'baseUrl' | 'model' | 'apiKey' | 'batchSize' | 'concurrency' | 'dimension' | 'timeoutMs' | 'maxRetries'
> &
  /** How passages and queries are told apart; default `none` (both sent alike). */
  { inputRoles?: EmbeddingInputRoles };

/** What a text is to the model: a passage stored at ingest, or a search query. */
type InputRole = 'passage' | 'query';

/** e5's own convention, as its model card gives it. */
const E5_PREFIXES: Record<InputRole, string> = { passage: 'passage: ', query: 'query: ' };

export interface OpenAiEmbedderOptions {
  logger?: Logger;
  hooks?: EmbedderHooks;
  /** Jitter source; tests pass a fixed one. */
  random?: () => number;
}

/** A failed attempt that may succeed if repeated. */
interface RetryableFailure {
  reason: EmbeddingRetryReason;
  message: string;
  status?: number;
  retryAfterMs?: number;
}

const PROBE_TEXT = 'dimension probe';

/**
 * Client for any OpenAI-compatible `POST {baseUrl}/embeddings` (OpenAI,
 * text-embeddings-inference, vLLM, Ollama, LiteLLM, infinity).
 *
 * Failure contract (what the pipeline relies on):
 * - 429, 408, 5xx, network errors and timeouts are retried with backoff;
 *   past maxRetries they become DependencyError: the job fails, not the document.
 * - 401/403/404/405 are DependencyError at once: a key or URL problem fails
 *   every text alike, so blaming documents one by one would be wrong.
 * - Any other 4xx is EmbeddingRejectedError: the input was refused for good.
 *
 * `embed` is for passages and `embedQueries` for search queries; with
 * `inputRoles` they differ (e5's `passage: ` / `query: `), otherwise they are
 * the same call.
 */
export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  private readonly url: string;
  /** The URL without credentials or query, for messages and logs. */
  private readonly displayUrl: string;
  private readonly limiter: ConcurrencyLimiter;

  constructor(
    private readonly config: OpenAiEmbedderConfig,
    readonly dimension: number,
    private readonly options: OpenAiEmbedderOptions = {},
  ) {
    if (!config.baseUrl) throw new Error('OpenAI-compatible embedder needs a base URL');
    this.model = config.model;
    const url = new URL(config.baseUrl);
    // Appending to the path (not resolving) keeps a query such as Azure's ?api-version=.
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/embeddings`;
    this.url = url.toString();
    this.displayUrl = `${url.origin}${url.pathname}`;
    this.limiter = new ConcurrencyLimiter(config.concurrency);
  }

  /** Uses config.dimension, or asks the service once when it is not configured. */
  static async create(config: OpenAiEmbedderConfig, options: OpenAiEmbedderOptions = {}): Promise<OpenAiEmbedder> {
    if (config.dimension !== undefined) return new OpenAiEmbedder(config, config.dimension, options);
    const probe = new OpenAiEmbedder(config, 0, options);
    const [vector] = await probe.requestWithRetries('passage', [PROBE_TEXT], undefined);
    const dimension = vector!.length;
    options.logger?.info('Embedding dimension discovered', { url: probe.displayUrl, model: config.model, dimension });
    return new OpenAiEmbedder(config, dimension, options);
  }

  /** Passages: what ingest stores. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    return this.embedAs('passage', texts, signal);
  }

  /** Search queries, written as the model expects them (e5: `query: `). */
  embedQueries(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    return this.embedAs('query', texts, signal);
  }

  private async embedAs(role: InputRole, texts: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    if (texts.length === 0) return [];
    // One failed batch fails the call, so the batches still queued or retrying are stopped.
    const call = new AbortController();
    // Every queued batch listens on it; that is expected, not a leak.
    setMaxListeners(0, call.signal);
    const onAbort = (): void => call.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      const batches = splitIntoBatches(texts, this.config.batchSize);
      const results = await Promise.all(
        batches.map(async (batch) => {
          try {
            return await this.limiter.run(() => this.requestWithRetries(role, batch, call.signal), call.signal);
          } catch (error) {
            call.abort(error);
            throw error;
          }
        }),
      );
      return results.flat();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async requestWithRetries(role: InputRole, texts: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    const attempts = this.config.maxRetries + 1;
    let failure: RetryableFailure | undefined;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1 && failure) {
        const delayMs = retryDelayMs(attempt - 2, failure.retryAfterMs, this.options.random);
        this.options.hooks?.onRetry?.(failure.reason, { attempt: attempt - 1, delayMs, status: failure.status });
        this.options.logger?.warn('Embedding request failed; retrying', {
          url: this.displayUrl,
          attempt: attempt - 1,
          reason: failure.reason,
          status: failure.status,
          delay_ms: delayMs,
          error: failure.message,
        });
        await abortableSleep(delayMs, signal);
      }
      const outcome = await this.attempt(role, texts, signal);
      if (Array.isArray(outcome)) return outcome;
      failure = outcome;
    }
    throw new DependencyError(
      'embedding',
      `Embedding service at ${this.displayUrl} unavailable after ${attempts} attempts: ${failure?.message ?? 'unknown error'}`,
    );
  }

  /** One HTTP request: vectors, a retryable failure, or a thrown permanent error. */
  private async attempt(role: InputRole, texts: string[], signal: AbortSignal | undefined): Promise<number[][] | RetryableFailure> {
    signal?.throwIfAborted();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.config.timeoutMs);
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    let status: number;
    let retryAfter: string | null;
    let bodyText: string;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {}),
        },
        body: JSON.stringify(this.requestBody(role, texts)),
        signal: controller.signal,
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      bodyText = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) return { reason: 'timeout', message: `no response within ${this.config.timeoutMs} ms` };
      return { reason: 'network', message: describeNetworkError(error) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }

    if (status >= 200 && status < 300) return this.readVectors(bodyText, texts.length, status);
    const serverMessage = serverErrorMessage(bodyText);
    if (isRetryableStatus(status)) {
      return {
        reason: status === 429 ? 'rate_limited' : status === 408 ? 'timeout' : 'server_error',
        message: `HTTP ${status}: ${serverMessage}`,
        status,
        retryAfterMs: parseRetryAfterMs(retryAfter),
      };
    }
    if (isConfigurationStatus(status)) {
      throw new DependencyError(
        'embedding',
        `Embedding service at ${this.displayUrl} refused the request (HTTP ${status}): ${serverMessage}. Check EMBEDDING_BASE_URL, EMBEDDING_MODEL and EMBEDDING_API_KEY.`,
      );
    }
    if (status >= 400 && status < 500) throw new EmbeddingRejectedError(`${serverMessage} (HTTP ${status})`, status);
    throw new DependencyError('embedding', `Embedding service at ${this.displayUrl} answered HTTP ${status}`);
  }

  private requestBody(role: InputRole, texts: string[]): Record<string, unknown> {
    // Unicode NFC: Hangul typed or copied on macOS often arrives decomposed (NFD, conjoining jamo), and a service's
    // tokenizer may not compose it (multilingual-e5-small's does not: Korean recall@1 on our evaluation set fell from
    // 0.88 to 0.00). PostgreSQL keeps the text as it was sent; the model reads it composed, passages and queries alike.
    const composed = texts.map((text) => text.normalize('NFC'));
    const body: Record<string, unknown> = { model: this.config.model, input: composed, encoding_format: 'base64' };
    switch (this.config.inputRoles ?? 'none') {
      case 'e5_prefix':
        body.input = composed.map((text) => E5_PREFIXES[role] + text);
        break;
      case 'input_type':
        body.input_type = role;
        break;
      case 'none':
        break;
    }
    return body;
  }

  private readVectors(bodyText: string, count: number, status: number): number[][] | RetryableFailure {
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      // A body cut short by a proxy or a restart is worth another try; a well-formed wrong one is not.
      return { reason: 'unreadable_response', message: `HTTP ${status} with a body that is not JSON`, status };
    }
    try {
      // dimension is 0 only on the probe, which is how it is discovered.
      return parseEmbeddingResponse(body, count, this.dimension === 0 ? undefined : this.dimension);
    } catch (error) {
      if (!(error instanceof InvalidEmbeddingResponseError)) throw error;
      throw new DependencyError('embedding', `Embedding service at ${this.displayUrl} returned an unusable response: ${error.message}`);
    }
  }
}

/**
 * undici hides the useful part (ECONNREFUSED, ENOTFOUND...) in `cause`. Duck-typed
 * because fetch's errors may come from another realm (jest's VM), where instanceof fails.
 */
function describeNetworkError(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const text = typeof message === 'string' ? message : String(error);
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return detail ? `${text} (${detail})` : text;
}
