import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, lastMail, login, tokenIn } from '../../../test/support/auth.ts';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';

let ctx: TestContext;
let a: TestOrg;
let b: TestOrg;
let c: TestOrg;

interface SessionBody {
  activeOrganizationId: string | null;
  organizations: { id: string; name: string; role: string }[];
}

beforeAll(async () => {
  ctx = await createTestContext();
  a = await createOrg(ctx, { name: 'Alfa' });
  b = await createOrg(ctx, { name: 'Beta' });
  c = await createOrg(ctx, { name: 'Gamma' });
  // A's owner becomes an agent of B.
  const inv = await call(ctx, b.owner, 'POST', '/api/v1/invitations', { email: a.ownerEmail, role: 'agent' });
  expect(inv.statusCode).toBe(201);
  await ctx.runJobs();
  const token = tokenIn((await lastMail(ctx, a.ownerEmail, 'invitation'))!.text, 'invite');
  const accepted = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/invitations/accept',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ token, password: a.password }),
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
});
afterAll(() => ctx?.close());

const me = async (caller: Parameters<typeof call>[1]) => json<{ organization: { id: string }; role: string }>(await call(ctx, caller, 'GET', '/api/v1/me'));
const memberIdIn = async (org: TestOrg, email: string) =>
  json<{ items: { id: string; email: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/members?limit=200')).items.find((m) => m.email === email)!.id;

describe('organization switching', () => {
  it('a person in two organizations sees both and switches between them with the matching role', async () => {
    const s = await login(ctx, a.ownerEmail, a.password);
    const session = json<SessionBody>(await call(ctx, s, 'GET', '/api/v1/auth/session'));
    expect(session.organizations.map((o) => [o.name, o.role]).sort()).toEqual([
      ['Alfa', 'owner'],
      ['Beta', 'agent'],
    ]);
    expect(await me(s)).toMatchObject({ organization: { id: a.organizationId }, role: 'owner' });

    const switched = await call(ctx, s, 'POST', '/api/v1/auth/switch-organization', { organizationId: b.organizationId });
    expect(switched.statusCode).toBe(200);
    expect(json<SessionBody>(switched).activeOrganizationId).toBe(b.organizationId);
    expect(await me(s)).toMatchObject({ organization: { id: b.organizationId }, role: 'agent' });
    // As an agent of B, owner-only things of B are out of reach even though they own A.
    expectProblem(await call(ctx, s, 'GET', '/api/v1/audit-log'), 403);

    await call(ctx, s, 'POST', '/api/v1/auth/switch-organization', { organizationId: a.organizationId });
    expect(await me(s)).toMatchObject({ organization: { id: a.organizationId }, role: 'owner' });
  });

  it('cannot switch into an organization they do not belong to — it looks like it does not exist', async () => {
    const s = await login(ctx, a.ownerEmail, a.password);
    const res = expectProblem(await call(ctx, s, 'POST', '/api/v1/auth/switch-organization', { organizationId: c.organizationId }), 404);
    const missing = expectProblem(
      await call(ctx, s, 'POST', '/api/v1/auth/switch-organization', { organizationId: '01890000-0000-7000-8000-000000000000' }),
      404,
    );
    expect(res.detail).toBe(missing.detail);
    expect(await me(s)).toMatchObject({ organization: { id: a.organizationId } });
  });

  it('cannot switch into an organization where they are only invited', async () => {
    const inv = await call(ctx, c.owner, 'POST', '/api/v1/invitations', { email: a.ownerEmail, role: 'manager' });
    expect(inv.statusCode).toBe(201);
    const s = await login(ctx, a.ownerEmail, a.password);
    expectProblem(await call(ctx, s, 'POST', '/api/v1/auth/switch-organization', { organizationId: c.organizationId }), 404);
    const session = json<SessionBody>(await call(ctx, s, 'GET', '/api/v1/auth/session'));
    expect(session.organizations.map((o) => o.id)).not.toContain(c.organizationId);
  });

  it('once disabled in an organization, the session there loses access at once and cannot switch back in', async () => {
    const s = await login(ctx, a.ownerEmail, a.password);
    await call(ctx, s, 'POST', '/api/v1/auth/switch-organization', { organizationId: b.organizationId });
    expect((await call(ctx, s, 'GET', '/api/v1/members')).statusCode).toBe(200);

    const membershipId = await memberIdIn(b, a.ownerEmail);
    expect((await call(ctx, b.owner, 'PATCH', `/api/v1/members/${membershipId}`, { status: 'disabled' })).statusCode).toBe(200);
    expectProblem(await call(ctx, s, 'GET', '/api/v1/members'), 403, 'no_active_organization');
    const session = json<SessionBody>(await call(ctx, s, 'GET', '/api/v1/auth/session'));
    expect(session.activeOrganizationId).toBeNull();
    expect(session.organizations.map((o) => o.id)).toEqual([a.organizationId]);
    expectProblem(await call(ctx, s, 'POST', '/api/v1/auth/switch-organization', { organizationId: b.organizationId }), 404);
    // Their own organization is still theirs.
    expect((await call(ctx, s, 'POST', '/api/v1/auth/switch-organization', { organizationId: a.organizationId })).statusCode).toBe(200);
    expect(await me(s)).toMatchObject({ organization: { id: a.organizationId }, role: 'owner' });

    // Re-enabled, they can switch in again.
    expect((await call(ctx, b.owner, 'PATCH', `/api/v1/members/${membershipId}`, { status: 'active' })).statusCode).toBe(200);
    expect((await call(ctx, s, 'POST', '/api/v1/auth/switch-organization', { organizationId: b.organizationId })).statusCode).toBe(200);
  });

  it('switching is for signed-in people, not API keys', async () => {
    expectProblem(await call(ctx, { apiKey: a.apiKey }, 'POST', '/api/v1/auth/switch-organization', { organizationId: b.organizationId }), 403, 'session_required');
  });

  it('creating another organization makes the creator its owner and switches to it', async () => {
    const s = await login(ctx, a.ownerEmail, a.password);
    const res = await call(ctx, s, 'POST', '/api/v1/organizations', { name: 'Delta', timezone: 'America/Bogota', language: 'es' });
    expect(res.statusCode).toBe(201);
    const body = json<SessionBody>(res);
    const delta = body.organizations.find((o) => o.name === 'Delta')!;
    expect(delta.role).toBe('owner');
    expect(body.activeOrganizationId).toBe(delta.id);
    expect(await me(s)).toMatchObject({ organization: { id: delta.id }, role: 'owner' });
    expectProblem(await call(ctx, { apiKey: a.apiKey }, 'POST', '/api/v1/organizations', { name: 'By key' }), 403, 'session_required');
  });
});
