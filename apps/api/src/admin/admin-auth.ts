import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from '@nonstop/core';

export const ADMIN_REALM = 'nonstop-ingest admin';

/**
 * Guards the admin surfaces with one shared token, sent as
 * `Authorization: Bearer <token>` (scripts) or HTTP Basic with the token as
 * password (a browser's login prompt). Without a configured token the
 * surfaces stay shut (503): never open without a credential.
 */
export function adminAuth(token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : digest(token);
  return (req, res, next) => {
    if (expected === undefined) {
      // A deliberate state of the deployment, not a failure: answered here, not logged as an error.
      res.status(503).json({ error: { code: 'admin_disabled', message: 'admin disabled: set ADMIN_TOKEN' } });
      return;
    }
    const presented = presentedToken(req.get('Authorization'));
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      next();
      return;
    }
    res.set('WWW-Authenticate', `Basic realm="${ADMIN_REALM}", charset="UTF-8"`);
    next(
      new ApiError(
        401,
        'unauthorized',
        'admin credential required: Authorization: Bearer <ADMIN_TOKEN>, or Basic with the token as password',
      ),
    );
  };
}

function presentedToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (value === undefined || scheme === undefined) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
