export * from './deadline';
export * from './document-results';
export * from './duplicates-in-request';
export * from './ingestion-pipeline';
export * from './micro-batches';
export * from './batch-job-runner';
export * from './job-progress';
export * from './runtime/create-runtime';
