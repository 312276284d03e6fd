import { LocalOnnxEmbedder } from '../src/local/local-onnx-embedder';
import { OpenAiEmbedder } from '../src/openai-embedder';
import { startStandInEmbeddingServer, type StandInEmbeddingServer } from '../src/testing';

/**
 * The real local model served over HTTP by the stand-in server, read back by
 * the OpenAI-compatible client: both providers give the same vectors (up to
 * float32 transport), so switching EMBEDDING_PROVIDER does not change results.
 */

let local: LocalOnnxEmbedder;
let server: StandInEmbeddingServer;

beforeAll(async () => {
  local = await LocalOnnxEmbedder.create({ batchSize: 16, localModelPath: undefined });
  server = await startStandInEmbeddingServer({ embed: (texts) => local.embed(texts) });
});

afterAll(async () => {
  await server.close();
  await local.close();
});

it('the OpenAI-compatible client and the local model agree', async () => {
  const client = await OpenAiEmbedder.create({
    baseUrl: server.url,
    model: 'all-MiniLM-L6-v2',
    apiKey: undefined,
    batchSize: 8,
    concurrency: 2,
    dimension: undefined,
    timeoutMs: 30_000,
    maxRetries: 1,
  });
  expect(client.dimension).toBe(384);

  const texts = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? `English sentence number ${i}.` : `한국어 문장 ${i}번입니다.`));
  const [overHttp, direct] = [await client.embed(texts), await local.embed(texts)];
  expect(overHttp).toHaveLength(texts.length);
  overHttp.forEach((vector, i) => {
    const expected = direct[i]!;
    // base64 carries float32, the local embedder returns float64: equal to float32 precision.
    vector.forEach((value, k) => expect(Math.abs(value - expected[k]!)).toBeLessThan(1e-6));
  });
  expect(server.requests.encodingFormats.every((format) => format === 'base64')).toBe(true);
});
