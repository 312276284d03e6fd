import type { Pool } from 'pg';
import { ErrorCode } from '@zilliz/milvus2-sdk-node';
import { DependencyError, errorMessage, type Embedder, type VectorRow } from '@nonstop/core';
import { milvusIntList, withTransaction, type MilvusVectorStore } from '@nonstop/storage';
import { lockSettledChunks, settledChunks, type ChunkToEmbed } from './pg-chunk-states';

/** Chunks embedded and written per repair transaction: the documents stay locked only for the write of these. */
const REWRITE_BATCH = 256;
const IDS_PER_DELETE = 1_000;

/**
 * The repair's two actions, each re-checked in PostgreSQL right before it
 * acts, so it is safe while writers run.
 */
export class AuditRepair {
  constructor(
    private readonly stores: { pool: Pool; vectors: MilvusVectorStore },
    private readonly embedder: Embedder,
    private readonly graceSeconds: number,
  ) {}

  /**
   * Embeds the chunks' text again and writes one vector per chunk id with the
   * vector store's upsert (which deletes every row of the key first, so a
   * duplicated key ends with one). Only chunks still settled are written: one
   * deleted meanwhile, or in flight, is skipped. Returns the ids written.
   */
  async rewrite(ids: number[]): Promise<Set<number>> {
    const written = new Set<number>();
    for (let start = 0; start < ids.length; start += REWRITE_BATCH) {
      const candidates = await settledChunks(this.stores.pool, ids.slice(start, start + REWRITE_BATCH), this.graceSeconds);
      if (candidates.length === 0) continue;
      // Embedding takes the longest: done before the lock, and the text compared under it.
      const embeddings = await this.embedder.embed(candidates.map((chunk) => chunk.text));
      const embedded = new Map(candidates.map((chunk, i) => [chunk.chunk_id, { text: chunk.text, embedding: embeddings[i]! }]));
      // A failed attempt (PostgreSQL or Milvus) is retried whole: the upsert replaces by key, so a rerun is harmless.
      await withTransaction(this.stores.pool, async (client) => {
        const locked = await lockSettledChunks(client, [...embedded.keys()], this.graceSeconds);
        const rows = locked
          .filter((chunk) => embedded.get(chunk.chunk_id)?.text === chunk.text)
          .map((chunk) => toVectorRow(chunk, embedded.get(chunk.chunk_id)!.embedding));
        await this.stores.vectors.upsert(rows);
        for (const row of rows) written.add(row.chunk_id);
      });
    }
    return written;
  }

  /**
   * Deletes every vector row of keys that have no chunk row at all (the
   * caller re-checked that after it saw the vectors). Safe: a vector is
   * written only after its row commits and ids are never reused, so a row
   * absent after its vector was seen will not come back.
   */
  async deleteOrphans(ids: number[]): Promise<void> {
    const { client, collection } = this.stores.vectors;
    for (let start = 0; start < ids.length; start += IDS_PER_DELETE) {
      const filter = `chunk_id in ${milvusIntList(ids.slice(start, start + IDS_PER_DELETE))}`;
      let result;
      try {
        result = await client.deleteEntities({ collection_name: collection, filter });
      } catch (error) {
        throw new DependencyError('milvus', `Milvus could not delete orphan vectors: ${errorMessage(error)}`, { cause: error });
      }
      if (result.status.error_code !== ErrorCode.SUCCESS) {
        throw new Error(`Milvus refused to delete orphan vectors: ${result.status.error_code} ${result.status.reason}`);
      }
    }
  }
}

function toVectorRow(chunk: ChunkToEmbed, embedding: number[]): VectorRow {
  return {
    chunk_id: chunk.chunk_id,
    account_name: chunk.account_name,
    chat_bot_id: chunk.chat_bot_id,
    document_id: chunk.document_id,
    job_id: chunk.job_id,
    chunk_index: chunk.chunk_index,
    embedding,
  };
}
