'use strict';
/**
 * Worker thread that owns the ONNX Runtime session. onnxruntime-node's
 * session.run() occupies the calling thread for the whole inference (about a
 * second for 32 chunks), which on the main thread would stall BullMQ lock
 * renewals, health checks and every other job. Plain JavaScript because it is
 * loaded by Node directly, outside tsx/jest transpilation.
 *
 * Protocol (see onnx-inference-thread.ts):
 *   workerData: { modelPath, sessionOptions }
 *   out: { type: 'ready', inputNames, outputNames, outputMetadata } | { type: 'failed', message }
 *   in:  { id, outputName, feeds: { [name]: { data: BigInt64Array, dims: number[] } } }
 *   out: { id, data: Float32Array, dims: number[] } | { id, error: string }
 *   in:  { type: 'close' }  (releases the session; the thread then exits)
 */
const { parentPort, workerData } = require('node:worker_threads');
const ort = require('onnxruntime-node');

async function main() {
  let session;
  try {
    session = await ort.InferenceSession.create(workerData.modelPath, workerData.sessionOptions);
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  parentPort.postMessage({
    type: 'ready',
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    outputMetadata: session.outputMetadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : undefined })),
  });

  parentPort.on('message', async (request) => {
    if (request.type === 'close') {
      await session.release().catch(() => undefined);
      parentPort.close();
      return;
    }
    try {
      const feeds = {};
      for (const [name, input] of Object.entries(request.feeds)) {
        feeds[name] = new ort.Tensor('int64', input.data, input.dims);
      }
      const results = await session.run(feeds, [request.outputName]);
      const output = results[request.outputName];
      // Copy into a buffer we own so it can be transferred, not cloned, to the main thread.
      const data = new Float32Array(output.data);
      parentPort.postMessage({ id: request.id, data, dims: Array.from(output.dims) }, [data.buffer]);
    } catch (error) {
      parentPort.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

void main();
