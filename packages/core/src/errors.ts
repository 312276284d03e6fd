/**
 * The error taxonomy. ApiError carries an HTTP status and is turned into a JSON
 * body by the API's error middleware. Kinds are checked by `name` as well as
 * `instanceof`, because errors cross package copies and BullMQ serialisation.
 */
export interface FieldProblem {
  field: string;
  problem: string;
}

export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: FieldProblem[],
  ) {
    super(message);
  }
}

export class ValidationFailedError extends ApiError {
  override name = 'ValidationFailedError';

  constructor(details: FieldProblem[]) {
    const summary = details
      .slice(0, 5)
      .map((d) => `${d.field}: ${d.problem}`)
      .join('; ');
    super(400, 'validation_failed', `Invalid request: ${summary}${details.length > 5 ? '; ...' : ''}`, details);
  }
}

export class NotFoundError extends ApiError {
  override name = 'NotFoundError';

  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends ApiError {
  override name = 'ConflictError';

  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class UnprocessableError extends ApiError {
  override name = 'UnprocessableError';

  constructor(code: string, message: string) {
    super(422, code, message);
  }
}

/** A store or service the pipeline depends on is unavailable past its retries: the whole job fails. */
export class DependencyError extends Error {
  override name = 'DependencyError';

  /** The message reaches tenants (503 bodies, job errors): addresses are cut from it; `cause` keeps them for logs. */
  constructor(
    readonly dependency: 'postgresql' | 'milvus' | 'embedding' | 'redis',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(withoutAddresses(message), options);
  }
}

/** `10.0.0.5:5432`, `[::1]:19530`, `db.internal:6379` and bare IPv4 addresses, as `<address>`. */
const ADDRESS = /\[[0-9a-f:.]+\](?::\d+)?|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|\b[a-z0-9][a-z0-9.-]*:\d{2,5}\b/gi;

export function withoutAddresses(message: string): string {
  return message.replace(ADDRESS, '<address>');
}

/** The embedding service refused an input for good (a 4xx that is not 429): that document fails alone. */
export class EmbeddingRejectedError extends Error {
  override name = 'EmbeddingRejectedError';

  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** PostgreSQL refused a document's row for good (a value past one of its limits): that document fails alone. */
export class StorageRejectedError extends Error {
  override name = 'StorageRejectedError';
}

export function isErrorNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
