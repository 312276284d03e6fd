import type { Embedder, EmbeddingConfig, Logger } from '@nonstop/core';
import type { EmbedderHooks } from './embedder-hooks';
import { LocalOnnxEmbedder } from './local/local-onnx-embedder';
import { OpenAiEmbedder } from './openai-embedder';

/**
 * The embedding adapter named by EMBEDDING_PROVIDER. Resolves once the
 * provider is usable (model loaded, or dimension known), so a bad setup fails
 * at start-up rather than on the first document.
 */
export async function createEmbedder(config: EmbeddingConfig, logger?: Logger, hooks?: EmbedderHooks): Promise<Embedder> {
  switch (config.provider) {
    case 'local':
      return LocalOnnxEmbedder.create(config, { logger, intraOpNumThreads: config.localThreads });
    // local-e5 is our own multilingual-e5-small server (services-up): the openai client with the preset config gives it.
    case 'openai':
    case 'local-e5':
      return OpenAiEmbedder.create(config, { logger, hooks });
    default: {
      const unknown: never = config.provider;
      throw new Error(`Unknown embedding provider ${String(unknown)}`);
    }
  }
}
