import { l2Normalize, meanPool } from '../src/local/mean-pooling';

describe('meanPool', () => {
  it('averages only the tokens the attention mask keeps', () => {
    // batch 2, sequence 3, hidden 2; the second row's last token is padding.
    const hidden = Float32Array.from([1, 2, 3, 4, 5, 6, /* row 2 */ 2, 2, 4, 4, 100, 100]);
    const mask = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]);
    expect(meanPool(hidden, mask, 2, 3, 2)).toEqual([
      [3, 4],
      [3, 3],
    ]);
  });

  it('rejects an output of the wrong size', () => {
    expect(() => meanPool(new Float32Array(5), new BigInt64Array(3), 1, 3, 2)).toThrow('expected 1x3x2');
  });
});

describe('l2Normalize', () => {
  it('scales to unit length and leaves a zero vector at zero', () => {
    expect(l2Normalize([3, 4])).toEqual([0.6, 0.8]);
    expect(l2Normalize([0, 0])).toEqual([0, 0]);
  });
});
