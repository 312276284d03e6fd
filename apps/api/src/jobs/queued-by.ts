import type { DocumentInput } from '@nonstop/core';

/** What a new job adds to its account's queue: its documents and their chunks, less the in-request duplicates (failed at once). */
export function queuedBy(documents: DocumentInput[], duplicates: Map<number, number>): { documents: number; chunks: number } {
  let chunks = 0;
  documents.forEach((doc, position) => {
    if (!duplicates.has(position)) chunks += doc.chunks.length;
  });
  return { documents: documents.length - duplicates.size, chunks };
}
