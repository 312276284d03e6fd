import { randomUUID } from 'node:crypto';
import { createPool, PgJobStore } from '@nonstop/storage';
import { JobStatusReader } from '../src/jobs/job-status-reader';
import { makeDocuments, testConfig, uniqueAccount } from '../../../test/support/test-env';

/** Real PostgreSQL; the store is wrapped only to count the reads that reach it. */
describe('JobStatusReader: shared reads of GET /job/{id}, staleness bounded', () => {
  const config = testConfig();
  const pool = createPool(config.databaseUrl, { applicationName: 'test-status-reader' });
  const store = new PgJobStore(pool);
  let reads = 0;
  const counted = Object.assign(Object.create(store) as PgJobStore, {
    getJob: (id: string) => {
      reads += 1;
      return store.getJob(id);
    },
  });

  afterAll(async () => {
    await pool.end();
  });

  async function stageJob(): Promise<string> {
    const id = randomUUID();
    await store.createJob({
      id,
      accountName: uniqueAccount('status'),
      documents: makeDocuments(3),
      requestHash: 'h',
      expiresAt: new Date(Date.now() + 3600_000),
      duplicates: new Map(),
    });
    return id;
  }

  const statusOf = (body: Buffer | undefined) => (JSON.parse(String(body)) as { status: string }).status;

  it('requests for one job at the same time share one read and one body', async () => {
    const id = await stageJob();
    const reader = new JobStatusReader(counted, 0);
    reads = 0;
    const answers = await Promise.all(Array.from({ length: 10 }, () => reader.read(id)));
    expect(reads).toBe(1);
    expect(new Set(answers.map((a) => a?.body))).toEqual(new Set([answers[0]!.body]));
    expect(JSON.parse(String(answers[0]!.body))).toMatchObject({ job_id: id, status: 'pending', progress: { total_documents: 3 } });
    expect(answers[0]!.etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
  });

  it('with 0 ms, a read after the last one settled goes to PostgreSQL again and sees the change', async () => {
    const id = await stageJob();
    const reader = new JobStatusReader(counted, 0);
    expect(statusOf((await reader.read(id))?.body)).toBe('pending');
    await store.startJob(id);
    expect(statusOf((await reader.read(id))?.body)).toBe('processing');
  });

  it('a change shows once the window has passed, never later', async () => {
    const id = await stageJob();
    const reader = new JobStatusReader(counted, 300);
    reads = 0;
    expect(statusOf((await reader.read(id))?.body)).toBe('pending');
    await store.startJob(id);
    expect(statusOf((await reader.read(id))?.body)).toBe('pending'); // inside the documented window
    expect(reads).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(statusOf((await reader.read(id))?.body)).toBe('processing');
    expect(reads).toBe(2);
  });

  it('forget (a cancel through this process) makes the next read fresh', async () => {
    const id = await stageJob();
    const reader = new JobStatusReader(counted, 60_000);
    expect(statusOf((await reader.read(id))?.body)).toBe('pending');
    await store.startJob(id);
    reader.forget(id);
    expect(statusOf((await reader.read(id))?.body)).toBe('processing');
  });

  it('an unknown job reads as undefined', async () => {
    const reader = new JobStatusReader(counted, 0);
    expect(await reader.read(randomUUID())).toBeUndefined();
  });
});
