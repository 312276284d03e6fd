import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';

const WORKER_SCRIPT = path.join(__dirname, 'onnx-inference-worker.js');
const CLOSE_GRACE_MS = 5_000;

export interface ModelDescription {
  inputNames: string[];
  outputNames: string[];
  outputMetadata: { name: string; shape?: (number | string)[] }[];
}

export interface InferenceInput {
  data: BigInt64Array;
  dims: number[];
}

export interface InferenceOutput {
  data: Float32Array;
  dims: number[];
}

interface Pending {
  resolve(output: InferenceOutput): void;
  reject(error: Error): void;
}

type WorkerMessage =
  | { type: 'ready'; inputNames: string[]; outputNames: string[]; outputMetadata: ModelDescription['outputMetadata'] }
  | { type: 'failed'; message: string }
  | { id: number; data: Float32Array; dims: number[] }
  | { id: number; error: string };

/**
 * The main-thread handle of onnx-inference-worker.js: one ONNX Runtime session
 * in a worker thread, so inference never blocks the event loop.
 */
export class OnnxInferenceThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly description: ModelDescription,
  ) {
    worker.on('message', (message: WorkerMessage) => this.settle(message));
    worker.on('error', (error) => this.stop(error));
    worker.on('exit', (code) => this.stop(new Error(`inference thread exited (code ${code})`)));
    // Idle, the thread must not keep the process alive; while a request is pending it must.
    worker.unref();
  }

  static start(modelPath: string, sessionOptions: InferenceSession.SessionOptions): Promise<OnnxInferenceThread> {
    const worker = new Worker(WORKER_SCRIPT, { workerData: { modelPath, sessionOptions } });
    return new Promise((resolve, reject) => {
      const onExit = (code: number): void => reject(new Error(`inference thread exited during start-up (code ${code})`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (message: WorkerMessage) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if ('type' in message && message.type === 'ready') {
          const { inputNames, outputNames, outputMetadata } = message;
          resolve(new OnnxInferenceThread(worker, { inputNames, outputNames, outputMetadata }));
        } else {
          void worker.terminate();
          reject(new Error('type' in message && message.type === 'failed' ? message.message : 'inference thread failed to start'));
        }
      });
    });
  }

  get alive(): boolean {
    return this.stopped === undefined;
  }

  run(feeds: Record<string, InferenceInput>, outputName: string): Promise<InferenceOutput> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    const transfer = Object.values(feeds).map((feed) => feed.data.buffer as ArrayBuffer);
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<InferenceOutput>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, feeds, outputName }, transfer);
    });
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private settle(message: WorkerMessage): void {
    if (!('id' in message)) return;
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if ('error' in message) waiting.reject(new Error(message.error));
    else waiting.resolve({ data: message.data, dims: message.dims });
  }

  private stop(reason: Error): void {
    this.stopped ??= reason;
    for (const waiting of this.pending.values()) waiting.reject(reason);
    this.pending.clear();
  }
}
