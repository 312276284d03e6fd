import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import os from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { DependencyError, LOCAL_MODEL_NAME, errorMessage } from '@nonstop/core';
import type { Embedder, EmbeddingConfig, Logger } from '@nonstop/core';
import { ConcurrencyLimiter } from '../concurrency-limiter';
import { splitIntoBatches } from '../split-into-batches';
import { l2Normalize, meanPool } from './mean-pooling';
import { LOCAL_MODEL_DIMENSION, LOCAL_MODEL_SHA256, LOCAL_MODEL_VOCAB_PATH, defaultLocalModelPath } from './model-files';
import { OnnxInferenceThread, type InferenceInput, type ModelDescription } from './onnx-inference-thread';
import { WordPieceTokenizer, type EncodedBatch } from './wordpiece-tokenizer';

export interface LocalOnnxEmbedderOptions {
  /** Threads one inference may use. Default: half the CPUs, 1 to 4, so the worker's I/O and other jobs keep a core. */
  intraOpNumThreads?: number;
  vocabPath?: string;
  logger?: Logger;
}

/** The inputs a BERT export may declare; anything else means a model we do not know how to feed. */
const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

/**
 * all-MiniLM-L6-v2 run in-process with ONNX Runtime on the CPU: WordPiece
 * tokenization, the transformer, mean pooling over real tokens, L2
 * normalization. Gives the same vectors as sentence-transformers up to int8
 * quantization error, with no service to run. Inference happens on a worker
 * thread (see onnx-inference-worker.js); tokenizing and pooling, which take
 * milliseconds, stay here.
 */
export class LocalOnnxEmbedder implements Embedder {
  readonly model = LOCAL_MODEL_NAME;
  readonly dimension = LOCAL_MODEL_DIMENSION;
  /** Inferences run one at a time: each already uses every intra-op thread, so overlapping them only thrashes. */
  private readonly oneAtATime = new ConcurrencyLimiter(1);

  private thread: Promise<OnnxInferenceThread>;
  private closed = false;

  private constructor(
    thread: OnnxInferenceThread,
    private readonly startThread: () => Promise<OnnxInferenceThread>,
    private readonly tokenizer: WordPieceTokenizer,
    private readonly batchSize: number,
    private readonly outputName: string,
  ) {
    this.thread = Promise.resolve(thread);
  }

