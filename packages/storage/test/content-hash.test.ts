import type { ChunkInput } from '@nonstop/core';
import { contentHash } from '../src/postgres/content-hash';

const chunks: ChunkInput[] = [
  { chunk_index: 0, text: 'first paragraph' },
  { chunk_index: 1, text: 'second paragraph' },
  { chunk_index: 2, text: 'third' },
];

// sha256 of "0\0첫 번째 문단입니다.\0" + "1\0두 번째 문단\0" in UTF-8 (computed once with node:crypto).
const KOREAN_HASH = '4f18e0f069fc0c0d94e2a385ffe0825a042a3fdb222028421d408b93f33e1c54';

describe('contentHash', () => {
  it('is a sha256 hex digest', () => {
    expect(contentHash(chunks)).toMatch(/^[0-9a-f]{64}$/);
    // sha256 of nothing: a document without chunks still hashes.
    expect(contentHash([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('does not depend on the order chunks arrive in, and does not reorder the input', () => {
    const shuffled = [chunks[2], chunks[0], chunks[1]] as ChunkInput[];
    expect(contentHash(shuffled)).toBe(contentHash(chunks));
    expect(shuffled.map((chunk) => chunk.chunk_index)).toEqual([2, 0, 1]);
  });

  it.each<[string, ChunkInput[]]>([
    ['a changed text', [{ chunk_index: 0, text: 'first paragraph!' }, chunks[1]!, chunks[2]!]],
    ['swapped texts', [{ chunk_index: 0, text: 'second paragraph' }, { chunk_index: 1, text: 'first paragraph' }, chunks[2]!]],
    ['a missing chunk', [chunks[0]!, chunks[1]!]],
    ['a renumbered chunk', [chunks[0]!, chunks[1]!, { chunk_index: 3, text: 'third' }]],
    ['text moved across a chunk boundary', [chunks[0]!, { chunk_index: 1, text: 'second paragrap' }, { chunk_index: 2, text: 'hthird' }]],
  ])('changes with %s', (_name, changed) => {
    expect(contentHash(changed)).not.toBe(contentHash(chunks));
  });

  it('separates index from text, so 1+"2x" differs from 12+"x"', () => {
    expect(contentHash([{ chunk_index: 1, text: '2x' }])).not.toBe(contentHash([{ chunk_index: 12, text: 'x' }]));
  });

  it('is stable for Korean text in any chunk order', () => {
    const korean: ChunkInput[] = [
      { chunk_index: 1, text: '두 번째 문단' },
      { chunk_index: 0, text: '첫 번째 문단입니다.' },
    ];
    expect(contentHash(korean)).toBe(KOREAN_HASH);
    expect(contentHash([...korean].reverse())).toBe(KOREAN_HASH);
    expect(contentHash(korean.map((chunk) => ({ ...chunk })))).toBe(KOREAN_HASH);
  });
});
