import { errorMessage, isErrorNamed, type Logger } from '@nonstop/core';
import type { EmbeddingSignature, MilvusVectorStore } from '@nonstop/storage';

export interface CollectionCheck {
  /** Settles once the collection is checked; rejects if it was made for another model (a start-up error, late). */
  ready: Promise<void>;
  stop(): void;
}

/**
 * Checks (or creates) the Milvus collection again every `retryMs` until
 * Milvus answers. For a process that must serve without Milvus: the API
 * accepts jobs with PostgreSQL and Redis alone, so a Milvus restart must
 * not keep a restarted API from starting.
 */
export function checkCollectionInBackground(
  vectors: MilvusVectorStore,
  signature: EmbeddingSignature,
  logger: Logger,
  retryMs = 5_000,
): CollectionCheck {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const ready = new Promise<void>((resolve, reject) => {
    const attempt = (): void => {
      if (stopped) return;
      vectors.ensureCollection(signature).then(
        () => {
          logger.info('Milvus answers again: collection checked');
          resolve();
        },
        (error: unknown) => {
          if (!isErrorNamed(error, 'DependencyError')) return reject(error);
          logger.warn(`Milvus still unavailable; checking the collection again in ${retryMs} ms`, { error: errorMessage(error) });
          timer = setTimeout(attempt, retryMs);
        },
      );
    };
    timer = setTimeout(attempt, retryMs);
  });
  return {
    ready,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
