export * from './postgres/pool';
export * from './postgres/migrate';
export * from './postgres/pg-document-store';
export * from './postgres/content-hash';
export * from './milvus/milvus-vector-store';
export * from './milvus/milvus-filter';
export * from './milvus/collection-schema';
