import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStandInEmbeddingServer, type StandInEmbeddingServer } from '@nonstop/embeddings/src/testing';
import { listenOnLoopback, startInProcessApi, type InProcessApi } from '../../../test/support/in-process-api';
import { JobHarness } from '../../../test/support/job-harness';
import { testConfig, uniqueAccount } from '../../../test/support/test-env';
import { runCli } from './run-cli';

/**
 * A job that fails for real (over its time limit, because a stand-in
 * embedding endpoint hangs on one text): `submit --wait` must exit non-zero.
 */
describe('CLI: submit --wait for a job that fails', () => {
  let standIn: StandInEmbeddingServer;
  let api: InProcessApi;
  let listener: Awaited<ReturnType<typeof listenOnLoopback>>;
  let harness: JobHarness;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nonstop-cli-failed-'));

  beforeAll(async () => {
    standIn = await startStandInEmbeddingServer({ hangTextsContaining: 'HANG-HERE' });
    const env = {
      EMBEDDING_PROVIDER: 'openai',
      EMBEDDING_BASE_URL: standIn.url,
      EMBEDDING_MODEL: 'stand-in-fixed-vectors',
      EMBEDDING_DIMENSION: '384',
      EMBEDDING_MAX_RETRIES: '0',
      MILVUS_COLLECTION: 'test_standin_chunks',
      JOB_TIMEOUT_MS: '4000',
      DOCUMENT_TIMEOUT_MS: '3000',
      PIPELINE_BATCH_CHUNKS: '2',
    };
    harness = new JobHarness(env);
    api = await startInProcessApi(testConfig(harness.env));
    listener = await listenOnLoopback(api);
    harness.startWorker();
  });
  afterAll(async () => {
    await harness.stopAll();
    await listener.close();
    await api.close();
    await standIn.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('exits 1 and reports the failure', async () => {
    const file = path.join(tmp, 'failing.json');
    writeFileSync(
      file,
      JSON.stringify(
        Array.from({ length: 40 }, (_, n) => ({
          content_name: `https://example.com/failing/${n}`,
          text: n === 30 ? 'HANG-HERE: this one never embeds' : `document ${n}`,
        })),
      ),
    );
    const run = runCli(['submit', file, '--account', uniqueAccount('clifail'), '--bot', 'bot001', '--wait', '--poll', '500'], {
      NONSTOP_URL: listener.baseUrl,
    });
    expect(await run.code).toBe(1);
    expect(run.stdout()).toMatch(/: failed/);
  });
});
