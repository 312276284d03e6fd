import type { DocumentInput } from '@nonstop/core';

const FILLER = 'Retrieval-augmented generation stores documents as chunks with vectors; 검색 증강 생성은 문서를 청크로 나누어 저장합니다. ';

/** Where a chunk text came from: every text starts with this head, so an embedding call names its documents. */
export interface ChunkOrigin {
  contentName: string;
  chunkIndex: number;
}

export function contentName(label: string, n: number): string {
  return `https://example.com/chaos/${label}/${n}`;
}

/** `count` documents of `chunks` chunks of about 400 characters, unique per label. */
export function makeDocuments(label: string, count: number, chunks: number, first = 0): DocumentInput[] {
  return Array.from({ length: count }, (_, i) => {
    const n = first + i;
    return {
      chat_bot_id: 'bot001',
      content_name: contentName(label, n),
      chunks: Array.from({ length: chunks }, (_, c) => ({ chunk_index: c, text: chunkText(label, n, c) })),
      metadata: { title: `chaos ${label} ${n}`, author: 'chaos' },
    };
  });
}

export function chunkText(label: string, n: number, chunk: number): string {
  return `[chaos ${label} doc ${n} chunk ${chunk}] ${FILLER.repeat(4)}`.slice(0, 400);
}

export function originOf(text: string): ChunkOrigin | undefined {
  const match = /^\[chaos (\S+) doc (\d+) chunk (\d+)\]/.exec(text);
  return match ? { contentName: contentName(match[1]!, Number(match[2])), chunkIndex: Number(match[3]) } : undefined;
}

/** The same items in a seeded random order (mulberry32 + Fisher-Yates): a run can be repeated with the same orders. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
