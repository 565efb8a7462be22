/**
 * Domain errors carry a stable machine-readable `code` and a user-safe message.
 * Only the HTTP error handler maps them to statuses; jobs map them to retry decisions.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unprocessable'
  | 'unavailable';

/** A field-level problem in a request, e.g. `{ path: "email", message: "Invalid e-mail" }`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Base class of every expected failure. Anything that is not an AppError is a bug (HTTP 500). */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: { issues?: FieldIssue[]; retryAfterSeconds?: number; [key: string]: unknown } = {},
  ) {
    super(message);
  }
}

/** 400 with field details. */
export const validationError = (message: string, issues: FieldIssue[] = [], code = 'validation_failed') =>
  new AppError('validation', code, message, { issues });
/** 404 that never reveals whether the id exists in another organization. */
export const notFound = (what: string, code = 'not_found') => new AppError('not_found', code, `${what} not found`);
/** 403 for a role that lacks a permission. */
export const forbidden = (message = 'You do not have permission to do this', code = 'forbidden') =>
  new AppError('forbidden', code, message);
/** 401 when no valid credential accompanies the request. */
export const unauthenticated = (message = 'Authentication required', code = 'unauthenticated') =>
  new AppError('unauthenticated', code, message);
/** 409 for uniqueness and state conflicts. */
export const conflict = (message: string, code = 'conflict') => new AppError('conflict', code, message);
/** 422 for well-formed requests that the current state cannot accept. */
export const unprocessable = (message: string, code = 'unprocessable') => new AppError('unprocessable', code, message);

/**
 * How a failed side effect should be treated by the job runner: try again later, try again after a
 * given delay, or give up. Adapters classify vendor failures into these.
 */
export class RetryableError extends Error {
  override name = 'RetryableError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A failure that retrying cannot fix (bad credentials, invalid recipient, ...). */
export class PermanentError extends Error {
  override name = 'PermanentError';
  constructor(
    message: string,
    readonly code = 'permanent_failure',
  ) {
    super(message);
  }
}

/** Returns the Postgres error code of a driver error (unique violation is 23505), if any. */
export function pgErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
