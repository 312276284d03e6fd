import request from 'supertest';
import { startStandInEmbeddingServer, type StandInEmbeddingServer } from '@nonstop/embeddings/src/testing';
import { startInProcessApi } from '../../../test/support/in-process-api';
import { JobHarness, waitForFinal } from '../../../test/support/job-harness';
import { stopApp } from '../../../test/support/processes';
import { makeDocuments, StoreInspector, testConfig, uniqueAccount, waitFor } from '../../../test/support/test-env';

/**
 * Fair scheduling across accounts, with real worker processes. The embedding
 * model is a STAND-IN fixed-vector endpoint (named so): this measures
 * scheduling, not embedding, and a CPU model would make 100,000 documents
 * take an hour.
 *
 * Two workers, two job slots (MAX_ACTIVE_JOBS=2), one slot per account while
 * others wait (MAX_ACTIVE_JOBS_PER_ACCOUNT=1). Account A fills the queue with
 * 10 jobs of 10,000 one-chunk documents and holds both slots; account B then
 * submits one small job. The bound on B: A's second job notices B within one
 * FAIR_SHARE_CHECK_MS, finishes the micro-batches it has in flight
 * (PIPELINE_BATCHES_IN_FLIGHT of PIPELINE_BATCH_CHUNKS chunks), hands its slot
 * back; B runs (one micro-batch of its own).
 */
