import { isIPv6 } from 'node:net';
import { errorMessage, type Logger, type RedisClient } from '@nonstop/core';

/** Addresses remembered as limited in one process; past it the oldest are forgotten (an attacker with many addresses cannot grow the map). */
const MAX_LIMITED_ADDRESSES = 100_000;

export interface FailedAuthLimitOptions {
  redis: RedisClient;
  prefix: string;
  perWindow: number;
  windowSeconds: number;
  logger: Logger;
}

/**
 * Requests with an unknown or revoked API key, counted per client address in
 * fixed windows in Redis, so every API instance shares the count. Once an
 * address passes the limit, this process remembers it until the window ends
 * and refuses its requests before any Redis or database call; another
 * instance learns it from the next failure it sees there, so each instance
 * spends at most one more key lookup per window on a limited address.
 * If Redis cannot be reached, failures go uncounted for the moment, as with
 * the per-key rate limit.
 */
export class FailedAuthLimit {
  private readonly limitedUntil = new Map<string, number>();

  constructor(private readonly options: FailedAuthLimitOptions) {}

  get description(): string {
    return `${this.options.perWindow} requests with an unknown or revoked API key per ${this.options.windowSeconds} s from one address`;
  }

  /** Seconds until the address may try again, or undefined when it is not limited; in process only. */
  retryAfterSeconds(address: string, now = Date.now()): number | undefined {
    const until = this.limitedUntil.get(address);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.limitedUntil.delete(address);
      return undefined;
    }
    return Math.max(1, Math.ceil((until - now) / 1000));
  }

  /** Counts one failure; returns the seconds to wait when this failure is already past the limit. */
  async recordFailure(address: string, now = Date.now()): Promise<number | undefined> {
    const windowMs = this.options.windowSeconds * 1000;
    const window = Math.floor(now / windowMs);
    const counter = `${this.options.prefix}:authfail:${address}:${window}`;
    let count: number;
    try {
      const replies = await this.options.redis
        .multi()
        .incr(counter)
        .expire(counter, this.options.windowSeconds + 1)
        .exec();
      count = Number(replies?.[0]?.[1] ?? 0);
    } catch (error) {
      this.options.logger.warn('failed-authentication limit not applied: Redis unavailable', { error: errorMessage(error) });
      return undefined;
    }
    if (count < this.options.perWindow) return undefined;
    this.remember(address, (window + 1) * windowMs);
    return count > this.options.perWindow ? this.retryAfterSeconds(address, now) : undefined;
  }

  private remember(address: string, until: number): void {
    this.limitedUntil.delete(address); // re-inserted last: the map's order is the order to forget in
    if (this.limitedUntil.size >= MAX_LIMITED_ADDRESSES) {
      const oldest = this.limitedUntil.keys().next().value;
      if (oldest !== undefined) this.limitedUntil.delete(oldest);
    }
    this.limitedUntil.set(address, until);
  }
}

/**
 * The address a limit counts: IPv4 as is (also when mapped into IPv6), IPv6
 * by its /64, the smallest block one subscriber usually holds, so an
 * attacker cannot take a fresh address for every attempt.
 */
export function clientAddressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail] = ip.split('%')[0]!.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups].slice(0, 4).map((group) => parseInt(group, 16).toString(16));
  return `${groups.join(':')}::/64`;
}
