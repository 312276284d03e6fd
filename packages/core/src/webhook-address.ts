import net from 'node:net';
import { errorMessage } from './errors';
import { timedDnsResolver } from './webhook-dns';

/**
 * Where a webhook may be sent (SSRF protection). Pure address checks plus one
 * resolver; the API checks a webhook_url when a job is created, and the worker
 * checks again at delivery time and connects to the very address it checked
 * (so a DNS answer that changes in between, "DNS rebinding", cannot reach an
 * internal address).
 */

interface V4Range {
  base: number;
  bits: number;
  reason: string;
}

const V4_BLOCKED: V4Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (includes cloud metadata 169.254.169.254)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
].map(([base, bits, reason]) => ({ base: v4ToInt(base as string), bits: bits as number, reason: reason as string }));

function v4ToInt(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function v4Reason(address: string): string | undefined {
  const value = v4ToInt(address);
  for (const range of V4_BLOCKED) {
    const size = 2 ** (32 - range.bits);
    if (Math.floor(value / size) === Math.floor(range.base / size)) return range.reason;
  }
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (embedded dotted IPv4 tails included). */
function v6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v = v4ToInt(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${Math.floor(v / 65536).toString(16)}:${(v % 65536).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 && missing !== 0) return undefined;
  if (missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** The IPv4 address carried in two 16-bit groups. */
function v4Of(high: number, low: number): string {
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Forms that carry an IPv4 address which a gateway or tunnel would reach: refused when that address is. */
function embeddedV4Reason(form: string, high: number, low: number): string | undefined {
  const reason = v4Reason(v4Of(high, low));
  return reason ? `${form} ${reason}` : undefined;
}

function v6Reason(address: string): string | undefined {
  const g = v6Groups(address);
  if (!g) return 'not a valid address';
  const [a, b, c, d, e, f, h, i] = g as [number, number, number, number, number, number, number, number];
  const zeroPrefix = a === 0 && b === 0 && c === 0 && d === 0;
  if (zeroPrefix && e === 0 && f === 0 && h === 0 && i === 0) return 'unspecified';
  if (zeroPrefix && e === 0 && f === 0 && h === 0 && i === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), the deprecated IPv4-compatible (::a.b.c.d) and SIIT's IPv4-translated (::ffff:0:a.b.c.d)
  if (zeroPrefix && e === 0 && (f === 0xffff || f === 0)) return embeddedV4Reason('IPv4-mapped', h, i);
  if (zeroPrefix && e === 0xffff && f === 0) return embeddedV4Reason('IPv4-translated', h, i);
  // NAT64, well-known prefix (64:ff9b::/96): the gateway connects to the IPv4 address in the last 32 bits
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return embeddedV4Reason('NAT64', h, i);
  // NAT64, local-use prefix (64:ff9b:1::/48, RFC 8215): only ever routed inside a private network
  if (a === 0x64 && b === 0xff9b && c === 1) return 'local-use NAT64';
  // 6to4 (2002::/16): a relay tunnels to the IPv4 address in bits 16-47
  if (a === 0x2002) return embeddedV4Reason('6to4', b, c);
  // Teredo (2001::/32): the client's address is obfuscated in the last 32 bits and the server's in bits 32-63;
  // neither can be trusted to be public, so the whole prefix is refused
  if (a === 0x2001 && b === 0) return 'Teredo';
  // ISATAP interface identifiers (any prefix, ::0:5efe:a.b.c.d or ::200:5efe:a.b.c.d) name the tunnel's IPv4 end point
  if ((e & 0xfdff) === 0 && f === 0x5efe) {
    const reason = embeddedV4Reason('ISATAP', h, i);
    if (reason) return reason;
  }
  if (a === 0x0100 && b === 0 && c === 0 && d === 0) return 'discard-only';
  if (a === 0x2001 && b === 0x0db8) return 'documentation';
  if (a === 0xfd00 && b === 0x0ec2) return 'cloud metadata';
  if ((a & 0xfe00) === 0xfc00) return 'unique-local';
  if ((a & 0xffc0) === 0xfe80) return 'link-local';
  if ((a & 0xffc0) === 0xfec0) return 'site-local';
  if ((a & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

/** Why an IP address must not receive webhooks (private, loopback, ...); undefined when it is public. */
export function blockedAddressReason(address: string): string | undefined {
  const family = net.isIP(address);
  if (family === 4) return v4Reason(address);
  if (family === 6) return v6Reason(address);
  return 'not an IP address';
}

/**
 * Why a webhook URL may not be used. `forbidden` (an internal address) and
 * `invalid` stay so on a retry; `unresolved` (no answer, a timeout) may pass
 * later. Messages name the URL's own host and a literal address the caller
 * wrote, never an address a host name resolved to: that would tell a tenant
 * what the deployment's internal names point at.
 */
export type WebhookUrlProblem = 'invalid' | 'forbidden' | 'unresolved';

export class WebhookUrlError extends Error {
  override name = 'WebhookUrlError';

  constructor(
    readonly problem: WebhookUrlProblem,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

export interface ResolvedWebhookTarget {
  url: URL;
  /** The checked address to connect to. */
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/** RFC 6761: `localhost` and names under it are loopback, whatever a nameserver would say. */
function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

export interface WebhookTargetOptions {
  allowPrivate: boolean;
  /** The time limit of the DNS lookup of the URL's host (the default resolver's). */
  dnsTimeoutMs: number;
  /** Resolves the host instead of DNS (tests). */
  resolve?: Resolver;
}

/**
 * Parses and resolves a webhook URL and checks every address it resolves to.
 * Throws WebhookUrlError with the reason when it may not be used.
 */
export async function resolveWebhookTarget(rawUrl: string, options: WebhookTargetOptions): Promise<ResolvedWebhookTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new WebhookUrlError('invalid', 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new WebhookUrlError('invalid', `must use http or https, got ${url.protocol}`);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const literal = net.isIP(hostname) !== 0;
  const addresses = literal ? [{ address: hostname, family: net.isIP(hostname) }] : await resolveHost(hostname, options);
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason) {
        throw new WebhookUrlError(
          'forbidden',
          `${literal ? `address ${address} is` : `host ${hostname} resolves to`} a ${reason} address; ` +
            'webhooks may only be sent to public addresses (WEBHOOK_ALLOW_PRIVATE=true allows internal ones)',
        );
      }
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

async function resolveHost(hostname: string, options: WebhookTargetOptions): Promise<Array<{ address: string; family: number }>> {
  if (isLocalhostName(hostname))
    return [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await (options.resolve ?? timedDnsResolver({ timeoutMs: options.dnsTimeoutMs }))(hostname);
  } catch (error) {
    throw new WebhookUrlError('unresolved', `host ${hostname} does not resolve (${dnsErrorCode(error)})`, { cause: error });
  }
  if (addresses.length === 0) throw new WebhookUrlError('unresolved', `host ${hostname} does not resolve`);
  return addresses;
}

/** The resolver's error code (ENOTFOUND, ETIMEOUT...), or its message when it has none. */
export function dnsErrorCode(error: unknown): string {
  return (error as { code?: string } | undefined)?.code ?? errorMessage(error);
}
