import { ConsistencyLevelEnum, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { Embedder } from '@nonstop/core';
import { expectSuccess, milvusIntList, MilvusVectorStore, type ChunkToReembed, type PgReembedStore } from '@nonstop/storage';
import { ID_SPACE, MILVUS_QUERY_WINDOW, windowFilter, type IdWindow } from '../audit/id-window';
import { MilvusChunkIds } from '../audit/milvus-chunk-ids';

/** What one pass over a collection changed. */
export interface CatchUpResult {
  pg_chunks: number;
  /** Chunks that had no vector in the collection and were embedded into it. */
  written: number;
  /** Vectors whose chunk row is gone (deleted or rolled back meanwhile), deleted from it. */
  deleted: number;
}

const IDS_PER_PAGE = 5_000;

/**
 * Makes one physical collection hold exactly PostgreSQL's chunks: walks the
 * chunk ids in id order, a page at a time, against the collection's ids of
 * the same window (the first and last windows reach the ends of the id
 * space), embeds the chunks it lacks and deletes the vectors whose rows are
 * gone. Comparing whole sets rather than ids above a checkpoint also catches
 * a row committed late with a low id and a document deleted meanwhile.
 * Writers may run during the pass; the re-embed repeats it until one pass
 * changes nothing.
 */
export async function catchUpPass(deps: {
  chunks: PgReembedStore;
  client: MilvusClient;
  collection: string;
  embedder: Embedder;
  writer: MilvusVectorStore;
  batchSize: number;
}): Promise<CatchUpResult> {
  const milvus = new MilvusChunkIds({ client: deps.client, collection: deps.collection });
  const result: CatchUpResult = { pg_chunks: 0, written: 0, deleted: 0 };
  for (let after = ID_SPACE.after; ;) {
    const ids = await deps.chunks.chunkIdsAfter(Math.max(after, 0), IDS_PER_PAGE);
    const upTo = ids.length === IDS_PER_PAGE ? ids[ids.length - 1]! : ID_SPACE.upTo;
    const window: IdWindow = { after, upTo };
    if ((await milvus.rowsIn(window)) >= MILVUS_QUERY_WINDOW) {
      throw new Error(
        `collection ${deps.collection} holds more rows in chunk ids (${after}, ${upTo}] than one query returns; run npm run audit -- --repair first`,
      );
    }
    const vectors = await milvus.inWindow(window);
    result.pg_chunks += ids.length;
    const rows = new Set(ids);
    const missing = ids.filter((id) => !vectors.has(id));
    const orphans = [...vectors.keys()].filter((id) => !rows.has(id));
    result.written += await embedInto(deps, await deps.chunks.chunksAmong(missing));
    // An orphan counts only when its row is still absent: it may have been committed since the page was read.
    const stillPresent = new Set((await deps.chunks.chunksAmong(orphans)).map((chunk) => chunk.chunk_id));
    const deletable = orphans.filter((id) => !stillPresent.has(id));
    if (deletable.length > 0) {
      expectSuccess(
        await deps.client.deleteEntities({ collection_name: deps.collection, filter: `chunk_id in ${milvusIntList(deletable)}` }),
        'the delete',
      );
      result.deleted += deletable.length;
    }
    if (upTo === ID_SPACE.upTo) return result;
    after = upTo;
  }
}

/** Embeds chunks (as passages) and writes their vectors, `batchSize` at a time. Returns the chunks written. */
export async function embedInto(
  deps: { embedder: Embedder; writer: MilvusVectorStore; batchSize: number },
  chunks: ChunkToReembed[],
): Promise<number> {
  for (let start = 0; start < chunks.length; start += deps.batchSize) {
    const batch = chunks.slice(start, start + deps.batchSize);
    const embeddings = await deps.embedder.embed(batch.map((chunk) => chunk.text));
    await deps.writer.upsert(batch.map(({ text: _text, ...chunk }, i) => ({ ...chunk, embedding: embeddings[i]! })));
  }
  return chunks.length;
}

/** Rows of a collection at Strong consistency: every write acknowledged before the call is counted. */
export async function countVectors(client: MilvusClient, collection: string): Promise<number> {
  const answer = await client.query({
    collection_name: collection,
    filter: windowFilter(ID_SPACE),
    output_fields: ['count(*)'],
    consistency_level: ConsistencyLevelEnum.Strong,
  });
  expectSuccess(answer.status, 'the count');
  return Number(answer.data[0]?.['count(*)'] ?? 0);
}
