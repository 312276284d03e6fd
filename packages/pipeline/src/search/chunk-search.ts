import type { Pool } from 'pg';
import type { Embedder } from '@nonstop/core';
import {
  MilvusChunkSearch, PgChunkReader, type ChunkVectorFilter, type ChunkVectorHit, type ChunkWithDocument, type MilvusVectorStore,
} from '@nonstop/storage';
import { candidateCount, joinHits, type ChunkSearchResult } from './search-results';

/** A validated search request (apps/api validates the body). */
export interface ChunkSearchRequest {
  account_name: string;
  query: string;
  top_k: number;
  chat_bot_id?: string;
  content_names?: string[];
  score_threshold?: number;
}

export interface ChunkSearchPorts {
  embedder: Embedder;
  vectors: { search(vector: number[], filter: ChunkVectorFilter, limit: number): Promise<ChunkVectorHit[]> };
  chunks: {
    documentIdsByContentName(accountName: string, contentNames: string[], chatBotId?: string): Promise<number[]>;
    chunksWithDocuments(accountName: string, chunkIds: number[]): Promise<ChunkWithDocument[]>;
  };
}

/** What a process already holds (its Runtime) that a search reads. */
export interface ChunkSearchStores {
  embedder: Embedder;
  vectors: MilvusVectorStore;
  pool: Pool;
}

/**
 * Search over one account's chunks: embed the query (with the model's query
 * convention when it has one), find the nearest vectors in the account's
 * partition, and answer only the chunks PostgreSQL still holds, with their
 * text and metadata from there.
 */
export class ChunkSearch {
  constructor(private readonly ports: ChunkSearchPorts) {}

  static of(stores: ChunkSearchStores): ChunkSearch {
    return new ChunkSearch({ embedder: stores.embedder, vectors: new MilvusChunkSearch(stores.vectors), chunks: new PgChunkReader(stores.pool) });
  }

  async search(request: ChunkSearchRequest): Promise<ChunkSearchResult[]> {
    const { account_name: accountName, chat_bot_id: chatBotId } = request;
    const filter: ChunkVectorFilter = { accountName, ...(chatBotId !== undefined ? { chatBotId } : {}) };
    if (request.content_names !== undefined) {
      filter.documentIds = await this.ports.chunks.documentIdsByContentName(accountName, request.content_names, chatBotId);
      if (filter.documentIds.length === 0) return [];
    }
    const vector = await this.embedQuery(request.query);
    const hits = await this.ports.vectors.search(vector, filter, candidateCount(request.top_k));
    const rows = await this.ports.chunks.chunksWithDocuments(accountName, hits.map((hit) => hit.chunk_id));
    return joinHits(hits, rows, {
      topK: request.top_k, ...(request.score_threshold !== undefined ? { scoreThreshold: request.score_threshold } : {}),
    });
  }

  private async embedQuery(query: string): Promise<number[]> {
    const { embedder } = this.ports;
    const [vector] = embedder.embedQueries ? await embedder.embedQueries([query]) : await embedder.embed([query]);
    if (!vector) throw new Error('the embedder returned no vector for the query');
    return vector;
  }
}
