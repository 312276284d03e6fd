import { createEmbedder } from '@nonstop/embeddings';
import { testLogger } from '../test/support/test-env';
import { chunkCount, configOf, localEnv, makeDocs, round, row, timed } from './common';

export interface LocalRaw {
  chunks: number;
  chunks_per_s: number;
  batch_size: number;
  threads: number;
}

/** The local ONNX model (all-MiniLM-L6-v2) alone, as the worker configures it. */
export async function measureLocalModelRaw(chunks: number): Promise<LocalRaw> {
  const config = configOf(localEnv()).embedding;
  const embedder = await createEmbedder(config, testLogger);
  try {
    const docs = makeDocs(chunks, `local-raw-${chunks}`);
    const texts = docs.flatMap((d) => d.chunks.map((c) => c.text));
    await embedder.embed(texts.slice(0, 8)); // warm-up
    const seconds = await timed(() => embedder.embed(texts));
    const n = chunkCount(docs);
    row(
      `raw local model ${embedder.model} (${n} chunks)`,
      `${round(n / seconds, 1)} ch/s`,
      `batch ${config.batchSize}, ${config.localThreads} threads`,
    );
    return { chunks: n, chunks_per_s: round(n / seconds, 1), batch_size: config.batchSize, threads: config.localThreads };
  } finally {
    await embedder.close?.();
  }
}
