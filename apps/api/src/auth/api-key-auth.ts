import type { RequestHandler, Response } from 'express';
import { ApiError } from '@nonstop/core';
import type { PgApiKeyStore } from '@nonstop/storage';
import { clientAddressKey, type FailedAuthLimit } from './failed-auth-limit';

export interface Caller {
  /** The account of the caller's key; undefined when authentication is disabled (development). */
  account?: string;
  keyId?: string;
}

export function callerOf(res: Response): Caller {
  return (res.locals.caller as Caller | undefined) ?? {};
}

/**
 * API keys map to accounts. The key comes as `Authorization: Bearer <key>` or
 * `X-API-Key`. With authentication disabled (development only; refused in
 * production by the config), every caller sees every account. With `failures`,
 * an address that sent too many unknown keys is refused before the lookup.
 */
export function apiKeyAuth(options: { mode: 'required' | 'disabled'; keys: PgApiKeyStore; failures?: FailedAuthLimit }): RequestHandler {
  return async (req, res, next) => {
    if (options.mode === 'disabled') {
      res.locals.caller = {} satisfies Caller;
      next();
      return;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const key = bearer ?? req.get('x-api-key');
    if (!key) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new ApiError(
        401,
        'unauthenticated',
        'An API key is required: send Authorization: Bearer <key> (create one with `npm run keys -- create --account NAME`)',
      );
    }
    const { failures } = options;
    const address = clientAddressKey(req.ip);
    const limitedFor = failures?.retryAfterSeconds(address);
    if (failures && limitedFor !== undefined) throw tooManyFailures(res, failures, limitedFor);
    const found = key.length <= 200 ? await options.keys.authenticate(key) : undefined;
    if (!found) {
      const nowLimitedFor = await failures?.recordFailure(address);
      if (failures && nowLimitedFor !== undefined) throw tooManyFailures(res, failures, nowLimitedFor);
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new ApiError(401, 'invalid_api_key', 'The API key is unknown or revoked');
    }
    res.locals.caller = { account: found.account_name, keyId: found.id } satisfies Caller;
    next();
  };
}

function tooManyFailures(res: Response, failures: FailedAuthLimit, retryAfter: number): ApiError {
  res.set('Retry-After', String(retryAfter));
  return new ApiError(
    429,
    'too_many_failed_authentications',
    `Too many requests with an unknown or revoked API key from this address (limit: ${failures.description}); retry after ${retryAfter} s`,
  );
}