describe('fair scheduling across accounts (worker processes, stand-in embedding endpoint)', () => {
  jest.setTimeout(1_200_000);
  let standIn: StandInEmbeddingServer;
  let stores: StoreInspector;
  const collection = 'test_standin_chunks';
  const checkMs = 500;
  const env = (url: string): Record<string, string> => ({
    EMBEDDING_PROVIDER: 'openai',
    EMBEDDING_BASE_URL: url,
    EMBEDDING_MODEL: 'stand-in-fixed-vectors',
    EMBEDDING_DIMENSION: '384',
    MILVUS_COLLECTION: collection,
    EMBEDDING_MAX_RETRIES: '0',
    MAX_ACTIVE_JOBS: '2',
    WORKER_CONCURRENCY: '2',
    MAX_ACTIVE_JOBS_PER_ACCOUNT: '1',
    FAIR_SHARE_CHECK_MS: String(checkMs),
    PIPELINE_BATCH_CHUNKS: '512',
    PIPELINE_BATCHES_IN_FLIGHT: '2',
  });

  beforeAll(async () => {
    standIn = await startStandInEmbeddingServer();
    stores = new StoreInspector(testConfig({ MILVUS_COLLECTION: collection }));
  });
  afterAll(async () => {
    await stores.close();
    await standIn.close();
  });

  it("B's small job completes within about one micro-batch of A's per slot, A's 10 x 10,000 documents all complete, FIFO within A, through a kill -9", async () => {
    const harness = new JobHarness(env(standIn.url));
    const api = await startInProcessApi(testConfig({ ...env(standIn.url), QUEUE_PREFIX: harness.prefix }));
    const a = uniqueAccount('fairA');
    const b = uniqueAccount('fairB');
    try {
      const workers = [harness.startWorker(), harness.startWorker()];
      const aJobs: string[] = [];
      for (let i = 0; i < 10; i += 1) {
        const created = await request(api.app)
          .post('/job/batch-insert')
          .send({ account_name: a, documents: makeDocuments(10_000, { prefix: `a${i}`, chunks: 1 }) })
          .expect(202);
        aJobs.push(created.body.job_id as string);
      }
      // A alone may use every slot: both run.
      await waitFor(
        'A to hold both slots',
        async () => {
          const result = await stores.pool.query(
            `SELECT count(*)::int AS n FROM ingest_jobs WHERE id = ANY($1::uuid[]) AND status = 'processing' AND processed_documents > 0`,
            [aJobs],
          );
          return result.rows[0].n === 2;
        },
        300_000,
        50,
      );
      // A's micro-batch time, measured while its two jobs share the machine.
      const processed = async (): Promise<number> =>
        (
          await stores.pool.query('SELECT COALESCE(sum(processed_documents), 0)::int AS n FROM ingest_jobs WHERE id = ANY($1::uuid[])', [
            aJobs,
          ])
        ).rows[0].n as number;
      const [p0, t0] = [await processed(), Date.now()];
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const [p1, t1] = [await processed(), Date.now()];
      const batchMs = (512 / ((p1 - p0) / 2)) * (t1 - t0); // one job's 512-chunk micro-batch
      const aDoneBefore = await completedCount(aJobs);

      const submittedAt = Date.now();
      const bCreated = await request(api.app)
        .post('/job/batch-insert')
        .send({ account_name: b, documents: makeDocuments(10, { prefix: 'b', chunks: 1 }) })
        .expect(202);
      const bJob = bCreated.body.job_id as string;
      const { job: bFinal } = await waitForFinal(api.app, bJob, 120_000);
      const bLatencyMs = Date.now() - submittedAt;
      const aDoneWhenBDone = await completedCount(aJobs);
      expect(bFinal.progress).toMatchObject({ success_count: 10, failure_count: 0 });

      // Then both workers die with A's jobs (and their slots) in hand; new workers resume them.
      const held = await stores.pool.query<{ job_id: string; run_count: number }>(
        `SELECT s.job_id, j.run_count FROM job_slots s JOIN ingest_jobs j ON j.id = s.job_id
          WHERE s.queue_prefix = $1 AND s.expires_at > now() AND j.status = 'processing'`,
        [harness.prefix],
      );
      await Promise.all(workers.map((worker) => stopApp(worker, 'SIGKILL')));
      harness.startWorker();
      harness.startWorker();
      const finished = await waitFor("all of A's jobs to complete", async () => (await completedCount(aJobs)) === 10, 1_000_000, 500);
      expect(finished).toBe(true);
      expect(held.rows.length).toBeGreaterThan(0);
      const after = await stores.pool.query<{ id: string; run_count: number }>(
        'SELECT id, run_count FROM ingest_jobs WHERE id = ANY($1::uuid[])',
        [held.rows.map((row) => row.job_id)],
      );
      // the jobs the dead workers held were run again from their ledgers (one may have finished just before the kill)
      const rerun = held.rows.filter((row) => after.rows.find((job) => job.id === row.job_id)!.run_count > row.run_count);
      expect(rerun.length).toBeGreaterThanOrEqual(1);

      const timings = await stores.pool.query<{ id: string; started_at: Date; finished_at: Date; created_at: Date; run_count: number }>(
        'SELECT id, created_at, started_at, finished_at, run_count FROM ingest_jobs WHERE id = ANY($1::uuid[]) ORDER BY created_at',
        [aJobs],
      );
      const starts = timings.rows.map((row) => row.started_at.getTime());
      // FIFO within the account: each job started no earlier than the one submitted before it.
      expect(starts).toEqual([...starts].sort((x, y) => x - y));
      // The check that notices B, A's two micro-batches in flight, B's own micro-batch, and 2 s for the queue and the hand-backs.
      const bound = checkMs + 3 * batchMs + 2_000;
      console.log(
        JSON.stringify({
          b_latency_ms: bLatencyMs,
          a_micro_batch_ms: Math.round(batchMs),
          bound_ms: Math.round(bound),
          a_completed_before_b: aDoneBefore,
          a_completed_when_b_done: aDoneWhenBDone,
          a_runs: timings.rows.map((row) => row.run_count),
        }),
      );
      expect(aDoneWhenBDone).toBeLessThanOrEqual(aDoneBefore + 1); // B did not wait for A's queue
      expect(bLatencyMs).toBeLessThan(bound);

      expect(await stores.documentCount(a)).toBe(100_000);
      expect(await stores.documentCount(b)).toBe(10);
      const slots = await stores.pool.query('SELECT count(*)::int AS n FROM job_slots WHERE queue_prefix = $1 AND expires_at > now()', [
        harness.prefix,
      ]);
      expect(slots.rows[0].n).toBe(0);
    } finally {
      await harness.stopAll();
      await api.close();
      // 100,000 vectors would weigh on the shared stand-in collection's searches in other tests
      await stores.milvus.deleteEntities({ collection_name: collection, filter: `account_name in ["${a}", "${b}"]` });
    }

    async function completedCount(ids: string[]): Promise<number> {
      const result = await stores.pool.query(
        `SELECT count(*)::int AS n FROM ingest_jobs WHERE id = ANY($1::uuid[]) AND status = 'completed'`,
        [ids],
      );
      return result.rows[0].n as number;
    }
  });
});
