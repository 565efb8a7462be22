import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomIp, tokenIn } from '../support/auth.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { createOrg, type TestOrg } from '../support/factories.ts';
import { bodyFor, encodable, expectWellFormed, nastyRawBody, nastyString, nastyValue, RUNS, snapshot } from '../support/property.ts';
import { invite } from '../../src/modules/identity/team.service.ts';

/**
 * Random and hostile input thrown at the public authentication endpoints: never a 5xx, every
 * rejection a problem document, and a rejected request changes nothing (failed logins only add their
 * audit entry).
 */
let ctx: TestContext;
let org: TestOrg;
let pendingToken: string;

beforeAll(async () => {
  ctx = await createTestContext({ CHARLA_LOGIN_RATE_LIMIT: '1000000', CHARLA_API_RATE_LIMIT: '1000000' });
  org = await createOrg(ctx, { name: 'Fuzz' });
  const { link } = await invite(ctx.container, org.principal, { email: 'pending.person@example.test', role: 'agent' }, { principal: org.principal });
  pendingToken = tokenIn(link, 'invite');
});
afterAll(() => ctx?.close());

const validEmail = () => fc.oneof(fc.constant(org.ownerEmail), fc.constant(org.ownerEmail.toUpperCase()), fc.emailAddress(), nastyString);
const validPassword = () => fc.oneof(fc.constant(org.password), fc.string({ minLength: 8, maxLength: 40 }), nastyString);

function post(url: string, body: unknown, raw = false) {
  return ctx.app.inject({
    method: 'POST',
    url,
    remoteAddress: randomIp(),
    headers: { 'content-type': 'application/json' },
    payload: raw ? String(body) : JSON.stringify(body),
  });
}

/** Sends each generated input and checks the invariants. */
async function check(url: string, arb: fc.Arbitrary<unknown>, options: { raw?: boolean; except?: string[]; runs?: number } = {}) {
  await fc.assert(
    fc.asyncProperty(arb, async (input) => {
      const before = await snapshot(ctx, { except: options.except });
      const res = await post(url, input, options.raw);
      expectWellFormed(res, input);
      if (res.statusCode >= 400) expect(await snapshot(ctx, { except: options.except })).toEqual(before);
    }),
    { numRuns: options.runs ?? RUNS },
  );
}

describe('hostile input on the authentication endpoints', () => {
  it('POST /api/v1/setup (the instance is already set up)', async () => {
    await check(
      '/api/v1/setup',
      bodyFor({
        organizationName: fc.string({ minLength: 1, maxLength: 50 }),
        name: fc.string({ minLength: 1, maxLength: 50 }),
        email: validEmail(),
        password: validPassword(),
        language: fc.constantFrom('es', 'pt-BR', 'en', 'fr'),
        timezone: fc.constantFrom('UTC', 'America/Lima', 'Nowhere/City'),
        country: fc.constantFrom('PE', 'pe', 'XXX'),
        demo: fc.boolean(),
      }),
    );
  }, 300_000);

  it('POST /api/v1/auth/login', async () => {
    // A failed login adds its audit entry and nothing else.
    await check('/api/v1/auth/login', bodyFor({ email: validEmail(), password: validPassword() }), { except: ['audit_log'] });
  }, 300_000);

  it('POST /api/v1/auth/password-reset', async () => {
    await check('/api/v1/auth/password-reset', bodyFor({ email: validEmail() }));
  }, 300_000);

  it('POST /api/v1/auth/password-reset/confirm', async () => {
    await check(
      '/api/v1/auth/password-reset/confirm',
      bodyFor({ token: fc.oneof(fc.string({ minLength: 10, maxLength: 60 }), fc.base64String({ minLength: 40, maxLength: 44 })), password: validPassword() }),
    );
  }, 300_000);

  it('POST /api/v1/invitations/accept', async () => {
    await check(
      '/api/v1/invitations/accept',
      bodyFor({
        token: fc.oneof(fc.constant(pendingToken), fc.string({ minLength: 10, maxLength: 60 })),
        name: fc.oneof(fc.string({ maxLength: 30 }), nastyString),
        // Too short to be accepted, so the one real invitation stays pending for every run.
        password: fc.oneof(fc.string({ maxLength: 7 }), nastyValue),
      }),
    );
  }, 300_000);

  it('GET /api/v1/invitations/lookup', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), nastyString, fc.constant(pendingToken.slice(0, -1))).filter(encodable), async (token) => {
        const before = await snapshot(ctx);
        const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/invitations/lookup?token=${encodeURIComponent(token)}`, remoteAddress: randomIp() });
        expectWellFormed(res, token);
        expect(res.statusCode).not.toBe(200);
        expect(await snapshot(ctx)).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('raw, malformed and prototype-poisoning bodies on every public POST', async () => {
    for (const url of ['/api/v1/setup', '/api/v1/auth/login', '/api/v1/auth/password-reset', '/api/v1/auth/password-reset/confirm', '/api/v1/invitations/accept']) {
      await check(url, nastyRawBody, { raw: true, except: ['audit_log'], runs: Math.ceil(RUNS / 3) });
    }
  }, 300_000);

  it('hostile Authorization, Cookie, CSRF and Content-Type headers', async () => {
    const headerValue = fc.oneof(fc.string({ maxLength: 300 }), nastyString, fc.constantFrom('Bearer', 'Bearer ', 'Bearer chk_', `Bearer ${org.apiKey}x`, 'charla_session=', 'charla_session=../../x'));
    await fc.assert(
      fc.asyncProperty(
        fc.record({ authorization: headerValue, cookie: headerValue, 'x-csrf-token': headerValue, 'content-type': headerValue }, { requiredKeys: [] }),
        fc.constantFrom<['GET' | 'POST' | 'PATCH', string]>(['GET', '/api/v1/me'], ['POST', '/api/v1/auth/logout'], ['PATCH', '/api/v1/organization'], ['POST', '/api/v1/api-keys']),
        async (headers, [method, url]) => {
          const before = await snapshot(ctx);
          let res: Awaited<ReturnType<typeof ctx.app.inject>>;
          try {
            res = await ctx.app.inject({ method, url, headers, remoteAddress: randomIp(), payload: method === 'GET' ? undefined : '{"name":"x"}' });
          } catch (err) {
            // Node refuses to even send some header values (control characters): nothing reached the server.
            expect(String(err)).toMatch(/Invalid character|header/i);
            return;
          }
          expectWellFormed(res, headers);
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(await snapshot(ctx)).toEqual(before);
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
});
