import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

export type { components, paths };

/** A field-level problem from a validation error (`path` like `body.email`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * An error answered by the API (`application/problem+json`), or a network failure (`status` 0,
 * `code` `network_error`). Screens show `detail`; forms map `fieldErrors` onto their inputs.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fieldErrors: FieldProblem[];
  readonly requestId: string | null;

  constructor(init: { status: number; code: string; detail: string; fieldErrors?: FieldProblem[]; requestId?: string | null }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? [];
    this.requestId = init.requestId ?? null;
  }
}

/** Whether a value is an ApiError with the given status (and, optionally, code). */
export function isApiError(value: unknown, status?: number, code?: string): value is ApiError {
  return value instanceof ApiError && (status === undefined || value.status === status) && (code === undefined || value.code === code);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldProblemsOf(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) =>
    isRecord(item) && typeof item.path === 'string' && typeof item.message === 'string' ? [{ path: item.path, message: item.message }] : [],
  );
}

/** Builds an ApiError from a failed response and its parsed body (problem+json or anything else). */
export function problemToError(response: Response, body: unknown): ApiError {
  if (isRecord(body) && typeof body.code === 'string') {
    return new ApiError({
      status: response.status,
      code: body.code,
      detail: typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : response.statusText,
      fieldErrors: fieldProblemsOf(body.errors),
      requestId: typeof body.requestId === 'string' ? body.requestId : null,
    });
  }
  return new ApiError({ status: response.status, code: `http_${response.status}`, detail: response.statusText || `HTTP ${response.status}` });
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token (sent as `X-CSRF-Token` on every write). Call with each session payload. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/** The typed client of the Charla REST API (same origin, session cookie). */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrfMiddleware);

type Result<T> = { data?: T; error?: unknown; response: Response };

/**
 * Awaits an `api.GET/POST/...` call and returns its data, or throws an ApiError. Use it inside React
 * Query functions: `queryFn: () => unwrap(api.GET('/api/v1/me'))`.
 */
export async function unwrap<T>(request: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await request;
  } catch (cause) {
    throw new ApiError({ status: 0, code: 'network_error', detail: cause instanceof Error ? cause.message : String(cause) });
  }
  const { data, error, response } = result;
  if (!response.ok || error !== undefined) throw problemToError(response, error);
  // 204 answers have no body; their schema is `null`.
  return data ?? (null as T);
}

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : null;

/** The JSON an operation answers with (its 200 or 201 response), e.g. `ResponseOf<'/api/v1/members', 'get'>`. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: infer X }
    ? JsonOf<X>
    : R extends { 201: infer X }
      ? JsonOf<X>
      : null
  : never;

/** The JSON body an operation accepts, e.g. `BodyOf<'/api/v1/invitations', 'post'>`. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
