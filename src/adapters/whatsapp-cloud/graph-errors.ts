import { z } from 'zod';
import { PermanentError, RetryableError } from '../../shared/errors.ts';
import { GraphApiError, type GraphErrorClassification, NETWORK_ERROR_CODE } from './types.ts';

/** Meta's error body: `{ error: { message, type, code, error_subcode, error_data, fbtrace_id } }`. */
const graphErrorBody = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.coerce.number().int(),
    error_subcode: z.coerce.number().int().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    error_data: z
      .union([z.object({ details: z.string().optional() }).loose(), z.string()])
      .optional(),
    fbtrace_id: z.string().optional(),
  }),
});

/** How long to wait before retrying each rate limit (Meta publishes windows, not Retry-After headers). */
const RATE_LIMIT_WAIT_MS: Record<number, number> = {
  130429: 1_000, // throughput (mps): clears within a second
  131056: 6_000, // pair rate: about one message per 6 s to the same user
  80007: 60_000, // WABA rate limit
  4: 60_000, // app call-rate limit
  613: 60_000, // calls-per-period limit
  131057: 60_000, // maintenance mode during a throughput upgrade (≤ 1 minute)
};

const CLASS_BY_CODE: Record<number, GraphErrorClassification> = {
  // rate limits
  4: 'rate_limited',
  613: 'rate_limited',
  80007: 'rate_limited',
  130429: 'rate_limited',
  131056: 'rate_limited',
  131057: 'rate_limited',
  // transient
  1: 'retryable',
  2: 'retryable',
  131000: 'retryable',
  131016: 'retryable',
  133004: 'retryable',
  // credentials and permissions
  0: 'auth',
  3: 'auth',
  10: 'auth',
  190: 'auth',
  131005: 'auth',
  // 24-hour customer-service window
  131047: 'window_closed',
  // recipient cannot receive it
  131026: 'recipient_invalid',
  131021: 'recipient_invalid',
  131030: 'recipient_invalid',
  131050: 'recipient_invalid',
  130472: 'recipient_invalid',
  130403: 'recipient_invalid',
  // the business account is restricted, locked, unregistered or unpaid
  368: 'account',
  130497: 'account',
  131031: 'account',
  131037: 'account',
  131042: 'account',
  131045: 'account',
  131048: 'account',
  131063: 'account',
  131064: 'account',
  133010: 'account',
  134011: 'account',
};

/** Classifies a Meta error code (from a sync answer or a `failed` status webhook). */
export function classifyErrorCode(code: number, httpStatus = 0): GraphErrorClassification {
  const known = CLASS_BY_CODE[code];
  if (known) return known;
  if (code >= 200 && code <= 299) return 'auth';
  if (code >= 133000 && code <= 133999) return 'account';
  if (code === NETWORK_ERROR_CODE) return 'retryable';
  // Unknown codes: fall back on the HTTP status, which Meta asks us not to rely on but is all we have.
  if (httpStatus === 429) return 'rate_limited';
  if (httpStatus === 401) return 'auth';
  if (httpStatus >= 500) return 'retryable';
  return 'permanent';
}

/** True when an error code is worth retrying later (rate limits and transient failures). */
export function isRetryableCode(code: number): boolean {
  const c = classifyErrorCode(code);
  return c === 'rate_limited' || c === 'retryable';
}

/**
 * Turns a Graph API error answer into a classified {@link GraphApiError}. `body` is the parsed JSON
 * (or anything: bodies that are not Meta's error shape become a generic HTTP error).
 */
export function classifyGraphError(httpStatus: number, body: unknown, retryAfterHeader?: string | null): GraphApiError {
  const parsed = graphErrorBody.safeParse(body);
  const headerWait = parseRetryAfter(retryAfterHeader);
  if (!parsed.success) {
    // No Meta error object (a proxy page, an empty body): pick the code whose meaning matches the status.
    const code = httpStatus >= 500 ? 131016 : httpStatus === 429 ? 130429 : httpStatus === 401 ? 190 : 100;
    const classification = classifyErrorCode(code, httpStatus);
    return new GraphApiError({
      message: `Graph API answered HTTP ${httpStatus} without an error body`,
      httpStatus,
      code,
      classification,
      retryAfterMs: headerWait ?? (classification === 'rate_limited' ? RATE_LIMIT_WAIT_MS[code] : undefined),
    });
  }
  const e = parsed.data.error;
  const classification = classifyErrorCode(e.code, httpStatus);
  const details = typeof e.error_data === 'string' ? e.error_data : e.error_data?.details;
  const title = e.error_user_title ?? e.message?.replace(/^\(#\d+\)\s*/, '');
  return new GraphApiError({
    message: e.message ?? `Graph API error ${e.code}`,
    httpStatus,
    code: e.code,
    subcode: e.error_subcode,
    type: e.type,
    title,
    details: details ?? e.error_user_msg,
    fbtraceId: e.fbtrace_id,
    classification,
    retryAfterMs: headerWait ?? (classification === 'rate_limited' ? (RATE_LIMIT_WAIT_MS[e.code] ?? 60_000) : undefined),
  });
}

/** A failure before any Graph answer (DNS, connection refused, timeout): always retryable. */
export function networkGraphError(message: string, cause: unknown): GraphApiError {
  return new GraphApiError({ message, httpStatus: 0, code: NETWORK_ERROR_CODE, classification: 'retryable', title: 'Network error', cause });
}

/**
 * Maps an error from the adapter to what the job runner understands: `RetryableError` (with the
 * wait for rate limits) or `PermanentError` (whose `code` is `whatsapp_<classification>_<code>`).
 * Anything that is not a GraphApiError is returned unchanged (the runner retries it with backoff).
 */
export function toJobError(err: unknown): unknown {
  if (!(err instanceof GraphApiError)) return err;
  if (err.retryable) return new RetryableError(`WhatsApp: ${err.message}`, err.retryAfterMs);
  return new PermanentError(`WhatsApp: ${err.message}`, `whatsapp_${err.classification}_${err.code}`);
}

function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
