import { describe, expect, it } from 'vitest';
import { ApiError, isApiError, problemToError, unwrap } from './client.ts';

const response = (status: number, statusText = '') => new Response(null, { status, statusText });

describe('problemToError', () => {
  it('reads code, detail, field errors and request id from problem+json', () => {
    const error = problemToError(response(400), {
      type: 'urn:charla:error:validation_failed',
      title: 'Bad request',
      status: 400,
      code: 'validation_failed',
      detail: 'The request has invalid fields',
      errors: [{ path: 'body.email', message: 'Enter a valid e-mail address' }, { nonsense: true }],
      requestId: 'req-1',
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', detail: 'The request has invalid fields', requestId: 'req-1' });
    expect(error.fieldErrors).toEqual([{ path: 'body.email', message: 'Enter a valid e-mail address' }]);
    expect(isApiError(error, 400, 'validation_failed')).toBe(true);
    expect(isApiError(error, 404)).toBe(false);
  });

  it('turns anything else into an http_<status> error', () => {
    const error = problemToError(response(502, 'Bad Gateway'), '<html>');
    expect(error).toMatchObject({ status: 502, code: 'http_502', detail: 'Bad Gateway', fieldErrors: [] });
  });
});

describe('unwrap', () => {
  it('returns data, null for empty answers, and throws ApiError otherwise', async () => {
    await expect(unwrap(Promise.resolve({ data: { ok: true }, response: response(200) }))).resolves.toEqual({ ok: true });
    await expect(unwrap(Promise.resolve({ data: undefined, response: response(204) }))).resolves.toBeNull();
    await expect(unwrap(Promise.resolve({ error: { code: 'not_found', detail: 'Member not found' }, response: response(404) }))).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    });
    await expect(unwrap(Promise.reject(new TypeError('Failed to fetch')))).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });
});
