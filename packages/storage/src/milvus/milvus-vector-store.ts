import { ConsistencyLevelEnum, MilvusClient, type ResStatus } from '@zilliz/milvus2-sdk-node';
import { DependencyError, type VectorRow, type VectorStore } from '@nonstop/core';
import { expectSuccess, withMilvusRetries } from './milvus-calls';
import { chunkCollectionFields, describeSignature, type EmbeddingSignature } from './collection-schema';
import { nextPhysicalName, resolveCollectionName } from './collection-alias';
import { insertColumns } from './columnar-insert';
import { milvusIntList, milvusString } from './milvus-filter';

export interface MilvusVectorStoreOptions {
  address: string;
  collection: string;
  /** Attempts per write before the store counts as unavailable. */
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Rows per Insert call; a larger write is sliced. */
  insertRowsPerCall?: number;
  /** Deadline of one call (a hung Milvus fails the call, which is retried, then counts as unavailable). */
  callTimeoutMs?: number;
  /** How long a write trusts the last resolution of the alias (its physical collection and that one's model). */
  targetRecheckMs?: number;
}

const INSERT_ROWS_PER_CALL = 512;
/**
 * A write resolves the alias at most this long before it is made: within this
 * long after a re-embed switches the alias, a process still configured with
 * the old model may write into the old collection (never the new one); the
 * re-embed waits this out, then catches those writes up from PostgreSQL.
 */
export const WRITE_TARGET_RECHECK_MS = 5_000;
/** Ids per count query: keeps each filter expression a modest size. */
const COUNT_IDS_PER_QUERY = 1_000;

export class CollectionMismatchError extends Error {
  override name = 'CollectionMismatchError';
}

function mismatch(
  name: string,
  recorded: EmbeddingSignature | undefined,
  configured: EmbeddingSignature,
): CollectionMismatchError | undefined {
  if (recorded && recorded.embedding_model === configured.embedding_model && recorded.dimension === configured.dimension) return undefined;
  return new CollectionMismatchError(
    `Milvus collection "${name}" holds vectors of ${recorded ? `${recorded.embedding_model} (${recorded.dimension} dims)` : 'an unknown model'}, ` +
      `but the configured embedding model is ${configured.embedding_model} (${configured.dimension} dims). ` +
      'After a re-embed (npm run reembed), restart with the EMBEDDING_* settings of the new model; ' +
      'otherwise set MILVUS_COLLECTION to a new name, or configure the model the collection was made with' +
      // The default was all-MiniLM-L6-v2 before local-e5: say how to keep it, or move to the new default.
      (recorded?.embedding_model === 'all-MiniLM-L6-v2'
        ? ' (EMBEDDING_PROVIDER=local for all-MiniLM-L6-v2, or npm run reembed -- --provider local-e5 to move to the default).'
        : '.'),
  );
}

/** Vectors in Milvus, keyed by the PostgreSQL chunk id; every write is an upsert. */
export class MilvusVectorStore implements VectorStore {
  readonly client: MilvusClient;
  /** The collection (or alias) this store reads and writes. */
  readonly collection: string;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly insertRowsPerCall: number;
  private readonly callTimeoutMs: number;
  private readonly targetRecheckMs: number;
  /** The model this process writes, once ensureCollection checked it. */
  private signature: EmbeddingSignature | undefined;
  private target: { physical: string; until: number } | undefined;

  constructor(options: MilvusVectorStoreOptions) {
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.client = new MilvusClient({
      address: options.address,
      timeout: this.callTimeoutMs,
      logLevel: 'error',
      // gRPC backs off up to 2 minutes between reconnects by default; after an outage
      // we want Milvus back within seconds of it answering again.
      channelOptions: { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 3_000 },
    });
    // The SDK's constructor starts a Connect call whose promise nobody awaits: with Milvus
    // unreachable it would reject unobserved and the crash handler would end the process.
    // Calls made later report the outage themselves (DependencyError after retries).
    this.client.connectPromise.catch(() => undefined);
    this.collection = options.collection;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.insertRowsPerCall = options.insertRowsPerCall ?? INSERT_ROWS_PER_CALL;
    this.targetRecheckMs = options.targetRecheckMs ?? WRITE_TARGET_RECHECK_MS;
  }

  /**
   * Creates the collection for this embedding model, or checks that an
   * existing one was made for the same model and dimension: writing vectors
   * of another model into it would corrupt search silently. A new deployment
   * gets a physical collection `<name>_<model>_v1` and the alias `<name>`
   * over it (what a re-embed switches); a name that is already a physical
   * collection is used as it is until the first re-embed adopts it.
   */
  async ensureCollection(signature: EmbeddingSignature): Promise<void> {
    let resolved = await this.call('check the collection', () => resolveCollectionName(this.client, this.collection));
    let created: string | undefined;
    if (resolved.kind === 'missing') {
      try {
        const name = await this.call('name the collection', () =>
          nextPhysicalName(this.client, this.collection, signature.embedding_model),
        );
        await this.createChunkCollection(name, signature);
        await this.checked('create the alias', () => this.client.createAlias({ alias: this.collection, collection_name: name }));
        created = name;
      } catch (error) {
        // Another process starting at the same moment may have created them first: use what it made.
        resolved = await this.call('check the collection', () => resolveCollectionName(this.client, this.collection));
        if (resolved.kind === 'missing') throw error;
      }
    }
    if (resolved.kind !== 'missing' && created === undefined) {
      const refused = mismatch(this.collection, resolved.signature, signature);
      if (refused) throw refused;
    }
    const physical = created ?? (resolved.kind === 'missing' ? this.collection : resolved.physical);
    await this.checked('load the collection', () => this.client.loadCollectionSync({ collection_name: physical }));
    this.signature = signature;
    this.target = { physical, until: Date.now() + this.targetRecheckMs };
  }

