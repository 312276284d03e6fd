import type { DocumentInput } from '@nonstop/core';
import { findDuplicatesInRequest } from '../src/duplicates-in-request';

function doc(chat_bot_id: string, content_name: string): DocumentInput {
  return { chat_bot_id, content_name, chunks: [{ chunk_index: 0, text: 'x' }] };
}

describe('findDuplicatesInRequest', () => {
  it.each<[string, DocumentInput[], Array<[number, number]>]>([
    ['no documents', [], []],
    ['all distinct', [doc('b1', 'a'), doc('b1', 'b'), doc('b2', 'a')], []],
    ['a later copy maps to the first', [doc('b1', 'a'), doc('b1', 'b'), doc('b1', 'a')], [[2, 0]]],
    [
      'every later copy maps to the first, not the previous copy',
      [doc('b', 'x'), doc('b', 'x'), doc('b', 'x')],
      [
        [1, 0],
        [2, 0],
      ],
    ],
    [
      'two independent duplicate pairs',
      [doc('b', 'x'), doc('b', 'y'), doc('b', 'y'), doc('b', 'x')],
      [
        [2, 1],
        [3, 0],
      ],
    ],
    ['same content name under another bot is not a duplicate', [doc('b1', 'same'), doc('b2', 'same')], []],
    ['case matters', [doc('b', 'Doc'), doc('b', 'doc')], []],
    ['Korean names compare exactly', [doc('봇', '문서 1'), doc('봇', '문서 1'), doc('봇', '문서 2')], [[1, 0]]],
    // The key is JSON of both fields, so a separator inside a field cannot make two pairs collide.
    ['no collision through a separator character', [doc('a:b', 'c'), doc('a', 'b:c'), doc('a","b', 'c'), doc('a', 'b","c')], []],
  ])('%s', (_name, documents, expected) => {
    expect([...findDuplicatesInRequest(documents)].sort(([a], [b]) => a - b)).toEqual(expected);
  });

  it('ignores chunks and metadata', () => {
    const first: DocumentInput = { chat_bot_id: 'b', content_name: 'n', chunks: [{ chunk_index: 0, text: 'one' }] };
    const second: DocumentInput = { chat_bot_id: 'b', content_name: 'n', chunks: [{ chunk_index: 0, text: 'two' }], metadata: { k: 1 } };
    expect(findDuplicatesInRequest([first, second]).get(1)).toBe(0);
  });
});
