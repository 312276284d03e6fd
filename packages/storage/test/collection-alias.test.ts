import { modelTag } from '@nonstop/storage';

test('a model name becomes the lower-case identifier part of a physical collection name', () => {
  expect(modelTag('all-MiniLM-L6-v2')).toBe('all_minilm_l6_v2');
  expect(modelTag('multilingual-e5-small-q4')).toBe('multilingual_e5_small_q4');
  expect(modelTag('intfloat/multilingual-e5-large')).toBe('intfloat_multilingual_e5_large');
  expect(modelTag('text-embedding-3-small')).toBe('text_embedding_3_small');
  expect(modelTag('---')).toBe('model');
  expect(modelTag('x'.repeat(100))).toHaveLength(48);
});
