import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { createPool, PgJobSlots, PgJobStore } from '../src';
import { makeDocuments, testConfig, uniqueAccount } from '../../../test/support/test-env';

/** The rules of fair scheduling's job slots, decided in PostgreSQL (real PostgreSQL, no queue). */
describe('job slots (real PostgreSQL)', () => {
  const config = testConfig();
  let pool: Pool;
  let jobs: PgJobStore;
  let slots: PgJobSlots;
  const rules = { share: 1, leaseMs: 10_000 };

  beforeAll(() => {
    pool = createPool(config.databaseUrl, { applicationName: 'test', max: 4 });
    jobs = new PgJobStore(pool);
    slots = new PgJobSlots(pool);
  });
  afterAll(async () => pool.end());

  async function stage(account: string, prefix: string): Promise<string> {
    const id = randomUUID();
    await jobs.createJob({
      id,
      accountName: account,
      documents: makeDocuments(1, { prefix: id }),
      duplicates: new Map(),
      requestHash: id,
      expiresAt: new Date(Date.now() + 3_600_000),
      queuePrefix: prefix,
    });
    return id;
  }

  it('an account alone takes every slot; another arriving is let in and the newest over-share job is asked to yield', async () => {
    const prefix = `test-slots-${randomUUID().slice(0, 8)}`;
    const [a, b] = [uniqueAccount('slotA'), uniqueAccount('slotB')];
    const [a1, a2, a3] = [await stage(a, prefix), await stage(a, prefix), await stage(a, prefix)];
    expect(await slots.admit(a1, 'h1', rules)).toEqual({ run: true, leased: true });
    expect(await slots.admit(a2, 'h2', rules)).toEqual({ run: true, leased: true }); // nobody else waits
    expect(await slots.renew(a2, 'h2', rules)).toBe('keep');

    const b1 = await stage(b, prefix);
    expect(await slots.renew(a1, 'h1', rules)).toBe('keep'); // A's oldest keeps its share
    expect(await slots.renew(a2, 'h2', rules)).toBe('yield');
    expect(await slots.admit(a3, 'h3', rules)).toEqual({ run: false, ahead: 0 }); // over share while B waits
    await slots.release(a2, 'h2');
    expect(await slots.admit(a3, 'h3', rules)).toEqual({ run: false, ahead: 1 }); // a2 waits again, ahead of a3: FIFO
    expect(await slots.admit(b1, 'hb', rules)).toEqual({ run: true, leased: true });
    expect(await slots.admit(a2, 'h2b', rules)).toEqual({ run: true, leased: true }); // B has its share: spare slots are A's
    expect(await slots.renew(a2, 'h2', rules)).toBe('lost'); // the earlier run's lease is gone
  });

  it('a slot whose holder stopped renewing (a killed worker) counts for nobody once its lease has passed', async () => {
    const prefix = `test-slots-${randomUUID().slice(0, 8)}`;
    const [a, b] = [uniqueAccount('slotA'), uniqueAccount('slotB')];
    const [a1, a2] = [await stage(a, prefix), await stage(a, prefix)];
    expect(await slots.admit(a1, 'dead', { share: 1, leaseMs: 300 })).toEqual({ run: true, leased: true });
    await stage(b, prefix); // B waits below its share
    expect(await slots.admit(a2, 'h2', rules)).toEqual({ run: false, ahead: 0 }); // a1 holds A's share while B waits
    await new Promise((resolve) => setTimeout(resolve, 500));
    // a1's lease expired: it waits like any job handed back, so it comes first again when redelivered
    expect(await slots.admit(a2, 'h2', rules)).toEqual({ run: false, ahead: 1 });
    expect(await slots.admit(a1, 'resumed', rules)).toEqual({ run: true, leased: true });
  });
});
