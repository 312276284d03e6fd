import type { FieldProblem } from './types';

/** An error answer of the API: the server's status, code, message and field problems. */
export class NonstopApiError extends Error {
  override name = 'NonstopApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** The field paths the server refused, e.g. `documents[0].chunks`. */
  get fields(): string[] {
    return this.details.map((detail) => detail.field);
  }
}

/** The request never got an HTTP answer (connection refused, reset, DNS). */
export class NonstopNetworkError extends Error {
  override name = 'NonstopNetworkError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `waitForJob` gave up at its deadline; the job goes on on the server. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';

  constructor(
    readonly jobId: string,
    readonly lastStatus: string | undefined,
    deadlineMs: number,
  ) {
    super(`job ${jobId} not finished after ${deadlineMs} ms (last status: ${lastStatus ?? 'unknown'})`);
  }
}

/** Builds the error for a non-2xx answer from its body (JSON error or anything else). */
export function errorFromResponse(status: number, bodyText: string, requestId?: string): NonstopApiError {
  try {
    const parsed = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const error = parsed?.error;
    if (error && typeof error.code === 'string' && typeof error.message === 'string') {
      const details = Array.isArray(error.details)
        ? error.details.filter((d): d is FieldProblem => !!d && typeof d.field === 'string' && typeof d.problem === 'string')
        : [];
      return new NonstopApiError(status, error.code, error.message, details, requestId);
    }
  } catch {
    // not JSON: a proxy's page or an empty body
  }
  const snippet = bodyText.trim().slice(0, 200);
  return new NonstopApiError(status, `http_${status}`, snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status}`, [], requestId);
}
