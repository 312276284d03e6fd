import type { RequestHandler } from 'express';
import { NotFoundError } from '@nonstop/core';

/** Mounted after every route: 404 `not_found` naming what was asked for. */
export function notFoundMiddleware(): RequestHandler {
  return (req, _res, next) => {
    const path = req.originalUrl.split('?')[0] ?? '';
    const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path;
    next(new NotFoundError(`No route for ${req.method} ${shown}`));
  };
}
