import { createHash } from 'node:crypto';
import type { ChunkInput } from '@nonstop/core';

/** A stable fingerprint of a document's chunks, recorded for audits and future change detection. */
export function contentHash(chunks: ChunkInput[]): string {
  const hash = createHash('sha256');
  for (const chunk of [...chunks].sort((a, b) => a.chunk_index - b.chunk_index)) {
    hash.update(`${chunk.chunk_index}\u0000${chunk.text}\u0000`);
  }
  return hash.digest('hex');
}
