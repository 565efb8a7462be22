import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, expectProblem, randomIp } from '../../test/support/auth.ts';
import { createTestContext, json, type TestContext } from '../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../test/support/factories.ts';
import { createApiKey } from '../modules/identity/api-keys.service.ts';

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext({ CHARLA_API_RATE_LIMIT: '5', CHARLA_LOGIN_RATE_LIMIT: '3' });
  org = await createOrg(ctx, { name: 'Limits' });
});
afterAll(() => ctx?.close());

const loginFrom = (ip: string, password: string, headers: Record<string, string> = {}) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: ip,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify({ email: org.ownerEmail, password }),
  });

/** A fresh key with a fresh budget (made directly, so the owner's own budget is not spent). */
async function newKey(): Promise<string> {
  return (await createApiKey(ctx.container.database.db, org.organizationId, 'limited', { label: 'test' })).key;
}

describe('login rate limit', () => {
  it('answers 429 problem+json with Retry-After once an address has used its attempts, even with the right password', async () => {
    const ip = randomIp();
    for (let i = 0; i < 3; i++) expect((await loginFrom(ip, 'wrong password!')).statusCode).toBe(401);
    const limited = await loginFrom(ip, org.password);
    const problem = expectProblem(limited, 429, 'rate_limited');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(problem.detail).toBeTruthy();
    // Another address is unaffected.
    expect((await loginFrom(randomIp(), org.password)).statusCode).toBe(200);
  });

  it('cannot be dodged with a forged X-Forwarded-For header', async () => {
    const ip = randomIp();
    for (let i = 0; i < 3; i++) await loginFrom(ip, 'wrong password!', { 'x-forwarded-for': `203.0.113.${i}` });
    expectProblem(await loginFrom(ip, org.password, { 'x-forwarded-for': '198.51.100.7' }), 429, 'rate_limited');
  });

  it('records failed logins with the real client address', async () => {
    const ip = randomIp();
    await loginFrom(ip, 'wrong password!', { 'x-forwarded-for': '203.0.113.99' });
    const [entry] = await auditOf(ctx, org.organizationId, 'auth.login_failed');
    expect(entry).toMatchObject({ ip, actor_user_id: org.ownerUserId, target_id: org.ownerUserId });
  });

  it('also limits the other credential endpoints', async () => {
    const ip = randomIp();
    const reset = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset',
        remoteAddress: ip,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ email: 'someone@example.test' }),
      });
    for (let i = 0; i < 3; i++) expect((await reset()).statusCode).toBe(202);
    expectProblem(await reset(), 429, 'rate_limited');
    const accept = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/invitations/accept',
        remoteAddress: ip,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ token: 'x'.repeat(43), name: 'X', password: 'long enough pw' }),
      });
    for (let i = 0; i < 3; i++) expect((await accept()).statusCode).toBe(404);
    expectProblem(await accept(), 429, 'rate_limited');
  });
});

describe('API rate limit', () => {
  it('limits each API key separately, with 429 problem+json and Retry-After', async () => {
    const key = await newKey();
    for (let i = 0; i < 5; i++) expect((await call(ctx, { apiKey: key }, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const limited = await call(ctx, { apiKey: key }, 'GET', '/api/v1/me');
    expectProblem(limited, 429, 'rate_limited');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another key of the same organization has its own budget.
    expect((await call(ctx, { apiKey: await newKey() }, 'GET', '/api/v1/me')).statusCode).toBe(200);
  });

  it('counts requests of every kind, reads and writes, and tells the client how much is left', async () => {
    const key = await newKey();
    const first = await call(ctx, { apiKey: key }, 'GET', '/api/v1/organization');
    expect(first.headers['x-ratelimit-limit']).toBe('5');
    expect(first.headers['x-ratelimit-remaining']).toBe('4');
    await call(ctx, { apiKey: key }, 'PATCH', '/api/v1/organization', { name: 'Limits' });
    await call(ctx, { apiKey: key }, 'GET', '/api/v1/members');
    await call(ctx, { apiKey: key }, 'GET', '/api/v1/audit-log');
    await call(ctx, { apiKey: key }, 'GET', '/api/v1/outbox');
    expectProblem(await call(ctx, { apiKey: key }, 'PATCH', '/api/v1/organization', { name: 'Too many' }), 429, 'rate_limited');
    expect(json<{ name: string }>(await call(ctx, { apiKey: await newKey() }, 'GET', '/api/v1/organization')).name).toBe('Limits');
  });

  it('does not count against health checks or the reference', async () => {
    const key = await newKey();
    for (let i = 0; i < 8; i++) expect((await ctx.app.inject({ method: 'GET', url: '/healthz', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    expect((await call(ctx, { apiKey: key }, 'GET', '/api/v1/me')).statusCode).toBe(200);
  });
});
