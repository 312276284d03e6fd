import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { resolveWebhookTarget, timedDnsResolver } from '../src';
import { answeringStandInDns, silentStandInDns, type StandInDns } from '../../../test/support/stand-in-dns';

/** Work for libuv's thread pool, the one dns.lookup would use: finishes fast only while a thread is free. */
const threadPoolWork = (): Promise<Buffer> => promisify(pbkdf2)('x', 'salt', 1, 32, 'sha256');

describe('webhook host lookups have a time limit (stand-in nameservers on loopback UDP)', () => {
  let silent: StandInDns;
  let answering: StandInDns;
  let internal: StandInDns;

  beforeAll(async () => {
    silent = await silentStandInDns();
    answering = await answeringStandInDns('93.184.216.34');
    internal = await answeringStandInDns('10.0.0.7');
  });
  afterAll(async () => {
    await Promise.all([silent.close(), answering.close(), internal.close()]);
  });

  it('gives up on a nameserver that never answers after the time limit', async () => {
    const started = Date.now();
    await expect(timedDnsResolver({ timeoutMs: 300, servers: [silent.server] })('hooks.example.com')).rejects.toMatchObject({
      code: 'ETIMEOUT',
    });
    const elapsed = Date.now() - started;
    expect(silent.queries).toBeGreaterThan(0);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('sixteen stalled lookups at once neither queue behind each other nor hold the thread pool', async () => {
    const resolve = timedDnsResolver({ timeoutMs: 500, servers: [silent.server] });
    const started = Date.now();
    const lookups = Array.from({ length: 16 }, (_, i) =>
      resolve(`stalled-${i}.example.com`).catch((error: { code?: string }) => error.code),
    );
    const poolStarted = Date.now();
    await Promise.all(Array.from({ length: 8 }, threadPoolWork));
    const poolMs = Date.now() - poolStarted;
    expect(await Promise.all(lookups)).toEqual(Array(16).fill('ETIMEOUT'));
    const allMs = Date.now() - started;
    expect(poolMs).toBeLessThan(250);
    // one time limit for all of them, not sixteen in a row
    expect(allMs).toBeLessThan(1_500);
  });

  it('makes a webhook URL whose host cannot be resolved in time an unresolved (retryable) refusal', async () => {
    const refusal = resolveWebhookTarget('https://hooks.example.com/x', {
      allowPrivate: false,
      dnsTimeoutMs: 300,
      resolve: timedDnsResolver({ timeoutMs: 300, servers: [silent.server] }),
    });
    await expect(refusal).rejects.toMatchObject({ problem: 'unresolved', message: 'host hooks.example.com does not resolve (ETIMEOUT)' });
  });

  it('resolves through an answering nameserver, A records only when there is no AAAA', async () => {
    await expect(timedDnsResolver({ timeoutMs: 1_000, servers: [answering.server] })('hooks.example.com')).resolves.toEqual([
      { address: '93.184.216.34', family: 4 },
    ]);
    const target = await resolveWebhookTarget('https://hooks.example.com/x', {
      allowPrivate: false,
      dnsTimeoutMs: 1_000,
      resolve: timedDnsResolver({ timeoutMs: 1_000, servers: [answering.server] }),
    });
    expect(target).toMatchObject({ address: '93.184.216.34', family: 4 });
  });

  it('refuses a host its nameserver points at an internal address, naming neither the address nor the nameserver', async () => {
    const refusal = resolveWebhookTarget('https://hooks.example.com/x', {
      allowPrivate: false,
      dnsTimeoutMs: 1_000,
      resolve: timedDnsResolver({ timeoutMs: 1_000, servers: [internal.server] }),
    });
    await expect(refusal).rejects.toMatchObject({
      problem: 'forbidden',
      message: expect.stringMatching(/^host hooks\.example\.com resolves to a private address/),
    });
    const message = await refusal.catch((error: Error) => error.message);
    expect(message).not.toContain('10.0.0.7');
    expect(message).not.toContain(internal.server);
  });
});
