import type { Pool } from 'pg';
import type { Embedder } from '@nonstop/core';
import {
  MilvusChunkSearch,
  PgChunkReader,
  type ChunkVectorFilter,
  type ChunkVectorHit,
  type ChunkWithDocument,
  type MilvusVectorStore,
} from '@nonstop/storage';
import { candidateCount, joinHits, type ChunkSearchResult } from './search-results';

/** Searches per request when a document was replaced meanwhile (see ChunkSearch.search). */
const SEARCH_ATTEMPTS = 3;

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
    return new ChunkSearch({
      embedder: stores.embedder,
      vectors: new MilvusChunkSearch(stores.vectors),
      chunks: new PgChunkReader(stores.pool),
    });
  }

  /**
   * A document replaced between the vector search and the row read shows up
   * as hits of a superseded version (its new version's vectors were written
   * before it became active, so a search from now on finds them): the search
   * is run again, so a reader sees the new version whole instead of no
   * version. A few attempts; past them the answer leaves that document out.
   */
  async search(request: ChunkSearchRequest): Promise<ChunkSearchResult[]> {
    let vector: number[] | undefined;
    let rows: ChunkWithDocument[] = [];
    let hits: ChunkVectorHit[] = [];
    for (let attempt = 1; attempt <= SEARCH_ATTEMPTS; attempt += 1) {
      const filter = await this.filterOf(request);
      if (!filter) return [];
      vector ??= await this.embedQuery(request.query);
      hits = await this.ports.vectors.search(vector, filter, candidateCount(request.top_k));
      rows = await this.ports.chunks.chunksWithDocuments(
        request.account_name,
        hits.map((hit) => hit.chunk_id),
      );
      if (!rows.some((row) => row.state === 'superseded')) break;
    }
    return joinHits(
      hits,
      rows.filter((row) => row.state !== 'superseded'),
      {
        topK: request.top_k,
        ...(request.score_threshold !== undefined ? { scoreThreshold: request.score_threshold } : {}),
      },
    );
  }

  /** The vector filter; undefined when content names were given and none exists. Read again on every attempt. */
  private async filterOf(request: ChunkSearchRequest): Promise<ChunkVectorFilter | undefined> {
    const { account_name: accountName, chat_bot_id: chatBotId } = request;
    const filter: ChunkVectorFilter = { accountName, ...(chatBotId !== undefined ? { chatBotId } : {}) };
    if (request.content_names === undefined) return filter;
    filter.documentIds = await this.ports.chunks.documentIdsByContentName(accountName, request.content_names, chatBotId);
    return filter.documentIds.length === 0 ? undefined : filter;
  }

  private async embedQuery(query: string): Promise<number[]> {
    const { embedder } = this.ports;
    const [vector] = embedder.embedQueries ? await embedder.embedQueries([query]) : await embedder.embed([query]);
    if (!vector) throw new Error('the embedder returned no vector for the query');
    return vector;
  }
}
