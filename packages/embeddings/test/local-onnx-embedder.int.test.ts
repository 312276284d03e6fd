import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DependencyError } from '@nonstop/core';
import { LocalOnnxEmbedder } from '../src/local/local-onnx-embedder';

/**
 * The real model (scripts/fetch-model.sh installs it). Reference vectors come
 * from the original fp32 weights (fixtures/generate_reference_embeddings.py),
 * so these tests check the int8 ONNX file, tokenizer and pooling together.
 */

const reference = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'reference-embeddings.fixture.json'), 'utf8')) as {
  cases: { text: string; embedding: number[] }[];
};

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((value, i) => {
    dot += value * b[i]!;
    na += value * value;
    nb += b[i]! * b[i]!;
  });
  return dot / Math.sqrt(na * nb);
}

function norm(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

let embedder: LocalOnnxEmbedder;

beforeAll(async () => {
  embedder = await LocalOnnxEmbedder.create({ batchSize: 32, localModelPath: undefined });
});

afterAll(async () => {
  await embedder.close();
});

describe('LocalOnnxEmbedder (all-MiniLM-L6-v2, int8 ONNX)', () => {
  it('gives 384-dimensional unit vectors under the model name', async () => {
    expect(embedder.model).toBe('all-MiniLM-L6-v2');
    expect(embedder.dimension).toBe(384);
    const [vector] = await embedder.embed(['Durable batch ingestion into PostgreSQL and Milvus.']);
    expect(vector).toHaveLength(384);
    expect(Math.abs(norm(vector!) - 1)).toBeLessThan(1e-6);
  });

  it('agrees with the fp32 reference model (int8 quantization aside)', async () => {
    const vectors = await embedder.embed(reference.cases.map((c) => c.text));
    const similarities = vectors.map((vector, i) => cosine(vector, reference.cases[i]!.embedding));
    // Measured: 0.996 to 0.9997 (int8 weights); a wrong tokenizer or pooling falls far below.
    for (const similarity of similarities) expect(similarity).toBeGreaterThan(0.99);
    expect(similarities.reduce((a, b) => a + b) / similarities.length).toBeGreaterThan(0.998);
  });

  it('scores an English paraphrase above an unrelated sentence', async () => {
    const [food, bread, market] = await embedder.embed([
      'A man is eating food.',
      'A man is eating a piece of bread.',
      'The stock market fell sharply today.',
    ]);
    expect(cosine(food!, bread!)).toBeGreaterThan(0.6);
    expect(cosine(food!, bread!)).toBeGreaterThan(cosine(food!, market!) + 0.4);
  });

  /**
   * all-MiniLM-L6-v2 was trained on English: Korean becomes jamo pieces and
   * [UNK]s, and any two Korean sentences score 0.6 to 0.8 (measured: paraphrase
   * 0.82, stock market 0.70, an unrelated meeting sentence 0.80). The ordering
   * holds for this pair but the model is a poor choice for Korean retrieval;
   * see the package README.
   */
  it('scores a Korean paraphrase above an unrelated sentence (weakly: the model is English-only)', async () => {
    const [sleeping, asleep, stocks] = await embedder.embed([
      '고양이가 소파 위에서 자고 있다',
      '소파에서 고양이가 잠들어 있다',
      '주식 시장이 오늘 하락했다',
    ]);
    const paraphrase = cosine(sleeping!, asleep!);
    const unrelated = cosine(sleeping!, stocks!);
    expect(paraphrase).toBeGreaterThan(unrelated);
  });

  it('embeds decomposed Hangul (NFD, as macOS writes it) as it embeds the composed text (the BERT normalization decomposes both)', async () => {
    const text = '성인은 하루 7시간에서 9시간 정도 자는 것이 권장된다.';
    const [composed, decomposed] = await embedder.embed([text, text.normalize('NFD')]);
    expect(decomposed).toEqual(composed);
  });

  it('is deterministic, and a text gets the same vector whatever it is batched with', async () => {
    const text = 'The same sentence, embedded twice.';
    const [alone] = await embedder.embed([text]);
    const [again] = await embedder.embed([text]);
    expect(again).toEqual(alone);
    const [padded] = await embedder.embed([text, 'A much longer neighbour forces padding onto the first text of this batch. '.repeat(5)]);
    expect(cosine(padded!, alone!)).toBeGreaterThan(0.99999);
  });

  it('embeds 100 texts (several batches) in order', async () => {
    const texts = Array.from({ length: 100 }, (_, i) => `Chunk ${i} of a document about topic ${i % 7}.`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(100);
    for (const vector of vectors) expect(Math.abs(norm(vector) - 1)).toBeLessThan(1e-6);
    const [seventeen] = await embedder.embed([texts[17]!]);
    expect(cosine(vectors[17]!, seventeen!)).toBeGreaterThan(0.99999);
  });

  it('keeps the event loop free while the model runs (inference is on a worker thread)', async () => {
    const texts = Array.from({ length: 64 }, (_, i) => `Sentence ${i}: ${'words that make the chunk long enough '.repeat(8)}`);
    let longestGap = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    await embedder.embed(texts);
    clearInterval(timer);
    expect(longestGap).toBeLessThan(250);
  });

  it('handles the empty list and the empty string', async () => {
    expect(await embedder.embed([])).toEqual([]);
    const [empty] = await embedder.embed(['']);
    expect(empty).toHaveLength(384);
  });

  it('says how to install the model when the file is missing', async () => {
    const error = await LocalOnnxEmbedder.create({ batchSize: 32, localModelPath: '/nonexistent/model.onnx' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as Error).message).toContain('bash scripts/fetch-model.sh');
  });

  it('fails at creation, not on the first document, when the file is not a model', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'not-a-model-'));
    const file = path.join(dir, 'model.onnx');
    writeFileSync(file, 'this is not an ONNX file');
    try {
      const error = await LocalOnnxEmbedder.create({ batchSize: 32, localModelPath: file }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyError);
      expect((error as Error).message).toContain(`Cannot load local embedding model ${file}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
