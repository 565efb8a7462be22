import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, callFrom, expectProblem, publicCall } from '../../test/support/auth.ts';
import { createTestContext, json, type TestContext } from '../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../test/support/factories.ts';

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext({ CHARLA_BODY_LIMIT_MB: '0.1' });
  org = await createOrg(ctx, { name: 'Inputs' });
});
afterAll(() => ctx?.close());

const raw = (method: 'POST' | 'PATCH' | 'GET' | 'PUT' | 'DELETE', url: string, payload: string | Buffer | undefined, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method, url, payload, headers: { authorization: `Bearer ${org.apiKey}`, ...headers } });

describe('bad input', () => {
  it('a body over the limit is 413 problem+json', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(200_000) });
    expectProblem(await raw('PATCH', '/api/v1/organization', big, { 'content-type': 'application/json' }), 413, 'payload_too_large');
    // Also on public endpoints, before anything is parsed.
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: big, headers: { 'content-type': 'application/json' } });
    expectProblem(res, 413, 'payload_too_large');
  });

  it('unknown body fields are rejected with 400 naming them', async () => {
    const problem = expectProblem(await call(ctx, { apiKey: org.apiKey }, 'POST', '/api/v1/invitations', { email: 'a@example.test', role: 'agent', isAdmin: true }), 400, 'validation_failed');
    expect(problem.errors?.[0]?.path).toBe('body');
    expect(problem.errors?.[0]?.message).toMatch(/isAdmin/);
  });

  it('wrong types and formats give 400 with a path per field', async () => {
    const problem = expectProblem(await call(ctx, { apiKey: org.apiKey }, 'POST', '/api/v1/invitations', { email: 'not-an-email', role: 'emperor' }), 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['body.email', 'body.role']);
  });

  it('a content type other than JSON is 415 problem+json', async () => {
    expectProblem(await raw('PATCH', '/api/v1/organization', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    expectProblem(await raw('PATCH', '/api/v1/organization', 'name', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
  });

  it('malformed or empty JSON is 400 problem+json', async () => {
    expectProblem(await raw('PATCH', '/api/v1/organization', '{"name": ', { 'content-type': 'application/json' }), 400, 'invalid_json');
    expectProblem(await raw('PATCH', '/api/v1/organization', '', { 'content-type': 'application/json' }), 400);
    expectProblem(await raw('PATCH', '/api/v1/organization', '[1,2]', { 'content-type': 'application/json' }), 400, 'validation_failed');
    expectProblem(await raw('PATCH', '/api/v1/organization', 'null', { 'content-type': 'application/json' }), 400);
  });

  it('text the database cannot store (NUL, broken Unicode) is a 400 naming the field, not a 500', async () => {
    for (const bad of ['nul\u0000inside', 'half \ud800 pair', '\udc00']) {
      const problem = expectProblem(await call(ctx, org.owner, 'POST', '/api/v1/api-keys', { name: bad }), 400, 'validation_failed');
      expect(problem.errors?.[0]?.path).toBe('body.name');
      expectProblem(await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { address: { city: bad } }), 400, 'validation_failed');
    }
    const q = expectProblem(await call(ctx, org.owner, 'GET', '/api/v1/members?q=%00'), 400, 'validation_failed');
    expect(q.errors?.[0]?.path).toBe('querystring.q');
    // Emoji and accents (well-formed pairs) are fine.
    expect((await call(ctx, org.owner, 'POST', '/api/v1/api-keys', { name: 'Tienda 🎉 ñandú' })).statusCode).toBe(201);
  });

  it('a missing body where one is required is 400', async () => {
    expectProblem(await raw('POST', '/api/v1/invitations', undefined), 400);
  });

  it('malformed ids in the path are 400 naming the parameter, never a database error', async () => {
    for (const id of ['not-a-uuid', '123', "1' or '1'='1", '00000000-0000-0000-0000-00000000000g']) {
      const problem = expectProblem(await raw('DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`, undefined), 400, 'validation_failed');
      expect(problem.errors?.[0]?.path).toBe('params.id');
    }
    // A well-formed id that does not exist is a 404.
    expectProblem(await call(ctx, { apiKey: org.apiKey }, 'DELETE', '/api/v1/invitations/0190a5d0-0000-7000-8000-000000000000'), 404, 'not_found');
  });

  it('bad query parameters are 400 naming the parameter; a tampered cursor is 400 too', async () => {
    const problem = expectProblem(await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/members?limit=abc'), 400, 'validation_failed');
    expect(problem.errors?.[0]?.path).toBe('querystring.limit');
    expectProblem(await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/members?limit=100000'), 400, 'validation_failed');
    expectProblem(await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/members?status=gone'), 400, 'validation_failed');
    expectProblem(await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/audit-log?cursor=bm90LWpzb24'), 400, 'invalid_cursor');
    expectProblem(await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/audit-log?cursor=%00%ff'), 400);
  });

  it('an unknown route is 404 problem+json, with or without credentials', async () => {
    expectProblem(await raw('GET', '/api/v1/nothing-here', undefined), 404, 'route_not_found');
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }), 404, 'route_not_found');
    expectProblem(await raw('PUT', '/api/v1/me', '{}', { 'content-type': 'application/json' }), 404, 'route_not_found');
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/webhooks/unknown' }), 404, 'route_not_found');
  });

  it('unauthenticated and badly authenticated requests are 401 problem+json', async () => {
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/me' }), 401, 'unauthenticated');
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'invalid_authorization_header');
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer chk_aaaaaaaa_${'b'.repeat(43)}` } }), 401, 'invalid_api_key');
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: 'charla_session=forged' } }), 401, 'unauthenticated');
  });

  it('every error carries the request id, which the caller may choose', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(json(res).requestId).toBe('trace-123');
    const own = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-request-id': 'bad id\r\nx: y' } });
    expect(own.headers['x-request-id']).not.toContain('bad id');
  });

  it('nothing is written when a request is refused', async () => {
    const count = async () =>
      (await ctx.container.database.rows<{ n: number }>(sql`select (select count(*) from invitations)::int + (select count(*) from api_keys)::int + (select count(*) from users)::int as n`))[0]!.n;
    const before = await count();
    await call(ctx, { apiKey: org.apiKey }, 'POST', '/api/v1/invitations', { email: 'x@example.test', role: 'agent', extra: 1 });
    await raw('POST', '/api/v1/invitations', '{"email":"y@example.test"', { 'content-type': 'application/json' });
    await call(ctx, org.owner, 'POST', '/api/v1/api-keys', { name: '' });
    expect(await count()).toBe(before);
  });
});

describe('API keys', () => {
  it('are shown once, listed by prefix only, and their last use is tracked', async () => {
    const created = await call(ctx, org.owner, 'POST', '/api/v1/api-keys', { name: 'Shop integration' });
    expect(created.statusCode).toBe(201);
    const key = json<{ id: string; key: string; prefix: string; lastUsedAt: string | null }>(created);
    expect(key.key.startsWith(`chk_${key.prefix}_`)).toBe(true);
    expect(key.lastUsedAt).toBeNull();

    const listed = json<{ items: Record<string, unknown>[] }>(await call(ctx, org.owner, 'GET', '/api/v1/api-keys')).items.find((k) => k.id === key.id)!;
    expect(listed).not.toHaveProperty('key');
    expect(JSON.stringify(listed)).not.toContain(key.key.slice(-20));
    expect(listed.lastUsedAt).toBeNull();

    const before = Date.now();
    expect((await call(ctx, { apiKey: key.key }, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const after = json<{ items: { id: string; lastUsedAt: string | null }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/api-keys')).items.find((k) => k.id === key.id)!;
    expect(after.lastUsedAt).not.toBeNull();
    expect(Math.abs(new Date(after.lastUsedAt!).getTime() - before)).toBeLessThan(60_000);
    // Only the hash is stored.
    const rows = await ctx.container.database.rows<{ key_hash: string }>(sql`select key_hash from api_keys where id = ${key.id}`);
    expect(rows[0]!.key_hash).not.toContain(key.key);
  });

  it('revoking a key takes effect on the next request, is idempotent, and is audited', async () => {
    const key = json<{ id: string; key: string }>(await callFrom(ctx, org.owner, 'POST', '/api/v1/api-keys', { name: 'to revoke' }, '10.5.5.1'));
    expect((await call(ctx, { apiKey: key.key }, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const first = json<{ revokedAt: string }>(await callFrom(ctx, org.owner, 'DELETE', `/api/v1/api-keys/${key.id}`, undefined, '10.5.5.2'));
    expectProblem(await call(ctx, { apiKey: key.key }, 'GET', '/api/v1/me'), 401, 'invalid_api_key');
    const second = json<{ revokedAt: string }>(await call(ctx, org.owner, 'DELETE', `/api/v1/api-keys/${key.id}`));
    expect(second.revokedAt).toBe(first.revokedAt);
    const created = (await auditOf(ctx, org.organizationId, 'api_key.created')).find((e) => e.target_id === key.id);
    expect(created).toMatchObject({ actor_user_id: org.ownerUserId, ip: '10.5.5.1', data: { name: 'to revoke' } });
    expect(JSON.stringify(created)).not.toContain(key.key);
    const revoked = (await auditOf(ctx, org.organizationId, 'api_key.revoked')).filter((e) => e.target_id === key.id);
    expect(revoked.at(-1)).toMatchObject({ actor_user_id: org.ownerUserId, ip: '10.5.5.2' });
  });

  it('an API key cannot mint or revoke API keys', async () => {
    expectProblem(await call(ctx, { apiKey: org.apiKey }, 'POST', '/api/v1/api-keys', { name: 'escalate' }), 403);
    expectProblem(await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/api-keys'), 403);
  });

  it('login and failed login are audited with the address', async () => {
    await publicCall(ctx, 'POST', '/api/v1/auth/login', { email: org.ownerEmail, password: 'nope nope nope' }, '10.2.2.1');
    await publicCall(ctx, 'POST', '/api/v1/auth/login', { email: org.ownerEmail, password: org.password }, '10.2.2.2');
    const [failed] = await auditOf(ctx, org.organizationId, 'auth.login_failed');
    expect(failed).toMatchObject({ ip: '10.2.2.1', actor_user_id: org.ownerUserId });
    const [ok] = await auditOf(ctx, org.organizationId, 'auth.login');
    expect(ok).toMatchObject({ ip: '10.2.2.2', actor_user_id: org.ownerUserId });
    // The audit log API shows them to owners.
    const page = json<{ items: { action: string; ip: string | null }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/audit-log?action=auth.login'));
    expect(page.items[0]).toMatchObject({ action: 'auth.login', ip: '10.2.2.2' });
  });
});
