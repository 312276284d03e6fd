import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A STAND-IN for an OpenAI-compatible embedding service, for tests and
 * benchmarks only. It exists to cause faults a real service will not produce
 * on demand (429 with Retry-After, 5xx, a hang, a 400 for one input) and to be
 * a fast fixed-vector endpoint. It is not a model: by default every text gets
 * a deterministic pseudo-random unit vector; pass `embed` to serve real ones.
 */

export interface StandInEmbeddingServerOptions {
  /** Computes the vectors; default: a fixed deterministic unit vector per text. */
  embed?: (texts: string[]) => Promise<number[][]>;
  /** Dimension of the default vectors. */
  dimension?: number;
  /** Answer 400 (OpenAI error body) when any input contains this string. */
  rejectTextsContaining?: string;
  /** Answer the first `count` requests with `status` (and Retry-After when given). */
  failFirst?: { count: number; status: number; retryAfterSeconds?: number };
  /** Accept requests and never answer. */
  hang?: boolean;
  /** Never answer a request when any input contains this string (one slow document). */
  hangTextsContaining?: string;
  /** Wait this long before answering, so concurrency can be observed. */
  delayMs?: number;
  /** Return `data` in reverse order (with correct `index`), as some servers do. */
  shuffleResponse?: boolean;
}

export interface StandInRequests {
  count: number;
  /** The `input` of every embeddings request, in arrival order. */
  inputs: string[][];
  authorization: (string | undefined)[];
  encodingFormats: (string | undefined)[];
  /** The `input_type` of every request (`passage` / `query` with EMBEDDING_INPUT_ROLES=input_type). */
  inputTypes: (string | undefined)[];
  inFlight: number;
  maxInFlight: number;
}

export interface StandInEmbeddingServer {
  /** Base URL ending in /v1, as EMBEDDING_BASE_URL takes it. */
  url: string;
  requests: StandInRequests;
  close(): Promise<void>;
}

export async function startStandInEmbeddingServer(options: StandInEmbeddingServerOptions = {}): Promise<StandInEmbeddingServer> {
  const dimension = options.dimension ?? 384;
  const embed = options.embed ?? (async (texts: string[]) => texts.map((text) => fixedVector(text, dimension)));
  const requests: StandInRequests = {
    count: 0,
    inputs: [],
    authorization: [],
    encodingFormats: [],
    inputTypes: [],
    inFlight: 0,
    maxInFlight: 0,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    if (req.method !== 'POST' || !req.url?.replace(/\?.*$/, '').endsWith('/v1/embeddings')) {
      return sendJson(res, 404, openAiError(`No route for ${req.method} ${req.url}`, 'not_found'));
    }
    let body: { input?: unknown; model?: unknown; encoding_format?: unknown; input_type?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return sendJson(res, 400, openAiError('Request body is not JSON', 'invalid_request_error'));
    }
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(input) || !input.every((text): text is string => typeof text === 'string')) {
      return sendJson(res, 400, openAiError("'input' must be a string or an array of strings", 'invalid_request_error'));
    }
    requests.count += 1;
    requests.inputs.push(input);
    requests.authorization.push(req.headers.authorization);
    const encodingFormat = typeof body.encoding_format === 'string' ? body.encoding_format : undefined;
    requests.encodingFormats.push(encodingFormat);
    requests.inputTypes.push(typeof body.input_type === 'string' ? body.input_type : undefined);

    if (options.hang) return; // the socket stays open until the client gives up or close() is called
    const hangMarker = options.hangTextsContaining;
    if (hangMarker !== undefined && input.some((text) => text.includes(hangMarker))) return;
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (options.failFirst && requests.count <= options.failFirst.count) {
      const { status, retryAfterSeconds } = options.failFirst;
      const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
      return sendJson(
        res,
        status,
        openAiError(`Stand-in failure ${requests.count} of ${options.failFirst.count}`, 'server_error'),
        headers,
      );
    }
    const marker = options.rejectTextsContaining;
    if (marker !== undefined && input.some((text) => text.includes(marker))) {
      return sendJson(res, 400, openAiError(`Input contains the forbidden text ${JSON.stringify(marker)}`, 'invalid_request_error'));
    }
    const vectors = await embed(input);
    const data = vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: encodingFormat === 'base64' ? encodeFloat32Base64(vector) : vector,
    }));
    if (options.shuffleResponse) data.reverse();
    const tokens = input.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    sendJson(res, 200, {
      object: 'list',
      data,
      model: typeof body.model === 'string' ? body.model : 'stand-in',
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  };

  const server = createServer((req, res) => {
    requests.inFlight += 1;
    requests.maxInFlight = Math.max(requests.maxInFlight, requests.inFlight);
    res.on('close', () => {
      requests.inFlight -= 1;
    });
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, openAiError(error instanceof Error ? error.message : String(error), 'server_error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections(); // hung requests included
      }),
  };
}

/** Deterministic unit vector for a text: FNV-1a seeds a mulberry32 generator. */
export function fixedVector(text: string, dimension: number): number[] {
  let seed = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) seed = Math.imul(seed ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const vector = new Array<number>(dimension);
  let squares = 0;
  for (let i = 0; i < dimension; i += 1) {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const value = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
    vector[i] = value;
    squares += value * value;
  }
  const norm = Math.sqrt(squares) || 1;
  return vector.map((value) => Math.fround(value / norm));
}

function encodeFloat32Base64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

function openAiError(message: string, type: string): object {
  return { error: { message, type, param: null, code: null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
