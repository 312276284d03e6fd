/**
 * Reading an OpenAI-compatible /embeddings response. Asks for base64 (a
 * quarter of the JSON size and no float parsing) but accepts number arrays,
 * which Ollama and some proxies send whatever was asked.
 */

/** The service answered 2xx with something we cannot use: a bug or a misconfiguration, not a transient fault. */
export class InvalidEmbeddingResponseError extends Error {
  override name = 'InvalidEmbeddingResponseError';
}

/** OpenAI's base64 encoding: the raw little-endian float32 bytes of the vector. */
export function decodeFloat32Base64(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length % 4 !== 0) {
    throw new InvalidEmbeddingResponseError(`base64 embedding has ${bytes.length} bytes, not a multiple of 4`);
  }
  const vector = new Array<number>(bytes.length / 4);
  for (let i = 0; i < vector.length; i += 1) vector[i] = bytes.readFloatLE(i * 4);
  return vector;
}

/** Vectors in input order, after checking count, indexes, dimension and that every value is finite. */
export function parseEmbeddingResponse(body: unknown, expectedCount: number, expectedDimension: number | undefined): number[][] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new InvalidEmbeddingResponseError('response has no data array');
  if (data.length !== expectedCount) {
    throw new InvalidEmbeddingResponseError(`response has ${data.length} embeddings for ${expectedCount} inputs`);
  }
  const vectors = new Array<number[] | undefined>(expectedCount);
  data.forEach((item: unknown, position) => {
    const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    // Servers are meant to send `index`; when one does not, its position is all we have.
    const slot = index === undefined ? position : index;
    if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0 || slot >= expectedCount || vectors[slot]) {
      throw new InvalidEmbeddingResponseError(`response has a missing, duplicate or out-of-range index ${String(index)}`);
    }
    vectors[slot] = toVector(embedding, slot);
  });
  const dimension = expectedDimension ?? vectors[0]?.length;
  return vectors.map((vector, slot) => {
    if (!vector || vector.length === 0 || vector.length !== dimension) {
      throw new InvalidEmbeddingResponseError(`embedding ${slot} has ${vector?.length ?? 0} dimensions, expected ${dimension}`);
    }
    return vector;
  });
}

function toVector(embedding: unknown, slot: number): number[] {
  const vector = typeof embedding === 'string' ? decodeFloat32Base64(embedding) : embedding;
  if (!Array.isArray(vector)) throw new InvalidEmbeddingResponseError(`embedding ${slot} is neither base64 nor an array`);
  // NaN or Infinity would be stored in Milvus and poison every search that touches it.
  if (!vector.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw new InvalidEmbeddingResponseError(`embedding ${slot} has a value that is not a finite number`);
  }
  return vector as number[];
}

/**
 * The human part of an error body: OpenAI and vLLM `{error: {message}}`,
 * text-embeddings-inference `{error: "..."}`, FastAPI `{detail}`, or the text.
 */
export function serverErrorMessage(bodyText: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return truncate(bodyText.trim()) || 'no error message';
  }
  const body = (parsed ?? {}) as { error?: unknown; message?: unknown; detail?: unknown };
  const candidates = [(body.error as { message?: unknown } | undefined)?.message, body.error, body.message, body.detail];
  const found = candidates.find((candidate) => typeof candidate === 'string' && candidate !== '');
  return truncate(typeof found === 'string' ? found : JSON.stringify(parsed));
}

function truncate(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}
