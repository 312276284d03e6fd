import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

declare global {
  namespace Express {
    interface Request {
      /** Set by requestId(): the caller's X-Request-Id when usable, else a fresh uuid. */
      requestId?: string;
    }
  }
}

/**
 * A caller's id is kept so one id follows a request across services, but only
 * if it is short, plain ASCII: it is written into logs and a response header.
 */
const USABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('X-Request-Id');
    const id = incoming !== undefined && USABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}
