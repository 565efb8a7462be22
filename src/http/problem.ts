import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, type ErrorKind, type FieldIssue } from '../shared/errors.ts';

const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

/** The RFC 9457 problem document every error response carries. */
export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the problem type (`urn:charla:error:<code>`).'),
    title: z.string().describe('Short, human-readable summary.'),
    status: z.number().int().describe('HTTP status code.'),
    code: z.string().describe('Stable machine-readable error code, e.g. `validation_failed`, `not_found`.'),
    detail: z.string().optional().describe('Explanation specific to this occurrence.'),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('Field-level problems (validation errors).'),
    requestId: z.string().optional().describe('Quote this id when reporting a problem.'),
  })
  .describe('Error (application/problem+json)');

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Sends an application/problem+json response. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  extra: { errors?: FieldIssue[]; retryAfterSeconds?: number } = {},
) {
  if (extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(extra.retryAfterSeconds))));
  return reply
    .status(status)
    .type('application/problem+json')
    .send({
      type: `urn:charla:error:${code}`,
      title: TITLES[status] ?? 'Error',
      status,
      code,
      detail,
      ...(extra.errors ? { errors: extra.errors } : {}),
      requestId: String(reply.request.id),
    });
}

const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'Send the body as application/json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json', 'The JSON body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', 'The body is not valid JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length', 'Content-Length does not match the body'],
  FST_ERR_INVALID_URL: [400, 'invalid_url', 'The URL is not valid'],
  FST_ERR_BAD_URL: [400, 'invalid_url', 'The URL is not valid'],
  FST_ERR_RESPONSE_SERIALIZATION: [500, 'internal_error', 'Something went wrong on our side'],
};

/** Maps every error to a problem document; anything unexpected is logged and answered 500 without details. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    return sendProblem(reply, STATUS[error.kind], error.code, error.message, {
      errors: error.details.issues,
      retryAfterSeconds: error.details.retryAfterSeconds,
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => {
      const where = error.validationContext ?? 'body';
      const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return { path: path ? `${where}.${path}` : where, message: v.message ?? 'Invalid value' };
    });
    return sendProblem(reply, 400, 'validation_failed', 'The request has invalid fields', { errors: issues });
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
    return sendProblem(reply, 500, 'internal_error', 'Something went wrong on our side');
  }
  const fe = error as FastifyError;
  if (fe.code && FASTIFY_CODES[fe.code]) {
    const [status, code, detail] = FASTIFY_CODES[fe.code]!;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, status, code, detail);
  }
  if (fe.statusCode === 429) {
    const retryAfter = Number(reply.getHeader('retry-after')) || 60;
    return sendProblem(reply, 429, 'rate_limited', 'Too many requests; try again later', { retryAfterSeconds: retryAfter });
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return sendProblem(reply, fe.statusCode, (fe.code ?? 'bad_request').toLowerCase(), fe.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, 500, 'internal_error', 'Something went wrong on our side');
}
