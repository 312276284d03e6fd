import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { DocumentInput } from '@nonstop/core';
import { createPool, PgDocumentStore, PgJobStore } from '../src';
import { startedRun } from '../../../test/support/started-run';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { makeDocuments, testConfig, uniqueAccount } from '../../../test/support/test-env';

/** PostgreSQL writes at their edges: two jobs racing over the same documents, and a COMMIT whose reply is lost. */
describe('PostgreSQL write edges (real PostgreSQL; a TCP proxy that loses one reply)', () => {
  const config = testConfig();
  let pool: Pool;
  let documents: PgDocumentStore;
  let jobs: PgJobStore;

  beforeAll(() => {
    pool = createPool(config.databaseUrl, { applicationName: 'test', max: 8 });
    documents = new PgDocumentStore(pool);
    jobs = new PgJobStore(pool);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('two jobs inserting the same 300 documents in opposite orders never deadlock, and each document is stored once', async () => {
    for (let round = 0; round < 8; round += 1) {
      const account = uniqueAccount('race');
      const docs = makeDocuments(300, { chunks: 1 });
      const [first, second] = await Promise.all([startedRun(jobs, account), startedRun(jobs, account)]);
      const [a, b] = await Promise.all([
        documents.insertDocuments(account, docs, first),
        documents.insertDocuments(account, [...docs].reverse(), second),
      ]);
      const bInRequestOrder = [...b].reverse();
      const storedOnce = a.every((outcome, i) => (outcome.kind === 'inserted') !== (bInRequestOrder[i]!.kind === 'inserted'));
      expect(storedOnce).toBe(true);
      const count = await pool.query('SELECT count(*)::int AS n FROM documents WHERE account_name = $1', [account]);
      expect(count.rows[0].n).toBe(300);
    }
  });

  it("recovery leaves a synchronous request to its API until it is abandoned, and only its own deployment's", async () => {
    const account = uniqueAccount('sync');
    const stage = async (origin: 'job' | 'sync', queuePrefix: string) => {
      const id = randomUUID();
      await jobs.createJob({
        id,
        accountName: account,
        documents: makeDocuments(1),
        requestHash: 'h',
        duplicates: new Map(),
        origin,
        queuePrefix,
        expiresAt: new Date(Date.now() + 3600_000),
      });
      await jobs.startJob(id);
      return id;
    };
    const prefix = `sync-${randomUUID().slice(0, 8)}`;
    const [job, running, abandoned, elsewhere] = [
      await stage('job', prefix),
      await stage('sync', prefix),
      await stage('sync', prefix),
      await stage('job', `${prefix}-other`),
    ];
    await pool.query(`UPDATE ingest_jobs SET updated_at = now() - interval '10 minutes' WHERE id = $1`, [abandoned]);
    const found = (await jobs.findIncompleteJobs(prefix, 120_000)).map((row) => row.id);
    expect(found.sort()).toEqual([job, abandoned].sort());
    expect(found).not.toContain(running);
    expect(found).not.toContain(elsewhere);
  });

  describe('a COMMIT whose reply is lost (the transaction is retried on a new connection)', () => {
    const proxy = TcpProxy.inFrontOf(config.databaseUrl, 5432);
    let proxiedPool: Pool;
    let proxiedJobs: PgJobStore;

    beforeAll(async () => {
      await proxy.start();
      proxiedPool = createPool(proxy.proxied(config.databaseUrl), { applicationName: 'test', max: 2 });
      proxiedPool.on('error', () => undefined);
      proxiedJobs = new PgJobStore(proxiedPool);
    });
    afterAll(async () => {
      await proxiedPool.end();
      await proxy.close();
    });

    function newJob(account: string, docs: DocumentInput[]) {
      return {
        id: randomUUID(),
        accountName: account,
        documents: docs,
        requestHash: 'h',
        duplicates: new Map<number, number>(),
        expiresAt: new Date(Date.now() + 3600_000),
        queuePrefix: config.queuePrefix,
      };
    }

    it('creating a job: the retry finds the job it created and answers created, with every document staged once', async () => {
      const account = uniqueAccount('lostcommit');
      const job = newJob(account, makeDocuments(5));
      proxy.loseReplyTo('COMMIT');
      const result = await proxiedJobs.createJob(job);
      expect(result).toMatchObject({ created: true, job: { id: job.id, total_documents: 5 } });
      const ledger = await pool.query('SELECT count(*)::int AS n FROM job_documents WHERE job_id = $1', [job.id]);
      expect(ledger.rows[0].n).toBe(5);
    });

    it('ending a job: the retry finds it ended by this same run, not by another', async () => {
      const account = uniqueAccount('lostcommit');
      const job = newJob(account, []);
      await proxiedJobs.createJob(job);
      const run = (await proxiedJobs.startJob(job.id))!.run_count;
      proxy.loseReplyTo('COMMIT');
      await expect(proxiedJobs.finishJob({ jobId: job.id, run }, 'completed')).resolves.toMatchObject({ id: job.id, status: 'completed' });
      await expect(proxiedJobs.finishJob({ jobId: job.id, run: run - 1 }, 'completed')).rejects.toMatchObject({ name: 'FencedOutError' });
    });

    it('cancelling a pending job: the retry answers cancelled, not "already cancelled"', async () => {
      const account = uniqueAccount('lostcommit');
      const job = newJob(account, makeDocuments(2));
      await proxiedJobs.createJob(job);
      proxy.loseReplyTo('COMMIT');
      await expect(proxiedJobs.requestCancel(job.id, false)).resolves.toMatchObject({
        id: job.id,
        status: 'cancelled',
        cancelled_count: 2,
      });
      // A second, separate cancel of the cancelled job is still refused.
      await expect(proxiedJobs.requestCancel(job.id, false)).rejects.toMatchObject({ code: 'job_finished' });
    });
  });
});
