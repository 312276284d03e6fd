import type { ChunkVectorHit, ChunkWithDocument } from '@nonstop/storage';

/** One answer of POST /search. */
export interface ChunkSearchResult {
  content_name: string;
  chat_bot_id: string;
  doc_id: number;
  chunk_index: number;
  text: string;
  score: number;
  metadata: Record<string, unknown>;
}

/**
 * Vectors asked for beyond top_k: hits PostgreSQL no longer holds (a document
 * being rolled back; with versions, one being replaced) are dropped, and the
 * spare ones fill their places.
 */
export function candidateCount(topK: number): number {
  return topK + Math.min(topK, 50);
}

/**
 * Milvus' hits, best first, joined to PostgreSQL's rows by chunk id. A hit
 * without its row, or whose row belongs to another document than its vector
 * says, is dropped; a chunk id Milvus returned twice counts once; hits below
 * the threshold go. Text and metadata come from PostgreSQL.
 */
export function joinHits(
  hits: ChunkVectorHit[],
  rows: ChunkWithDocument[],
  options: { topK: number; scoreThreshold?: number },
): ChunkSearchResult[] {
  const rowsById = new Map(rows.map((row) => [row.chunk_id, row]));
  const seen = new Set<number>();
  const results: ChunkSearchResult[] = [];
  for (const hit of hits) {
    if (results.length >= options.topK) break;
    const row = rowsById.get(hit.chunk_id);
    if (!row || row.doc_id !== hit.document_id || seen.has(hit.chunk_id)) continue;
    // float32 arithmetic may land a hair outside COSINE's [-1, 1].
    const score = Math.min(1, Math.max(-1, hit.score));
    if (options.scoreThreshold !== undefined && score < options.scoreThreshold) continue;
    seen.add(hit.chunk_id);
    results.push({
      content_name: row.content_name,
      chat_bot_id: row.chat_bot_id,
      doc_id: row.doc_id,
      chunk_index: row.chunk_index,
      text: row.text,
      score,
      metadata: row.metadata,
    });
  }
  return results;
}
