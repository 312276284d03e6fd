/**
 * Test helpers. Imported as '@nonstop/embeddings/src/testing', never from the
 * package's main index, so production code cannot pull them in by accident.
 */
export { fixedVector, startStandInEmbeddingServer } from './stand-in-embedding-server';
export type { StandInEmbeddingServer, StandInEmbeddingServerOptions, StandInRequests } from './stand-in-embedding-server';