  /** A physical chunk collection for vectors of this model, indexed (not loaded). */
  async createChunkCollection(name: string, signature: EmbeddingSignature): Promise<void> {
    await this.checked('create the collection', () =>
      this.client.createCollection({
        collection_name: name,
        description: describeSignature(signature),
        fields: chunkCollectionFields(signature.dimension),
        consistency_level: 'Bounded',
      }),
    );
    await this.checked('index the collection', () =>
      this.client.createIndex({
        collection_name: name,
        field_name: 'embedding',
        index_type: 'HNSW',
        metric_type: 'COSINE',
        params: { M: 16, efConstruction: 200 },
      }),
    );
  }

  /**
   * The physical collection a write goes to: the alias's target, read again
   * once the last reading is older than targetRecheckMs, with its model
   * checked against this process's. After a re-embed switched the alias, a
   * process of the old model refuses to write (a DependencyError: the job
   * pauses, and resumes in a process restarted with the new model) rather
   * than filing old-model vectors in the new collection. Writing to the
   * physical name, not the alias, keeps a write in flight during the switch
   * in the collection whose model it was checked against.
   */
  async writeTarget(): Promise<string> {
    if (!this.signature) return this.collection;
    if (this.target && Date.now() < this.target.until) return this.target.physical;
    const resolved = await this.call('check the collection', () => resolveCollectionName(this.client, this.collection));
    const refused =
      resolved.kind === 'missing'
        ? new CollectionMismatchError(`Milvus collection "${this.collection}" no longer exists`)
        : mismatch(this.collection, resolved.signature, this.signature);
    if (refused || resolved.kind === 'missing') {
      this.target = undefined;
      throw new DependencyError('milvus', refused!.message, { cause: refused });
    }
    this.target = { physical: resolved.physical, until: Date.now() + this.targetRecheckMs };
    return resolved.physical;
  }

  /**
   * Replace-by-primary-key, as delete then insert. Milvus 2.3.5's own upsert
   * routes rows of a partition-key collection to the wrong partition (a query
   * `account_name == "..."` then misses them; reproduced against the server
   * this project tests with), while delete + insert is what upsert does
   * internally, routed correctly. A crash between the two leaves the chunks
   * without vectors, and the ledger has not marked the document succeeded,
   * so the replay writes them again.
   */
  async upsert(rows: VectorRow[], signal?: AbortSignal): Promise<void> {
    if (rows.length === 0) return;
    const collection = await this.writeTarget();
    // Delete and insert are one unit, retried together: an insert whose reply was lost
    // may have landed, and only the delete before the next insert keeps one row per key.
    await this.call(
      'replace vectors',
      async () => {
        expectSuccess(
          await this.client.deleteEntities({
            collection_name: collection,
            filter: `chunk_id in ${milvusIntList(rows.map((row) => row.chunk_id))}`,
          }),
          'the write',
        );
        for (let start = 0; start < rows.length; start += this.insertRowsPerCall) {
          expectSuccess(
            await insertColumns(this.client, collection, rows.slice(start, start + this.insertRowsPerCall), this.callTimeoutMs),
            'the write',
          );
        }
      },
      signal,
    );
  }

  async deleteByDocumentIds(docIds: number[]): Promise<void> {
    if (docIds.length === 0) return;
    await this.checked('delete vectors', () =>
      this.client.deleteEntities({
        collection_name: this.collection,
        filter: `document_id in ${milvusIntList(docIds)}`,
      }),
    );
  }

  /**
   * Vectors of these documents, at Strong consistency (every delete acknowledged
   * before the call is seen): what a delete job checks is zero before it completes.
   */
  async countByDocumentIds(docIds: number[]): Promise<number> {
    let total = 0;
    for (let start = 0; start < docIds.length; start += COUNT_IDS_PER_QUERY) {
      const filter = `document_id in ${milvusIntList(docIds.slice(start, start + COUNT_IDS_PER_QUERY))}`;
      const result = await this.call('count vectors', async () => {
        const answer = await this.client.query({
          collection_name: this.collection,
          filter,
          output_fields: ['count(*)'],
          consistency_level: ConsistencyLevelEnum.Strong,
        });
        expectSuccess(answer, 'the count');
        return answer;
      });
      total += Number(result.data[0]?.['count(*)'] ?? 0);
    }
    return total;
  }

  async deleteByJobId(jobId: string): Promise<void> {
    await this.checked('delete vectors', () =>
      this.client.deleteEntities({
        collection_name: this.collection,
        filter: `job_id == ${milvusString(jobId)}`,
      }),
    );
  }

  async ping(): Promise<void> {
    await this.call('reach Milvus', () => this.client.checkHealth());
  }

  async close(): Promise<void> {
    this.client.closeConnection();
  }

  private async checked(action: string, operation: () => Promise<ResStatus | { status: ResStatus }>): Promise<void> {
    await this.call(action, async () => expectSuccess(await operation(), 'the write'));
  }

  private call<T>(action: string, operation: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withMilvusRetries({ action, maxAttempts: this.maxAttempts, retryDelayMs: this.retryDelayMs, signal }, operation);
  }
}
