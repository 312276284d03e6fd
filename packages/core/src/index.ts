export * from './config';
export * from './domain';
export * from './errors';
export * from './logger';
export * from './ports';
export * from './queues';
export * from './redis';
export * from './batch-insert-queue';