  static async create(
    config: Pick<EmbeddingConfig, 'batchSize' | 'localModelPath'>,
    options: LocalOnnxEmbedderOptions = {},
  ): Promise<LocalOnnxEmbedder> {
    const modelPath = config.localModelPath ?? defaultLocalModelPath();
    if (!existsSync(modelPath)) {
      throw new DependencyError(
        'embedding',
        `Local embedding model not found at ${modelPath}. ` +
          'Run `bash scripts/fetch-model.sh` (or `npm run services:up`) to install it, ' +
          'or set EMBEDDING_MODEL_PATH to an all-MiniLM-L6-v2 ONNX file.',
      );
    }
    // Our own download is pinned; a file the operator points at may be a different export of the same model.
    if (config.localModelPath === undefined) {
      const actual = await sha256OfFile(modelPath);
      if (actual !== LOCAL_MODEL_SHA256) {
        throw new DependencyError(
          'embedding',
          `Local embedding model at ${modelPath} is damaged or not the pinned file ` +
            `(sha256 ${actual}). Run \`bash scripts/fetch-model.sh\` to replace it.`,
        );
      }
    }

    const intraOpNumThreads = options.intraOpNumThreads ?? Math.min(4, Math.max(1, Math.floor(os.availableParallelism() / 2)));
    const sessionOptions: InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      intraOpNumThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    };
    const startThread = async (): Promise<OnnxInferenceThread> => {
      try {
        return await OnnxInferenceThread.start(modelPath, sessionOptions);
      } catch (error) {
        throw new DependencyError('embedding', `Cannot load local embedding model ${modelPath}: ${errorMessage(error)}`, { cause: error });
      }
    };
    const tokenizer = WordPieceTokenizer.fromVocabFile(options.vocabPath ?? LOCAL_MODEL_VOCAB_PATH);
    const thread = await startThread();
    let outputName: string;
    try {
      outputName = checkModelShape(thread.description, modelPath);
    } catch (error) {
      await thread.close();
      throw error;
    }
    options.logger?.info('Local embedding model loaded', { model: LOCAL_MODEL_NAME, modelPath, intraOpNumThreads });
    return new LocalOnnxEmbedder(thread, startThread, tokenizer, config.batchSize, outputName);
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const vectors: number[][] = [];
    for (const batch of splitIntoBatches(texts, this.batchSize)) {
      signal?.throwIfAborted();
      // An abort while queued gives up the place in line; a batch already running finishes (it cannot be interrupted).
      vectors.push(...(await this.oneAtATime.run(() => this.embedBatch(batch), signal)));
    }
    return vectors;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Waits for the batch in progress; batches still queued fail with "closed".
    await this.oneAtATime.run(async () => undefined);
    const thread = await this.thread.catch(() => undefined);
    await thread?.close();
  }

  private async embedBatch(texts: string[]): Promise<number[][]> {
    if (this.closed) throw new DependencyError('embedding', 'Local embedder is closed');
    const encoded = this.tokenizer.encodeBatch(texts);
    const thread = await this.liveThread();
    let output;
    try {
      output = await thread.run(this.feeds(thread.description, encoded), this.outputName);
    } catch (error) {
      throw new DependencyError('embedding', `Local embedding model failed: ${errorMessage(error)}`, { cause: error });
    }
    const data = output.data;
    // A sentence-transformers export may already pool; a plain BERT export gives token vectors.
    const pooled =
      output.dims.length === 2
        ? Array.from({ length: encoded.batchSize }, (_, row) => Array.from(data.subarray(row * this.dimension, (row + 1) * this.dimension)))
        : meanPool(data, encoded.attentionMask, encoded.batchSize, encoded.sequenceLength, this.dimension);
    return pooled.map(l2Normalize);
  }

  /** A thread that died (it should not) is replaced on the next call instead of failing every later job. */
  private async liveThread(): Promise<OnnxInferenceThread> {
    const current = await this.thread.catch(() => undefined);
    if (current?.alive) return current;
    this.thread = this.startThread();
    return this.thread;
  }

  private feeds(model: ModelDescription, encoded: EncodedBatch): Record<string, InferenceInput> {
    const dims = [encoded.batchSize, encoded.sequenceLength];
    const all: Record<string, BigInt64Array> = {
      input_ids: encoded.inputIds,
      attention_mask: encoded.attentionMask,
      token_type_ids: encoded.tokenTypeIds,
    };
    // Copies, because the buffers are transferred to the worker and the mask is still needed here for pooling.
    return Object.fromEntries(model.inputNames.map((name) => [name, { data: all[name]!.slice(), dims }]));
  }
}

/** Checks the export's inputs and picks its output, so a wrong file fails at start-up, not on the first document. */
function checkModelShape(session: ModelDescription, modelPath: string): string {
  const unknown = session.inputNames.filter((name) => !KNOWN_INPUTS.has(name));
  if (unknown.length > 0 || !session.inputNames.includes('input_ids') || !session.inputNames.includes('attention_mask')) {
    throw new DependencyError(
      'embedding',
      `${modelPath} is not a BERT sentence-embedding export ` + `(inputs: ${session.inputNames.join(', ')})`,
    );
  }
  const outputName =
    ['sentence_embedding', 'last_hidden_state'].find((name) => session.outputNames.includes(name)) ?? session.outputNames[0];
  if (outputName === undefined) throw new DependencyError('embedding', `${modelPath} declares no outputs`);
  const metadata = session.outputMetadata.find((output) => output.name === outputName);
  const width = metadata?.shape?.at(-1);
  if (typeof width === 'number' && width !== LOCAL_MODEL_DIMENSION) {
    throw new DependencyError('embedding', `${modelPath} gives ${width}-dimensional vectors, expected ${LOCAL_MODEL_DIMENSION}`);
  }
  return outputName;
}

async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of createReadStream(filePath)) hash.update(block as Buffer);
  return hash.digest('hex');
}
