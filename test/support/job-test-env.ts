import type { AppConfig } from '@nonstop/core';
import { startInProcessApi, type InProcessApi } from './in-process-api';
import { JobHarness } from './job-harness';
import { StoreInspector, testConfig } from './test-env';

export interface JobTestEnv {
  harness: JobHarness;
  config: AppConfig;
  readonly api: InProcessApi;
  readonly stores: StoreInspector;
}

/**
 * Registers the hooks every job test file needs: an in-process API and a
 * store inspector for the file, worker processes stopped afterwards. Worker
 * env (`workerEnv`) goes to the workers only; the API sees the queue prefix.
 */
export function useJobTestEnv(options: { workerEnv?: Record<string, string>; cancelWaitMs?: number } = {}): JobTestEnv {
  const harness = new JobHarness(options.workerEnv);
  const config = testConfig({ QUEUE_PREFIX: harness.prefix, EMBEDDING_AUDIT_FILE: harness.auditFile });
  let api: InProcessApi | undefined;
  let stores: StoreInspector | undefined;
  beforeAll(async () => {
    api = await startInProcessApi(config, options.cancelWaitMs !== undefined ? { cancelWaitMs: options.cancelWaitMs } : {});
    stores = new StoreInspector(config);
  });
  // Each test starts the workers it needs: a worker left from an earlier test would take its job.
  afterEach(async () => harness.stopAll());
  afterAll(async () => {
    await api?.close();
    await stores?.close();
  });
  return {
    harness,
    config,
    get api() {
      return api!;
    },
    get stores() {
      return stores!;
    },
  };
}
