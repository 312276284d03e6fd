import type { RequestHandler } from 'express';
import { ApiError, errorMessage, type Logger, type RedisClient } from '@nonstop/core';
import { callerOf } from './api-key-auth';

/**
 * Requests per key per minute, counted in Redis so every API instance shares
 * the count (a fixed one-minute window). If Redis cannot be reached the
 * request is let through: losing the limit for a moment beats refusing all traffic.
 */
export function rateLimit(options: { redis: RedisClient; prefix: string; perMinute: number; logger: Logger }): RequestHandler {
  return async (_req, res, next) => {
    const { keyId } = callerOf(res);
    if (!keyId) {
      next();
      return;
    }
    const now = Date.now();
    const window = Math.floor(now / 60_000);
    const counter = `${options.prefix}:ratelimit:${keyId}:${window}`;
    let count: number;
    try {
      const replies = await options.redis.multi().incr(counter).expire(counter, 61).exec();
      count = Number(replies?.[0]?.[1] ?? 0);
    } catch (error) {
      options.logger.warn('rate limit not applied: Redis unavailable', { error: errorMessage(error) });
      next();
      return;
    }
    res.set('RateLimit-Limit', String(options.perMinute));
    res.set('RateLimit-Remaining', String(Math.max(0, options.perMinute - count)));
    if (count > options.perMinute) {
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
      res.set('Retry-After', String(retryAfter));
      throw new ApiError(
        429,
        'rate_limited',
        `Rate limit of ${options.perMinute} requests a minute reached for this key; retry after ${retryAfter} s`,
      );
    }
    next();
  };
}
