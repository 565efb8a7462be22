import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { addMember, call, createOrg, type TestOrg } from '../../../test/support/factories.ts';

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { name: 'Acme' });
});
afterAll(() => ctx?.close());

describe('authentication', () => {
  it('answers /me for an API key with the organization and owner permissions', async () => {
    const res = await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/me');
    expect(res.statusCode).toBe(200);
    const me = json<{ kind: string; organization: { name: string }; permissions: string[] }>(res);
    expect(me.kind).toBe('apiKey');
    expect(me.organization.name).toBe('Acme');
    expect(me.permissions).not.toContain('apiKeys.manage');
  });

  it('rejects missing, malformed and revoked keys with 401 problem+json', async () => {
    const none = await call(ctx, null, 'GET', '/api/v1/me');
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(json(none).code).toBe('unauthenticated');
    const bad = await call(ctx, { apiKey: 'chk_nope' }, 'GET', '/api/v1/me');
    expect(json(bad).code).toBe('invalid_api_key');

    const created = json<{ id: string; key: string }>(await call(ctx, org.owner, 'POST', '/api/v1/api-keys', { name: 'temp' }));
    expect((await call(ctx, { apiKey: created.key }, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await call(ctx, org.owner, 'DELETE', `/api/v1/api-keys/${created.id}`)).statusCode).toBe(200);
    const revoked = await call(ctx, { apiKey: created.key }, 'GET', '/api/v1/me');
    expect(revoked.statusCode).toBe(401);
  });

  it('logs in with the right password only, and sets an httpOnly SameSite=Lax cookie', async () => {
    const wrong = await call(ctx, null, 'POST', '/api/v1/auth/login', { email: org.ownerEmail, password: 'nope nope nope' });
    expect(wrong.statusCode).toBe(401);
    const ok = await call(ctx, null, 'POST', '/api/v1/auth/login', { email: org.ownerEmail.toUpperCase(), password: org.password });
    expect(ok.statusCode).toBe(200);
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/charla_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const owner = org.owner as { cookie: string; csrfToken: string };
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { cookie: owner.cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x' }),
    });
    expect(res.statusCode).toBe(403);
    expect(json(res).code).toBe('csrf_failed');
  });
});

describe('invitations and roles', () => {
  it('invites an agent who accepts, signs in, and cannot read the audit log', async () => {
    const agent = await addMember(ctx, org, 'agent', 'Ana Agent');
    const me = json<{ role: string }>(await call(ctx, agent.caller, 'GET', '/api/v1/me'));
    expect(me.role).toBe('agent');
    expect((await call(ctx, agent.caller, 'GET', '/api/v1/audit-log')).statusCode).toBe(403);
    const members = json<{ items: { email: string; status: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/members'));
    expect(members.items.find((m) => m.email === agent.email)?.status).toBe('active');
  });

  it('writes the invitation e-mail to the outbox when no SMTP is configured', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/invitations', { email: 'new.person@example.test', role: 'manager' });
    expect(res.statusCode).toBe(201);
    await ctx.runJobs();
    const outbox = json<{ items: { to: string; status: string; text: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/outbox'));
    const mail = outbox.items.find((m) => m.to === 'new.person@example.test');
    expect(mail?.status).toBe('logged');
    expect(mail?.text).toMatch(/http:\/\/charla\.test\/invite\/[\w-]+/);
  });

  it('keeps the last owner an owner', async () => {
    const members = json<{ items: { id: string; role: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/members?role=owner'));
    const manager = await addMember(ctx, org, 'manager');
    const res = await call(ctx, manager.caller, 'PATCH', `/api/v1/members/${members.items[0]!.id}`, { role: 'agent' });
    expect(res.statusCode).toBe(403);
  });
});
