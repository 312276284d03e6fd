/**
 * Chunks per second of the local model on this machine, for ~100-token chunks.
 *   npx tsx packages/embeddings/test/benchmarks/local-model-throughput.ts [--threads N] [--batch 32] [--chunks 512]
 * Not a test (no assertions); numbers go in the package README.
 */
import { parseArgs } from 'node:util';
import { LocalOnnxEmbedder } from '../../src/local/local-onnx-embedder';
import { WordPieceTokenizer } from '../../src/local/wordpiece-tokenizer';
import { LOCAL_MODEL_VOCAB_PATH } from '../../src/local/model-files';

const SENTENCES = [
  'The ingestion worker reads a staged job from PostgreSQL and splits its documents into micro-batches.',
  'Each chunk is embedded and the vectors are upserted into Milvus under the chunk id, so a replay overwrites.',
  'When the embedding service answers 429 the client waits for the Retry-After interval before trying again.',
  'A document that the service rejects fails alone; the rest of the batch continues without it.',
  'Graceful shutdown stops the HTTP server first, then drains the active job and closes the pools.',
  'Customers upload manuals, policies and support tickets that are searched by a retrieval assistant.',
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { threads: { type: 'string' }, batch: { type: 'string' }, chunks: { type: 'string' } } });
  const batchSize = Number(values.batch ?? 32);
  const count = Number(values.chunks ?? 512);
  const tokenizer = WordPieceTokenizer.fromVocabFile(LOCAL_MODEL_VOCAB_PATH);
  const texts = Array.from({ length: count }, (_, i) => {
    const parts: string[] = [];
    for (let k = 0; tokenizer.encode(parts.join(' ')).length < 100; k += 1) parts.push(SENTENCES[(i + k) % SENTENCES.length]!);
    return `${i}: ${parts.join(' ')}`;
  });
  const tokens = texts.reduce((sum, text) => sum + tokenizer.encode(text).length, 0) / texts.length;

  const embedder = await LocalOnnxEmbedder.create(
    { batchSize, localModelPath: undefined },
    values.threads ? { intraOpNumThreads: Number(values.threads) } : {},
  );
  await embedder.embed(texts.slice(0, batchSize)); // warm-up
  const started = process.hrtime.bigint();
  await embedder.embed(texts);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await embedder.close();
  console.log(
    `${count} chunks (avg ${tokens.toFixed(0)} tokens), batch ${batchSize}, threads ${values.threads ?? 'default'}: ` +
      `${(count / seconds).toFixed(1)} chunks/s (${seconds.toFixed(2)} s)`,
  );
}

void main();
