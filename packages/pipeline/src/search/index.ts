export { ChunkSearch, type ChunkSearchPorts, type ChunkSearchRequest, type ChunkSearchStores } from './chunk-search';
export { candidateCount, joinHits, type ChunkSearchResult } from './search-results';
