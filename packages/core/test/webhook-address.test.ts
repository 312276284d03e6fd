import { blockedAddressReason, resolveWebhookTarget, WebhookUrlError } from '../src/webhook-address';
import { QueueName, parseWebhookDeliveryPayload } from '../src/queues';
import { webhookDeliveryJobOptions } from '../src/webhook-queue';

describe('blockedAddressReason', () => {
  it.each<[string, RegExp]>([
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['10.0.0.1', /private/],
    ['10.255.255.255', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local.*metadata/],
    ['169.254.0.1', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['255.255.255.255', /reserved/],
    ['::1', /loopback/],
    ['0:0:0:0:0:0:0:1', /loopback/],
    ['::', /unspecified/],
    ['fc00::1', /unique-local/],
    ['fd12:3456:789a::1', /unique-local/],
    ['fe80::1', /link-local/],
    ['febf::1', /link-local/],
    ['ff02::1', /multicast/],
    ['::ffff:127.0.0.1', /IPv4-mapped loopback/],
    ['::ffff:7f00:1', /IPv4-mapped loopback/],
    ['::ffff:10.1.2.3', /IPv4-mapped private/],
    ['::ffff:169.254.169.254', /IPv4-mapped link-local/],
    ['::ffff:192.168.0.1', /IPv4-mapped private/],
    ['64:ff9b::127.0.0.1', /NAT64 loopback/],
    ['64:ff9b::10.0.0.1', /NAT64 private/],
    ['64:ff9b::a9fe:a9fe', /NAT64 link-local.*metadata/],
    ['64:ff9b:1::a00:1', /local-use NAT64/],
    ['64:ff9b:1:ffff::8.8.8.8', /local-use NAT64/],
    ['2002:7f00:1::1', /6to4 loopback/],
    ['2002:0a00:0001::', /6to4 private/],
    ['2002:a9fe:a9fe::1', /6to4 link-local.*metadata/],
    ['2002:c0a8:101:1::1', /6to4 private/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['2001::1', /Teredo/],
    ['::ffff:0:127.0.0.1', /IPv4-translated loopback/],
    ['::ffff:0:a00:1', /IPv4-translated private/],
    ['::127.0.0.1', /IPv4-mapped loopback/],
    ['2606:4700::5efe:10.0.0.1', /ISATAP private/],
    ['2606:4700::200:5efe:127.0.0.1', /ISATAP loopback/],
    ['100::1', /discard-only/],
    ['2001:db8::1', /documentation/],
    ['fd00:ec2::254', /cloud metadata/],
    ['192.0.2.1', /documentation/],
    ['198.51.100.7', /documentation/],
    ['203.0.113.9', /documentation/],
    ['192.88.99.1', /6to4 relay/],
    ['fe80::1%eth0', /link-local/],
    ['not-an-ip', /not an IP address/],
  ])('refuses %s', (address, reason) => {
    expect(blockedAddressReason(address)).toMatch(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '192.169.0.1',
    '11.0.0.1',
    '223.255.255.255',
    '126.255.255.255',
    '128.0.0.1',
    '2001:4860:4860::8888',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2a00:1450:4001:80e::200e',
    // the IPv4-embedding forms are allowed when the IPv4 address they carry is public
    '2002:0808:0808::1',
    '64:ff9b::8.8.8.8',
    '2606:4700::5efe:8.8.8.8',
    '::ffff:0:8.8.8.8',
  ])('allows public %s', (address) => {
    expect(blockedAddressReason(address)).toBeUndefined();
  });
});

describe('resolveWebhookTarget', () => {
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('accepts a public host and returns the address to connect to', async () => {
    const target = await resolveWebhookTarget('https://hooks.example.com/x', {
      allowPrivate: false,
      dnsTimeoutMs: 1_000,
      resolve: resolveTo('93.184.216.34'),
    });
    expect(target).toMatchObject({ address: '93.184.216.34', family: 4 });
    expect(target.url.hostname).toBe('hooks.example.com');
  });

  it('refuses a host when any of its addresses is internal, without saying which address', async () => {
    const refusal = resolveWebhookTarget('https://hooks.example.com/x', {
      allowPrivate: false,
      dnsTimeoutMs: 1_000,
      resolve: resolveTo('93.184.216.34', '10.0.0.5'),
    });
    await expect(refusal).rejects.toMatchObject({
      problem: 'forbidden',
      message: expect.stringMatching(/^host hooks\.example\.com resolves to a private address/),
    });
    await expect(refusal).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('10.0.0.5') }));
  });

  it.each(['http://localhost/x', 'http://LOCALHOST./x', 'http://api.localhost:9000/x'])(
    'treats %s as loopback without asking DNS',
    async (url) => {
      const resolve = jest.fn();
      await expect(resolveWebhookTarget(url, { allowPrivate: false, dnsTimeoutMs: 1_000, resolve })).rejects.toThrow(
        /resolves to a loopback address/,
      );
      expect(resolve).not.toHaveBeenCalled();
      await expect(resolveWebhookTarget(url, { allowPrivate: true, dnsTimeoutMs: 1_000, resolve })).resolves.toMatchObject({
        address: '127.0.0.1',
      });
    },
  );

  it.each([
    'http://2130706433/',
    'http://0x7f000001/',
    'http://127.1/',
    'http://0177.0.0.1/',
    'http://[::ffff:7f00:1]/',
    'http://[2002:7f00:1::]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2001::1]/',
    'http://[64:ff9b:1::a00:1]/',
  ])('refuses the internal address written as %s (decimal, hex, short and IPv6-embedded forms)', async (url) => {
    const resolve = jest.fn();
    await expect(resolveWebhookTarget(url, { allowPrivate: false, dnsTimeoutMs: 1_000, resolve })).rejects.toMatchObject({
      problem: 'forbidden',
    });
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each([
    'http://127.0.0.1:8080/x',
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
  ])('refuses the literal address in %s without resolving', async (url) => {
    const resolve = jest.fn();
    await expect(resolveWebhookTarget(url, { allowPrivate: false, dnsTimeoutMs: 1_000, resolve })).rejects.toBeInstanceOf(WebhookUrlError);
    expect(resolve).not.toHaveBeenCalled();
  });

  it('allows internal addresses with allowPrivate', async () => {
    await expect(resolveWebhookTarget('http://127.0.0.1:9/x', { allowPrivate: true, dnsTimeoutMs: 1_000 })).resolves.toMatchObject({
      address: '127.0.0.1',
    });
  });

  it('refuses other schemes and hosts that do not resolve', async () => {
    await expect(resolveWebhookTarget('ftp://example.com/', { allowPrivate: true, dnsTimeoutMs: 1_000 })).rejects.toMatchObject({
      problem: 'invalid',
      message: expect.stringMatching(/http or https/),
    });
    const failing = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    await expect(
      resolveWebhookTarget('https://no.such.host.invalid/', { allowPrivate: false, dnsTimeoutMs: 1_000, resolve: failing }),
    ).rejects.toMatchObject({ problem: 'unresolved', message: expect.stringMatching(/does not resolve \(ENOTFOUND\)/) });
  });
});

describe('webhook-delivery queue contract', () => {
  it('keeps the persisted queue name and the once-per-job id', () => {
    expect(QueueName.webhookDelivery).toBe('webhook-delivery');
    const options = webhookDeliveryJobOptions('8a6e0804-2bd0-4672-b79d-d97027f9071a', { maxAttempts: 8, backoffMs: 5000 });
    expect(options).toMatchObject({
      jobId: 'webhook-8a6e0804-2bd0-4672-b79d-d97027f9071a',
      attempts: 8,
      backoff: { type: 'exponential', delay: 5000 },
    });
  });

  it('parses the payload', () => {
    expect(parseWebhookDeliveryPayload({ job_id: '8a6e0804-2bd0-4672-b79d-d97027f9071a', x: 1 })).toEqual({
      job_id: '8a6e0804-2bd0-4672-b79d-d97027f9071a',
    });
    expect(() => parseWebhookDeliveryPayload({ job_id: 'x' })).toThrow(/must be a UUID/);
  });
});
