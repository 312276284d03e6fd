import dns from 'node:dns';
import type { Resolver } from './webhook-address';

export interface TimedDnsOptions {
  /** The most one lookup (A and AAAA together) may take. */
  timeoutMs: number;
  /** Nameservers (`ip` or `ip:port`) instead of the system's /etc/resolv.conf ones (tests). */
  servers?: string[];
}

/** What a lookup that ran out of time rejects with. */
export class DnsTimeoutError extends Error {
  override name = 'DnsTimeoutError';
  readonly code = 'ETIMEOUT';
}

/**
 * Resolves a webhook host with a time limit. `dns.lookup` (getaddrinfo) runs
 * on libuv's thread pool, four threads shared with file and crypto work, and
 * cannot be cancelled: a nameserver that never answers would hold a thread
 * for the system resolver's whole retry schedule, and four such hosts stall
 * the process. A c-ares Resolver sends its queries from the event loop, and
 * `cancel()` ends them at the deadline. The cost: /etc/hosts is not read
 * (localhost is handled by the caller).
 */
export function timedDnsResolver(options: TimedDnsOptions): Resolver {
  return async (hostname) => {
    // One Resolver per lookup, so the deadline cancels this lookup's queries and nobody else's.
    const resolver = new dns.promises.Resolver({ timeout: options.timeoutMs, tries: 1 });
    if (options.servers) resolver.setServers(options.servers);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        resolver.cancel();
        reject(new DnsTimeoutError(`no DNS answer within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
    });
    try {
      return await Promise.race([bothFamilies(resolver, hostname), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** A and AAAA records; a host may have only one of the two. */
async function bothFamilies(resolver: dns.promises.Resolver, hostname: string): Promise<Array<{ address: string; family: number }>> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
  const addresses = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (addresses.length > 0) return addresses;
  const failures = [v4, v6]
    .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    .map((result) => result.reason);
  // "No such name" says more than "no AAAA record" when both families failed
  throw failures.find((error) => (error as { code?: string }).code !== 'ENODATA') ?? failures[0] ?? new Error('no addresses');
}
