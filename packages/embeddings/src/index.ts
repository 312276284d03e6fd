export { createEmbedder } from './create-embedder';
export type { EmbedderHooks, EmbeddingRetryDetails, EmbeddingRetryReason } from './embedder-hooks';
export { OpenAiEmbedder } from './openai-embedder';
export type { OpenAiEmbedderConfig, OpenAiEmbedderOptions } from './openai-embedder';
export { LocalOnnxEmbedder } from './local/local-onnx-embedder';
export type { LocalOnnxEmbedderOptions } from './local/local-onnx-embedder';
export { LOCAL_MODEL_DIMENSION, defaultLocalModelPath } from './local/model-files';
export { WordPieceTokenizer } from './local/wordpiece-tokenizer';
export type { EncodedBatch } from './local/wordpiece-tokenizer';
