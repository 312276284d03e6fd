import type { ChunkWithDocument } from '@nonstop/storage';
import { candidateCount, joinHits } from '../src/search/search-results';

const row = (chunkId: number, docId: number, extra: Partial<ChunkWithDocument> = {}): ChunkWithDocument => ({
  chunk_id: chunkId,
  doc_id: docId,
  chunk_index: chunkId % 10,
  text: `text ${chunkId}`,
  content_name: `doc ${docId}`,
  chat_bot_id: 'bot',
  metadata: { n: docId },
  ...extra,
});

describe('joinHits', () => {
  it("keeps Milvus' order and takes text and metadata from PostgreSQL", () => {
    const results = joinHits(
      [
        { chunk_id: 12, document_id: 1, score: 0.9 },
        { chunk_id: 20, document_id: 2, score: 0.5 },
      ],
      [row(20, 2), row(12, 1, { text: '원문 그대로', metadata: { 제목: '봄' } })],
      { topK: 10 },
    );
    expect(results).toEqual([
      { content_name: 'doc 1', chat_bot_id: 'bot', doc_id: 1, chunk_index: 2, text: '원문 그대로', score: 0.9, metadata: { 제목: '봄' } },
      { content_name: 'doc 2', chat_bot_id: 'bot', doc_id: 2, chunk_index: 0, text: 'text 20', score: 0.5, metadata: { n: 2 } },
    ]);
  });

  it('drops hits without their row or of another document, counts a repeated chunk once, and fills top_k from the spare hits', () => {
    const hits = [
      { chunk_id: 1, document_id: 1, score: 0.9 }, // row gone (mid-rollback)
      { chunk_id: 2, document_id: 9, score: 0.8 }, // the row belongs to document 2
      { chunk_id: 3, document_id: 3, score: 0.7 },
      { chunk_id: 3, document_id: 3, score: 0.7 }, // duplicated key in Milvus
      { chunk_id: 4, document_id: 4, score: 0.6 },
      { chunk_id: 5, document_id: 5, score: 0.5 },
    ];
    const results = joinHits(hits, [row(2, 2), row(3, 3), row(4, 4), row(5, 5)], { topK: 2 });
    expect(results.map((r) => r.doc_id)).toEqual([3, 4]);
  });

  it('drops hits below score_threshold (inclusive bound) and clamps float noise into [-1, 1]', () => {
    const hits = [
      { chunk_id: 1, document_id: 1, score: 1.0000001 },
      { chunk_id: 2, document_id: 2, score: 0.5 },
      { chunk_id: 3, document_id: 3, score: 0.49 },
    ];
    const rows = [row(1, 1), row(2, 2), row(3, 3)];
    expect(joinHits(hits, rows, { topK: 10, scoreThreshold: 0.5 }).map((r) => r.score)).toEqual([1, 0.5]);
    expect(joinHits(hits, rows, { topK: 10, scoreThreshold: 1 }).map((r) => r.score)).toEqual([1]);
    expect(
      joinHits([{ chunk_id: 1, document_id: 1, score: -1.0000002 }], rows, { topK: 10, scoreThreshold: -1 }).map((r) => r.score),
    ).toEqual([-1]);
  });
});

describe('candidateCount', () => {
  it('asks for spare hits: twice top_k, at most 50 more', () => {
    expect([1, 10, 50].map(candidateCount)).toEqual([2, 20, 100]);
    expect(candidateCount(80)).toBe(130);
  });
});
