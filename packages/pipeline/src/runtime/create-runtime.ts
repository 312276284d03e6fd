import { appendFileSync } from 'node:fs';
import type { Pool } from 'pg';
import { errorMessage, isErrorNamed, type AppConfig, type Embedder, type Logger, type Metrics } from '@nonstop/core';
import { createEmbedder } from '@nonstop/embeddings';
import { createPool, MilvusVectorStore, PgDocumentDeletes, PgDocumentStore, PgJobStore } from '@nonstop/storage';
import { DocumentDeletion } from '../delete/document-deletion';
import { IngestionPipeline, type PipelineDependencies } from '../ingestion-pipeline';
import { checkCollectionInBackground, type CollectionCheck } from './background-collection-check';
import { TimedDocumentStore, TimedEmbedder, TimedVectorStore } from '../timed-ports';

/** The adapters chosen by config, wired to the pipeline: shared by the API and the worker. */
export interface Runtime {
  pool: Pool;
  documents: PgDocumentStore;
  jobs: PgJobStore;
  vectors: MilvusVectorStore;
  embedder: Embedder;
  pipeline: IngestionPipeline;
  /** What runs delete jobs. */
  deletion: DocumentDeletion;
  /** Settles once the Milvus collection is checked (at once, unless Milvus was down at start-up with `milvusAtStart: 'background'`). */
  collectionReady: Promise<void>;
  close(): Promise<void>;
}

export async function createRuntime(
  config: AppConfig,
  logger: Logger,
  options: {
    applicationName: string;
    onEmbedded?: PipelineDependencies['onEmbedded'];
    /** Times the pipeline's stages and counts embedding retries; the Runtime's own adapters stay untimed and untraced. */
    metrics?: Metrics;
    /**
     * `required` (default): a Milvus that does not answer fails the start-up. `background`: the
     * process starts anyway and checks the collection until Milvus answers (the API, which
     * accepts jobs without Milvus); a collection of another model still fails at once when seen.
     */
    milvusAtStart?: 'required' | 'background';
  },
): Promise<Runtime> {
  const auditFile = config.embeddingAuditFile;
  const onEmbedded =
    options.onEmbedded ?? (auditFile ? (chunkIds: number[]) => appendFileSync(auditFile, `${chunkIds.join('\n')}\n`) : undefined);
  const pool = createPool(config.databaseUrl, {
    applicationName: options.applicationName,
    onIdleConnectionLost: (error) =>
      logger.warn('an idle PostgreSQL connection was closed; the next query opens a new one', { error: error.message }),
  });
  const vectors = new MilvusVectorStore({ address: config.milvusAddress, collection: config.milvusCollection });
  let embedder: Embedder;
  try {
    embedder = await createEmbedder(
      config.embedding,
      logger,
      options.metrics ? { onRetry: (reason) => options.metrics!.recordEmbeddingRetry(reason) } : undefined,
    );
  } catch (error) {
    await Promise.allSettled([pool.end(), vectors.close()]);
    throw error;
  }
  const signature = { embedding_model: embedder.model, dimension: embedder.dimension };
  let background: CollectionCheck | undefined;
  try {
    await vectors.ensureCollection(signature);
  } catch (error) {
    if (options.milvusAtStart !== 'background' || !isErrorNamed(error, 'DependencyError')) {
      await Promise.allSettled([pool.end(), vectors.close(), embedder.close?.()]);
      throw error;
    }
    logger.warn('Milvus unavailable at start-up: starting without it, checking its collection until it answers', {
      error: errorMessage(error),
    });
    background = checkCollectionInBackground(vectors, signature, logger);
  }
  const documents = new PgDocumentStore(pool);
  const pipeline = new IngestionPipeline(
    { ...timedPorts({ documents, vectors, embedder }, options.metrics), logger, ...(onEmbedded ? { onEmbedded } : {}) },
    {
      documentTimeoutMs: config.worker.documentTimeoutMs,
      batchChunks: config.worker.pipelineBatchChunks,
      batchesInFlight: config.worker.pipelineBatchesInFlight,
    },
  );
  return {
    pool,
    documents,
    jobs: new PgJobStore(pool),
    vectors,
    embedder,
    pipeline,
    deletion: new DocumentDeletion(new PgDocumentDeletes(pool), documents, vectors),
    collectionReady: background?.ready ?? Promise.resolve(),
    async close() {
      background?.stop();
      await Promise.allSettled([pool.end(), vectors.close(), embedder.close?.()]);
    },
  };
}

/**
 * The ports as the pipeline sees them: wrapped in decorators that time each
 * stage (when metrics are on) and trace it (a no-op span while tracing is off).
 */
function timedPorts(
  ports: Pick<PipelineDependencies, 'documents' | 'vectors' | 'embedder'>,
  metrics: Metrics | undefined,
): Pick<PipelineDependencies, 'documents' | 'vectors' | 'embedder'> {
  const observe = metrics ? metrics.observeStage.bind(metrics) : () => undefined;
  return {
    documents: new TimedDocumentStore(ports.documents, observe),
    vectors: new TimedVectorStore(ports.vectors, observe),
    embedder: new TimedEmbedder(ports.embedder, observe),
  };
}
