import express, { type Request, type RequestHandler } from 'express';
import { ApiError } from '@nonstop/core';
import { bodyParserErrorToApiError } from './body-parser-errors';
import { firstInvalidUtf8Offset, isUtf8 } from './utf8';

/**
 * The body parser for the JSON endpoints: `application/json` in UTF-8 only,
 * at most `limitBytes` (after decompression), objects or arrays at the top
 * (strict). Every failure becomes an ApiError for the error middleware.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: true, verify: rejectInvalidUtf8 });
  return (req, res, next) => {
    const contentTypeProblem = checkContentType(req);
    if (contentTypeProblem !== undefined) {
      next(contentTypeProblem);
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error === undefined) next();
      else next(bodyParserErrorToApiError(error, limitBytes) ?? error);
    });
  };
}

/** Decided from the header alone, before a byte of the body is read. */
function checkContentType(req: Request): ApiError | undefined {
  const header = req.headers['content-type'] ?? '';
  const [mediaType = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') {
    const got = header === '' ? 'no Content-Type' : `"${header.slice(0, 100)}"`;
    return new ApiError(415, 'unsupported_media_type', `Content-Type must be application/json, got ${got}`);
  }
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
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
