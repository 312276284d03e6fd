import { ConsistencyLevelEnum, ErrorCode, type MilvusClient, type QueryReq } from '@zilliz/milvus2-sdk-node';
import { DependencyError, errorMessage } from '@nonstop/core';
import { milvusIntList, type MilvusVectorStore } from '@nonstop/storage';
import { MILVUS_QUERY_WINDOW, windowFilter, type IdWindow } from './id-window';

/** Chunk ids Milvus holds, with the account each vector is filed under. */
export type VectorAccounts = Map<number, string>;

/** The ids of one query that fits in a `chunk_id in [...]` list comfortably. */
const IDS_PER_LOOKUP = 1_000;

/**
 * The audit's reads of Milvus: which chunk ids hold a vector, in a window or
 * among given ids, and how many rows a window holds. Strong consistency, so a
 * write acknowledged before the read is seen. Scoped to one account when
 * `accountName` is given (the account is the partition key: one partition is read).
 */
export class MilvusChunkIds {
  private readonly client: MilvusClient;
  private readonly collection: string;

  constructor(
    vectors: Pick<MilvusVectorStore, 'client' | 'collection'>,
    private readonly accountName?: string,
    private readonly queryLimit = MILVUS_QUERY_WINDOW,
  ) {
    this.client = vectors.client;
    this.collection = vectors.collection;
  }

  /**
   * The distinct ids of a window, up to the query limit (which counts rows
   * before Milvus merges a duplicated key): all of them when `rowsIn` said
   * the window holds fewer rows than the limit.
   */
  async inWindow(window: IdWindow): Promise<VectorAccounts> {
    return toVectorAccounts(
      await this.query({
        filter: windowFilter(window, this.accountName),
        output_fields: ['chunk_id', 'account_name'],
        limit: this.queryLimit,
      }),
    );
  }

  /** Rows in a window: a key stored twice counts twice. */
  async rowsIn(window: IdWindow): Promise<number> {
    const rows = await this.query({ filter: windowFilter(window, this.accountName), output_fields: ['count(*)'] });
    return Number(rows[0]?.['count(*)'] ?? 0);
  }

  /** Which of `ids` hold a vector now, and under which account (not scoped: a vector filed under another account shows as such). */
  async among(ids: number[]): Promise<VectorAccounts> {
    const found: VectorAccounts = new Map();
    for (let start = 0; start < ids.length; start += IDS_PER_LOOKUP) {
      const slice = ids.slice(start, start + IDS_PER_LOOKUP);
      // The limit counts rows before a duplicated key is merged: leave room for copies.
      const rows = await this.query({
        filter: `chunk_id in ${milvusIntList(slice)}`,
        output_fields: ['chunk_id', 'account_name'],
        limit: MILVUS_QUERY_WINDOW,
      });
      for (const [id, account] of toVectorAccounts(rows)) found.set(id, account);
    }
    return found;
  }

  private async query(request: Omit<QueryReq, 'collection_name'>): Promise<Array<Record<string, unknown>>> {
    let result;
    try {
      result = await this.client.query({ ...request, collection_name: this.collection, consistency_level: ConsistencyLevelEnum.Strong });
    } catch (error) {
      throw new DependencyError('milvus', `Milvus could not answer the consistency audit's query: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    // A status other than success is an answer (a bad expression, a collection not loaded), not an outage.
    if (result.status.error_code !== ErrorCode.SUCCESS) {
      throw new Error(
        `Milvus refused the consistency audit's query on ${this.collection}: ${result.status.error_code} ${result.status.reason}`,
      );
    }
    return result.data;
  }
}

function toVectorAccounts(rows: Array<Record<string, unknown>>): VectorAccounts {
  return new Map(rows.map((row) => [Number(row.chunk_id), String(row.account_name)]));
}
