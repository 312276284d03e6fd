export * from './config-error';
export * from './env-reader';
export * from './load-config';
export * from './resource-limits';
export * from './tracing-config';
