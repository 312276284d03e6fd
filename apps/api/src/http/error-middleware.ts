import type { ErrorRequestHandler, Request, Response } from 'express';
import { ApiError, apiBody, type FieldProblem } from '@nonstop/core';
import { bodyParserErrorToApiError } from './body-parser-errors';

/** What the handler needs of a logger; a winston Logger fits. */
export interface ErrorLogger {
  error(message: string, meta: Record<string, unknown>): unknown;
}

/** ApiError and its subclasses, by class or, across package copies, by name and shape. */
const API_ERROR_NAMES = new Set(['ApiError', 'ValidationFailedError', 'NotFoundError', 'ConflictError', 'UnprocessableError']);

/**
 * The one error handler, mounted last. Known errors become
 * `{ error: { code, message, details? } }` with their status; anything else
 * is a bug: logged with the request id (never the body) and answered with a
 * generic 500 that does not leak the error's message.
 */
export function errorMiddleware(logger: ErrorLogger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    const known = toApiError(error);
    if (known === undefined || known.status >= 500) logFailure(logger, req, error);
    if (res.headersSent) {
      // Too late for a JSON answer: Express's default handler closes the connection.
      next(error);
      return;
    }
    if (known !== undefined) {
      send(res, known.status, known.code, known.message, known.details);
      return;
    }
    const reference = req.requestId === undefined ? '' : ` (request id ${req.requestId})`;
    send(res, 500, 'internal_error', `Internal server error${reference}`);
  };
}

function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (isApiErrorShaped(error)) return error;
  const fromParser = bodyParserErrorToApiError(error);
  if (fromParser !== undefined) return fromParser;
  return exposedClientError(error);
}

function isApiErrorShaped(error: unknown): error is ApiError {
  if (!(error instanceof Error) || !API_ERROR_NAMES.has(error.name)) return false;
  const { status, code } = error as Partial<ApiError>;
  return typeof status === 'number' && status >= 400 && status <= 599 && typeof code === 'string';
}

/**
 * Client errors that Express itself raises: http-errors with `expose` (their
 * message is meant for the client), and the router's 400 for a path parameter
 * that is not valid percent-encoding (a URIError). Other errors carrying a
 * status, such as an upstream service's 404, are not the client's and stay 500.
 */
function exposedClientError(error: unknown): ApiError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (expose !== true && !(error instanceof URIError)) return undefined;
  return new ApiError(status, status === 404 ? 'not_found' : 'bad_request', error.message);
}

function send(res: Response, status: number, code: string, message: string, details?: FieldProblem[]): void {
  res
    .status(status)
    .json(apiBody('ErrorBody', { error: { code, message, ...(details !== undefined && details.length > 0 && { details }) } }));
}

function logFailure(logger: ErrorLogger, req: Request, error: unknown): void {
  logger.error('request failed', {
    request_id: req.requestId,
    method: req.method,
    // Without the query string: it is the client's, and may hold tokens.
    path: req.originalUrl.split('?')[0],
    error_name: error instanceof Error ? error.name : typeof error,
    error_message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
}
