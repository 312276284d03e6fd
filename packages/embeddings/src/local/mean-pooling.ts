/**
 * sentence-transformers' Pooling(mean) + Normalize modules for all-MiniLM-L6-v2,
 * on the flat buffers ONNX Runtime returns. Accumulates in float64 so the result
 * does not depend on sequence length more than it has to.
 */

/** Mean of the token vectors whose attention mask is 1, for each row of a [batch, sequence, hidden] tensor. */
export function meanPool(
  hidden: Float32Array,
  attentionMask: BigInt64Array,
  batchSize: number,
  sequenceLength: number,
  hiddenSize: number,
): number[][] {
  if (hidden.length !== batchSize * sequenceLength * hiddenSize) {
    throw new Error(`Model output has ${hidden.length} values, expected ${batchSize}x${sequenceLength}x${hiddenSize}`);
  }
  const pooled: number[][] = [];
  for (let row = 0; row < batchSize; row += 1) {
    const sum = new Float64Array(hiddenSize);
    let tokens = 0;
    for (let position = 0; position < sequenceLength; position += 1) {
      if (attentionMask[row * sequenceLength + position] === 0n) continue;
      tokens += 1;
      const offset = (row * sequenceLength + position) * hiddenSize;
      for (let k = 0; k < hiddenSize; k += 1) sum[k]! += hidden[offset + k]!;
    }
    // sentence-transformers clamps the count to 1e-9; with [CLS]/[SEP] always present it is never 0.
    const count = Math.max(tokens, 1e-9);
    pooled.push(Array.from(sum, (value) => value / count));
  }
  return pooled;
}

/** Unit length (as torch.nn.functional.normalize: divides by max(norm, 1e-12)). */
export function l2Normalize(vector: number[]): number[] {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const norm = Math.max(Math.sqrt(squares), 1e-12);
  return vector.map((value) => value / norm);
}
