import express, { type Request, type RequestHandler, type Response } from 'express';
import { ApiError } from '@nonstop/core';
import { callerOf } from '../auth/api-key-auth';
import { bodyCost, type BodyMemoryBudget } from './body-memory-budget';
import { bodyParserErrorToApiError } from './body-parser-errors';
import { firstInvalidUtf8Offset, isUtf8 } from './utf8';

/**
 * The body parser for the JSON endpoints: `application/json` in UTF-8 only,
 * at most `limitBytes` (after decompression), objects or arrays at the top
 * (strict). Every failure becomes an ApiError for the error middleware.
 * With a `budget`, a large body is admitted against the process's body
 * memory before it is read, and refused unread when it does not fit.
 */
export function jsonBody(limitBytes: number, budget?: BodyMemoryBudget): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: true, verify: rejectInvalidUtf8 });
  return (req, res, next) => {
    const contentTypeProblem = checkContentType(req);
    if (contentTypeProblem !== undefined) {
      next(contentTypeProblem);
      return;
    }
    const refusal = budget ? admitBody(req, res, limitBytes, budget) : undefined;
    if (refusal !== undefined) {
      next(refusal);
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error === undefined) next();
      else next(bodyParserErrorToApiError(error, limitBytes) ?? error);
    });
  };
}

/** Seconds a client whose body did not fit is told to wait: about the time a large body takes to parse and stage. */
const BODY_RETRY_AFTER_SECONDS = 5;

/** Holds the body's cost until the response is done (or the client left); the refusal, when it does not fit. */
function admitBody(req: Request, res: Response, limitBytes: number, budget: BodyMemoryBudget): ApiError | undefined {
  const cost = bodyCost(req, limitBytes);
  if (cost === 0) return undefined;
  const reservation = budget.reserve(cost, callerOf(res).keyId);
  if ('release' in reservation) {
    res.on('close', reservation.release);
    return undefined;
  }
  res.set('Retry-After', String(BODY_RETRY_AFTER_SECONDS));
  const mib = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MiB`;
  return reservation.refusal === 'key'
    ? new ApiError(
        429,
        'too_many_large_bodies',
        `The request bodies this API key has in flight already hold its share of the server's body memory (${mib(budget.perKeyBytes)}); ` +
          `retry after ${BODY_RETRY_AFTER_SECONDS} s, or send fewer large bodies at once`,
      )
    : new ApiError(
        503,
        'server_busy',
        `The server is reading as many large request bodies as its body memory (${mib(budget.capacityBytes)}) allows; ` +
          `retry after ${BODY_RETRY_AFTER_SECONDS} s`,
      );
}

/** Decided from the header alone, before a byte of the body is read. */
function checkContentType(req: Request): ApiError | undefined {
  const header = req.headers['content-type'] ?? '';
  const [mediaType = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') {
    const got = header === '' ? 'no Content-Type' : `"${header.slice(0, 100)}"`;
    return new ApiError(415, 'unsupported_media_type', `Content-Type must be application/json, got ${got}`);
  }
  const charset = parameters
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return new ApiError(415, 'unsupported_charset', `Request body must be encoded as UTF-8, got charset ${charset.slice(0, 40)}`);
  }
  return undefined;
}

/**
 * body-parser decodes invalid bytes to U+FFFD without a word, which would
 * store corrupted text as if the client had sent it. The raw bytes are checked
 * before decoding instead, and such a body is refused.
 */
function rejectInvalidUtf8(_req: unknown, _res: unknown, bytes: Buffer): void {
  if (isUtf8(bytes)) return;
  const offset = firstInvalidUtf8Offset(bytes);
  throw new ApiError(400, 'invalid_utf8', `Request body is not valid UTF-8 (first invalid byte at offset ${offset})`);
}
