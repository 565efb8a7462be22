import { randomBytes } from 'node:crypto';

/** Meta's error answer: `{ error: { message, type, code, error_subcode?, error_data, fbtrace_id } }`. */
export interface MetaErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_user_title?: string;
    error_user_msg?: string;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

/** A Graph error to send: HTTP status plus Meta's body. Thrown inside route handlers. */
export class MetaError extends Error {
  override name = 'MetaError';
  constructor(
    readonly httpStatus: number,
    readonly body: MetaErrorBody,
  ) {
    super(body.error.message);
  }
}

interface CodeInfo {
  title: string;
  http: number;
  type?: string;
}

/**
 * Titles and HTTP statuses per code (reference §7 and §3.4). Meta asks clients to rely on codes, not
 * on statuses, so these only need to be plausible.
 */
const CODES: Record<number, CodeInfo> = {
  1: { title: 'API Unknown', http: 500 },
  2: { title: 'API Service', http: 503 },
  4: { title: 'Application request limit reached', http: 400 },
  100: { title: 'Invalid parameter', http: 400 },
  190: { title: 'Invalid OAuth access token - Cannot parse access token', http: 401 },
  368: { title: 'Temporarily blocked for policies violations', http: 403 },
  80007: { title: 'Rate limit issues', http: 400 },
  130429: { title: 'Rate limit hit', http: 400 },
  131000: { title: 'Something went wrong', http: 500 },
  131005: { title: 'Access denied', http: 403 },
  131008: { title: 'Required parameter is missing', http: 400 },
  131009: { title: 'Parameter value is not valid', http: 400 },
  131016: { title: 'Service unavailable', http: 503 },
  131021: { title: 'Recipient cannot be sender', http: 400 },
  131026: { title: 'Message undeliverable', http: 400 },
  131030: { title: 'Recipient phone number not in allowed list', http: 400 },
  131031: { title: 'Account has been locked', http: 403 },
  131042: { title: 'Business eligibility payment issue', http: 400 },
  131045: { title: 'Incorrect certificate', http: 400 },
  131047: { title: 'Re-engagement message', http: 400 },
  131048: { title: 'Spam rate limit hit', http: 400 },
  131049: { title: 'This message was not delivered to maintain healthy ecosystem engagement.', http: 400 },
  131050: { title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.', http: 400 },
  131051: { title: 'Unsupported message type', http: 400 },
  131052: { title: 'Media download error', http: 400 },
  131053: { title: 'Media upload error', http: 400 },
  131056: { title: '(Business Account, Consumer Account) pair rate limit hit', http: 400 },
  131057: { title: 'Account in maintenance mode', http: 400 },
  132000: { title: 'Number of parameters does not match the expected number of params', http: 400 },
  132001: { title: 'Template name does not exist in the translation', http: 404 },
  132005: { title: 'Translated text too long', http: 400 },
  132007: { title: 'Format character policy violated', http: 400 },
  132012: { title: 'Parameter format does not match format in the created template', http: 400 },
  132015: { title: 'Template is Paused', http: 400 },
  132016: { title: 'Template is Disabled', http: 400 },
  133010: { title: 'Phone number Not Registered', http: 400 },
  135000: { title: 'Generic user error', http: 400 },
};

/** The title Meta uses for a code (also the `title`/`message` of webhook errors). */
export function titleOf(code: number): string {
  return CODES[code]?.title ?? 'Something went wrong';
}

/** Codes Cloud API accepts with HTTP 200 and reports later as a `failed` status webhook. */
export const ASYNC_ERROR_CODES = new Set([131026, 131047, 131049, 131050, 130472]);

/** A random `fbtrace_id` like Meta's. */
export const fbtraceId = (): string => randomBytes(17).toString('base64url').slice(0, 23);

/** Builds a Meta error for a WhatsApp code, with `details` in `error_data`. */
export function metaError(code: number, details: string, options: { httpStatus?: number; subcode?: number; userTitle?: string; userMessage?: string } = {}): MetaError {
  const info = CODES[code];
  const error: MetaErrorBody['error'] = {
    message: `(#${code}) ${info?.title ?? 'Something went wrong'}`,
    type: info?.type ?? 'OAuthException',
    code,
    error_data: { messaging_product: 'whatsapp', details },
    fbtrace_id: fbtraceId(),
  };
  if (options.subcode !== undefined) error.error_subcode = options.subcode;
  if (options.userTitle) error.error_user_title = options.userTitle;
  if (options.userMessage) error.error_user_msg = options.userMessage;
  return new MetaError(options.httpStatus ?? info?.http ?? 400, { error });
}

/** Graph's answer for an id that does not exist or that the token cannot see (code 100, subcode 33). */
export function unknownObject(id: string, method: 'get' | 'post' | 'delete' = 'get'): MetaError {
  return new MetaError(400, {
    error: {
      message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
      fbtrace_id: fbtraceId(),
    },
  });
}

/** Graph's answer for a missing or wrong access token (code 190, HTTP 401). */
export function invalidToken(missing: boolean): MetaError {
  return new MetaError(401, {
    error: {
      message: missing ? 'An active access token must be used to query information about the current user.' : 'Invalid OAuth access token - Cannot parse access token',
      type: 'OAuthException',
      code: 190,
      fbtrace_id: fbtraceId(),
    },
  });
}

/** A webhook-style error object (`errors[]` of a failed status or of a message). */
export function webhookError(code: number, details: string): { code: number; title: string; message: string; error_data: { details: string }; href: string } {
  const title = titleOf(code);
  return { code, title, message: title, error_data: { details }, href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' };
}

/** Turns a zod failure on a Graph request into Meta's error: 131008 for missing fields, else 100. */
export function fromZodIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): MetaError {
  const issue = issues[0];
  if (!issue) return metaError(100, 'Invalid parameter');
  const [head, ...rest] = issue.path.map(String);
  const param = `${head ?? 'body'}${rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `['${p}']`)).join('')}`;
  if (/received undefined/.test(issue.message)) return metaError(131008, `The parameter ${param} is required.`);
  return metaError(100, `Param ${param} is invalid: ${issue.message}`);
}
