import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../shared/errors.ts';
import { describeGraphError, hasGraphErrorDescription } from './graph-error-messages.ts';
import { classifyErrorCode, classifyGraphError, toJobError } from './graph-errors.ts';
import { GraphApiError } from './types.ts';

const metaError = (code: number, message: string, extra: Record<string, unknown> = {}) => ({
  error: { message: `(#${code}) ${message}`, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: `${message} details` }, fbtrace_id: 'Az8or2yhqkZfEZ', ...extra },
});

describe('classifyGraphError', () => {
  it.each([
    [130429, 400, 'rate_limited'],
    [131056, 400, 'rate_limited'],
    [80007, 400, 'rate_limited'],
    [4, 400, 'rate_limited'],
    [613, 400, 'rate_limited'],
    [131047, 400, 'window_closed'],
    [131026, 400, 'recipient_invalid'],
    [131030, 400, 'recipient_invalid'],
    [131051, 400, 'permanent'],
    [100, 400, 'permanent'],
    [132000, 400, 'permanent'],
    [132001, 404, 'permanent'],
    [132015, 400, 'permanent'],
    [190, 401, 'auth'],
    [0, 401, 'auth'],
    [200, 403, 'auth'],
    [131031, 403, 'account'],
    [131042, 400, 'account'],
    [368, 403, 'account'],
    [131048, 400, 'account'],
    [133010, 400, 'account'],
    [1, 500, 'retryable'],
    [2, 503, 'retryable'],
    [131000, 500, 'retryable'],
    [131016, 503, 'retryable'],
  ])('code %i (HTTP %i) is %s', (code, status, classification) => {
    const err = classifyGraphError(status, metaError(code, 'Something'));
    expect(err).toBeInstanceOf(GraphApiError);
    expect(err.classification).toBe(classification);
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(classification === 'rate_limited' || classification === 'retryable');
  });

  it('keeps Meta’s fields and derives the title from the message', () => {
    const err = classifyGraphError(400, metaError(130429, 'Rate limit hit', { error_subcode: 2494055 }));
    expect(err).toMatchObject({
      httpStatus: 400,
      code: 130429,
      subcode: 2494055,
      type: 'OAuthException',
      title: 'Rate limit hit',
      details: 'Rate limit hit details',
      fbtraceId: 'Az8or2yhqkZfEZ',
      message: '(#130429) Rate limit hit',
      retryAfterMs: 1000,
    });
    expect(classifyGraphError(400, metaError(131056, 'Pair rate limit hit')).retryAfterMs).toBe(6000);
    expect(classifyGraphError(400, metaError(131056, 'x')).retryAfterMs).toBe(6000);
    expect(classifyGraphError(429, metaError(130429, 'x'), '3').retryAfterMs).toBe(3000);
  });

  it('falls back on the HTTP status for unknown codes and bodies that are not Meta’s', () => {
    expect(classifyErrorCode(999999, 500)).toBe('retryable');
    expect(classifyErrorCode(999999, 400)).toBe('permanent');
    expect(classifyGraphError(502, '<html>Bad gateway</html>')).toMatchObject({ classification: 'retryable', httpStatus: 502 });
    expect(classifyGraphError(401, undefined)).toMatchObject({ classification: 'auth', code: 190 });
    expect(classifyGraphError(429, {})).toMatchObject({ classification: 'rate_limited', code: 130429 });
    expect(classifyGraphError(400, { error: { code: '100', message: 'Invalid parameter' } })).toMatchObject({ code: 100, classification: 'permanent' });
  });
});

describe('toJobError', () => {
  it('turns retryable failures into RetryableError with the wait, the rest into PermanentError', () => {
    const limited = toJobError(classifyGraphError(400, metaError(130429, 'Rate limit hit')));
    expect(limited).toBeInstanceOf(RetryableError);
    expect(limited).toMatchObject({ retryAfterMs: 1000 });
    const closed = toJobError(classifyGraphError(400, metaError(131047, 'Re-engagement message')));
    expect(closed).toBeInstanceOf(PermanentError);
    expect(closed).toMatchObject({ code: 'whatsapp_window_closed_131047' });
    const other = new Error('boom');
    expect(toJobError(other)).toBe(other);
  });
});

describe('describeGraphError', () => {
  it('explains the documented codes in es, pt-BR and en', () => {
    for (const code of [130429, 131056, 80007, 4, 613, 131047, 131026, 131051, 100, 190, 131031, 131042, 132000, 132001, 132015, 132016, 368, 131048, 1, 2, 131000, 131016]) {
      expect(hasGraphErrorDescription(code)).toBe(true);
      const texts = (['es', 'pt-BR', 'en'] as const).map((l) => describeGraphError(code, l));
      expect(new Set(texts).size).toBe(3);
    }
    expect(describeGraphError(131047, 'es')).toMatch(/24 horas/);
    expect(describeGraphError(131047, 'pt-BR')).toMatch(/24 horas/);
    expect(describeGraphError(131047, 'en')).toMatch(/24 hours/);
  });

  it('has a family explanation or the bare code for the rest', () => {
    expect(describeGraphError(2388019, 'en')).toMatch(/template/);
    expect(describeGraphError(133005, 'es')).toMatch(/registro/);
    expect(describeGraphError(777, 'pt-BR')).toBe('O WhatsApp retornou o erro 777.');
  });
});
