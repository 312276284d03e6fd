import type { Pool } from 'pg';
import { runQuery } from './transaction';

/** A stored chunk with its document, as a search answers it. */
export interface ChunkWithDocument {
  chunk_id: number;
  chunk_index: number;
  text: string;
  doc_id: number;
  content_name: string;
  chat_bot_id: string;
  metadata: Record<string, unknown>;
  /** 'superseded': a version replaced since the vectors were searched; a reader answers only 'active' ones. */
  state?: 'active' | 'superseded';
}

interface ChunkWithDocumentRow extends Omit<ChunkWithDocument, 'chunk_id' | 'doc_id'> {
  chunk_id: string;
  doc_id: string;
}

/**
 * The reads a search makes in PostgreSQL, the source of truth: Milvus finds
 * chunk ids, and only chunks whose rows exist here (in the caller's account)
 * are answered, with their text and metadata from here.
 */
export class PgChunkReader {
  constructor(private readonly pool: Pool) {}

  /**
   * Ids of the account's documents with one of these content names (and this
   * chat bot, when given), every version: a version activated between this
   * read and the chunk read is then still found, and chunksWithDocuments keeps
   * only the active one.
   */
  async documentIdsByContentName(accountName: string, contentNames: string[], chatBotId?: string): Promise<number[]> {
    if (contentNames.length === 0) return [];
    // The digest is what documents_identity indexes (a name may be 8 KB of UTF-8); the name itself is compared too.
    const result = await runQuery<{ id: string }>(
      this.pool,
      `SELECT d.id FROM documents d
        WHERE d.account_name = $1
          AND ($3::text IS NULL OR d.chat_bot_id = $3)
          AND d.content_name_digest = ANY (SELECT sha256(convert_to(n, 'UTF8')) FROM unnest($2::text[]) AS n)
          AND d.content_name = ANY ($2::text[])
        ORDER BY d.id`,
      [accountName, contentNames, chatBotId ?? null],
    );
    return result.rows.map((row) => Number(row.id));
  }

  /**
   * The chunks among `chunkIds` that still exist in the account, in no
   * particular order, of active or superseded versions (marked). A chunk whose
   * document is being rolled back or removed is simply absent, and so is one
   * of a staged version, not yet active.
   */
  async chunksWithDocuments(accountName: string, chunkIds: number[]): Promise<ChunkWithDocument[]> {
    if (chunkIds.length === 0) return [];
    const result = await runQuery<ChunkWithDocumentRow>(
      this.pool,
      `SELECT c.id AS chunk_id, c.chunk_index, c.text, d.id AS doc_id, d.content_name, d.chat_bot_id, d.metadata, d.state
         FROM document_chunks c
         JOIN documents d ON d.id = c.document_id
        WHERE c.id = ANY ($1::bigint[]) AND d.account_name = $2 AND d.state IN ('active', 'superseded')`,
      [chunkIds, accountName],
    );
    return result.rows.map((row) => ({ ...row, chunk_id: Number(row.chunk_id), doc_id: Number(row.doc_id) }));
  }
}
