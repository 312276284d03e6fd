import { Router } from 'express';
import { errorMessage, isErrorNamed, UnprocessableError, withoutAddresses } from '@nonstop/core';
import { ChunkSearch, type ChunkSearchStores } from '@nonstop/pipeline';
import { callerOf } from '../auth/api-key-auth';
import { assertOwnAccount } from '../auth/tenancy';
import { jsonBody } from '../http/json-body';
import { validateSearchBody } from '../validation/validate-search-body';

/** The embedder, Milvus and PostgreSQL of the process (its Runtime). */
export type SearchStores = ChunkSearchStores;

/** Room for the largest valid body: 100 content names of 2,048 four-byte characters, and a query. */
export const SEARCH_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * `POST /search`: the chunks of the caller's account closest to a query.
 * A store or the embedder being down is a DependencyError, answered 503 by
 * the app's error handling like every route's.
 */
export function searchRoutes(stores: SearchStores): Router {
  const search = ChunkSearch.of(stores);
  const router = Router();
  router.post('/search', jsonBody(SEARCH_BODY_LIMIT_BYTES), async (req, res) => {
    const request = validateSearchBody(req.body);
    assertOwnAccount(request.account_name, callerOf(res));
    try {
      res.json({ results: await search.search(request) });
    } catch (error) {
      if (isErrorNamed(error, 'EmbeddingRejectedError')) {
        throw new UnprocessableError(
          'embedding_rejected',
          `The embedding service refused the query: ${withoutAddresses(errorMessage(error))}`,
        );
      }
      throw error;
    }
  });
  return router;
}
