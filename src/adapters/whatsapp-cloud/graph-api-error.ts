/**
 * What a Graph failure means for the caller:
 * - `rate_limited`: retry after `retryAfterMs` (130429, 131056, 80007, 4, 613…);
 * - `retryable`: transient, retry with backoff (1, 2, 131000, 131016, 5xx, network);
 * - `permanent`: the request is wrong, do not retry (100, 131051, 132xxx…);
 * - `auth`: the access token is invalid or lacks permissions (190, 0, 10, 200–299);
 * - `window_closed`: outside the 24-hour customer-service window, send a template (131047);
 * - `recipient_invalid`: the recipient cannot receive it (131026, 131030, 131050…);
 * - `account`: the business account is restricted, locked or unpaid (368, 131031, 131042…).
 */
export type GraphErrorClassification =
  | 'rate_limited'
  | 'retryable'
  | 'permanent'
  | 'auth'
  | 'window_closed'
  | 'recipient_invalid'
  | 'account';

/** Code used for failures where no Graph answer arrived (network error, timeout, non-JSON reply). */
export const NETWORK_ERROR_CODE = -1;

/** A failed Graph API call, classified. Build it with `classifyGraphError`. */
export class GraphApiError extends Error {
  override name = 'GraphApiError';
  /** HTTP status of the answer (0 when none arrived). */
  readonly httpStatus: number;
  /** Meta's error code (see `describeGraphError`), or {@link NETWORK_ERROR_CODE}. */
  readonly code: number;
  readonly subcode?: number;
  /** Meta's error type, e.g. `OAuthException`. */
  readonly type?: string;
  readonly title?: string;
  readonly details?: string;
  readonly fbtraceId?: string;
  readonly classification: GraphErrorClassification;
  /** For `rate_limited` (and some transient errors): how long to wait before retrying. */
  readonly retryAfterMs?: number;

  constructor(init: {
    message: string;
    httpStatus: number;
    code: number;
    classification: GraphErrorClassification;
    subcode?: number;
    type?: string;
    title?: string;
    details?: string;
    fbtraceId?: string;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.classification = init.classification;
    this.subcode = init.subcode;
    this.type = init.type;
    this.title = init.title;
    this.details = init.details;
    this.fbtraceId = init.fbtraceId;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** True when trying again later can succeed (`rate_limited` or `retryable`). */
  get retryable(): boolean {
    return this.classification === 'rate_limited' || this.classification === 'retryable';
  }

}
