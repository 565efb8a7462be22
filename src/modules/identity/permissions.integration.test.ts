import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, callFrom, expectProblem, publicCall } from '../../../test/support/auth.ts';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { addMember, type Caller, call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { newId } from '../../shared/ids.ts';

/**
 * The permission matrix of the foundation's routes: owners everything; managers everything except
 * organization settings, roles, API keys, the audit log and the outbox; agents read-only on the team;
 * API keys act as owners except on API keys themselves.
 */
type Who = 'owner' | 'manager' | 'agent' | 'apiKey';
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

let ctx: TestContext;
let org: TestOrg;
let callers: Record<Who, Caller>;
let target: { membershipId: string; email: string };

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { name: 'Matrix' });
  const manager = await addMember(ctx, org, 'manager');
  const agent = await addMember(ctx, org, 'agent');
  callers = { owner: org.owner, manager: manager.caller, agent: agent.caller, apiKey: { apiKey: org.apiKey } };
  const t = await addMember(ctx, org, 'agent', 'Target Agent');
  target = { membershipId: await membershipIdOf(t.email), email: t.email };
});
afterAll(() => ctx?.close());

async function membershipIdOf(email: string): Promise<string> {
  const list = json<{ items: { id: string; email: string }[] }>(await call(ctx, org.owner, 'GET', `/api/v1/members?limit=200&q=${encodeURIComponent(email)}`));
  return list.items.find((m) => m.email === email)!.id;
}

async function freshInvitationId(): Promise<string> {
  const res = await call(ctx, org.owner, 'POST', '/api/v1/invitations', { email: `inv-${newId().slice(-10)}@example.test`, role: 'agent' });
  return json<{ id: string }>(res).id;
}

async function freshApiKeyId(): Promise<string> {
  return json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/api-keys', { name: 'throwaway' })).id;
}

interface Case {
  name: string;
  method: Method;
  /** Builds the URL and body for one call (fresh objects where the call consumes them). */
  request: () => Promise<{ url: string; body?: unknown }>;
  allowed: Who[];
}

const ALL: Who[] = ['owner', 'manager', 'agent', 'apiKey'];
const CASES: Case[] = [
  { name: 'read me', method: 'GET', request: async () => ({ url: '/api/v1/me' }), allowed: ALL },
  { name: 'read the organization', method: 'GET', request: async () => ({ url: '/api/v1/organization' }), allowed: ALL },
  {
    name: 'edit organization settings',
    method: 'PATCH',
    request: async () => ({ url: '/api/v1/organization', body: { settings: { notifications: { volume: 0.5 } } } }),
    allowed: ['owner', 'apiKey'],
  },
  { name: 'list members', method: 'GET', request: async () => ({ url: '/api/v1/members' }), allowed: ALL },
  {
    name: 'disable/enable an agent',
    method: 'PATCH',
    request: async () => ({ url: `/api/v1/members/${target.membershipId}`, body: { status: 'active' } }),
    allowed: ['owner', 'manager', 'apiKey'],
  },
  {
    name: 'promote an agent',
    method: 'PATCH',
    request: async () => ({ url: `/api/v1/members/${await newAgentMembership()}`, body: { role: 'manager' } }),
    allowed: ['owner', 'apiKey'],
  },
  { name: 'list invitations', method: 'GET', request: async () => ({ url: '/api/v1/invitations' }), allowed: ['owner', 'manager', 'apiKey'] },
  {
    name: 'invite an agent',
    method: 'POST',
    request: async () => ({ url: '/api/v1/invitations', body: { email: `p-${newId().slice(-10)}@example.test`, role: 'agent' } }),
    allowed: ['owner', 'manager', 'apiKey'],
  },
  {
    name: 'invite a manager',
    method: 'POST',
    request: async () => ({ url: '/api/v1/invitations', body: { email: `m-${newId().slice(-10)}@example.test`, role: 'manager' } }),
    allowed: ['owner', 'apiKey'],
  },
  {
    name: 'resend an invitation',
    method: 'POST',
    request: async () => ({ url: `/api/v1/invitations/${await freshInvitationId()}/resend` }),
    allowed: ['owner', 'manager', 'apiKey'],
  },
  {
    name: 'revoke an invitation',
    method: 'DELETE',
    request: async () => ({ url: `/api/v1/invitations/${await freshInvitationId()}` }),
    allowed: ['owner', 'manager', 'apiKey'],
  },
  { name: 'list API keys', method: 'GET', request: async () => ({ url: '/api/v1/api-keys' }), allowed: ['owner'] },
  { name: 'create an API key', method: 'POST', request: async () => ({ url: '/api/v1/api-keys', body: { name: 'k' } }), allowed: ['owner'] },
  { name: 'revoke an API key', method: 'DELETE', request: async () => ({ url: `/api/v1/api-keys/${await freshApiKeyId()}` }), allowed: ['owner'] },
  { name: 'read the audit log', method: 'GET', request: async () => ({ url: '/api/v1/audit-log' }), allowed: ['owner', 'apiKey'] },
  { name: 'read the outbox', method: 'GET', request: async () => ({ url: '/api/v1/outbox' }), allowed: ['owner', 'apiKey'] },
];

async function newAgentMembership(): Promise<string> {
  const m = await addMember(ctx, org, 'agent');
  return membershipIdOf(m.email);
}

describe('permission matrix', () => {
  for (const c of CASES) {
    for (const who of ALL) {
      const allowed = c.allowed.includes(who);
      it(`${who} ${allowed ? 'may' : 'may not'} ${c.name}`, async () => {
        const { url, body } = await c.request();
        const res = await call(ctx, callers[who], c.method, url, body);
        if (allowed) {
          expect(res.statusCode, res.body).toBeLessThan(300);
        } else {
          expectProblem(res, 403);
        }
      });
    }
  }

  it('a refused change leaves the data as it was', async () => {
    const before = json<{ name: string; settings: unknown }>(await call(ctx, org.owner, 'GET', '/api/v1/organization'));
    expectProblem(await call(ctx, callers.manager, 'PATCH', '/api/v1/organization', { name: 'Hijacked', settings: { tickets: { enabled: false } } }), 403);
    const after = json<{ name: string; settings: unknown }>(await call(ctx, org.owner, 'GET', '/api/v1/organization'));
    expect(after).toEqual(before);
  });

  it('unauthenticated requests get 401 on every organization route', async () => {
    for (const c of CASES) {
      const { url, body } = await c.request();
      expectProblem(await call(ctx, null, c.method, url, body), 401, 'unauthenticated');
    }
  });
});

describe('team rules', () => {
  it('managers cannot change roles, nor disable managers or owners', async () => {
    const agentMembership = await newAgentMembership();
    expectProblem(await call(ctx, callers.manager, 'PATCH', `/api/v1/members/${agentMembership}`, { role: 'manager' }), 403);
    const otherManager = await addMember(ctx, org, 'manager');
    const managerMembership = await membershipIdOf(otherManager.email);
    expectProblem(await call(ctx, callers.manager, 'PATCH', `/api/v1/members/${managerMembership}`, { status: 'disabled' }), 403);
    const ownerMembership = await membershipIdOf(org.ownerEmail);
    expectProblem(await call(ctx, callers.manager, 'PATCH', `/api/v1/members/${ownerMembership}`, { status: 'disabled' }), 403);
    // A manager may disable an agent.
    const res = await call(ctx, callers.manager, 'PATCH', `/api/v1/members/${agentMembership}`, { status: 'disabled' });
    expect(res.statusCode).toBe(200);
    expect(json(res).status).toBe('disabled');
  });

  it('a disabled member loses access at once, and regains it when enabled', async () => {
    const agent = await addMember(ctx, org, 'agent');
    const membershipId = await membershipIdOf(agent.email);
    expect((await call(ctx, agent.caller, 'GET', '/api/v1/members')).statusCode).toBe(200);
    expect((await call(ctx, org.owner, 'PATCH', `/api/v1/members/${membershipId}`, { status: 'disabled' })).statusCode).toBe(200);
    expectProblem(await call(ctx, agent.caller, 'GET', '/api/v1/members'), 403, 'no_active_organization');
    expectProblem(await call(ctx, agent.caller, 'GET', '/api/v1/me'), 403, 'no_active_organization');
    // Signing in again does not help.
    expectProblem(await publicCall(ctx, 'POST', '/api/v1/auth/login', { email: agent.email, password: 'member password 1' }), 403, 'membership_disabled');
    expect((await call(ctx, org.owner, 'PATCH', `/api/v1/members/${membershipId}`, { status: 'active' })).statusCode).toBe(200);
    expect((await call(ctx, agent.caller, 'GET', '/api/v1/members')).statusCode).toBe(200);
  });

  it('nobody changes their own role or status', async () => {
    const ownerMembership = await membershipIdOf(org.ownerEmail);
    expectProblem(await call(ctx, org.owner, 'PATCH', `/api/v1/members/${ownerMembership}`, { role: 'agent' }), 403, 'cannot_change_self');
    expectProblem(await call(ctx, org.owner, 'PATCH', `/api/v1/members/${ownerMembership}`, { status: 'disabled' }), 403, 'cannot_change_self');
  });

  it('the last active owner can be neither demoted nor disabled; with two owners one can step down', async () => {
    const solo = await createOrg(ctx, { name: 'Solo' });
    const list = json<{ items: { id: string; role: string }[] }>(await call(ctx, solo.owner, 'GET', '/api/v1/members?role=owner'));
    const ownerMembership = list.items[0]!.id;
    // The organization's API key acts as an owner but is not a person: it still cannot remove the last owner.
    expectProblem(await call(ctx, { apiKey: solo.apiKey }, 'PATCH', `/api/v1/members/${ownerMembership}`, { role: 'manager' }), 422, 'last_owner');
    expectProblem(await call(ctx, { apiKey: solo.apiKey }, 'PATCH', `/api/v1/members/${ownerMembership}`, { status: 'disabled' }), 422, 'last_owner');

    const second = await addMember(ctx, solo, 'owner');
    const res = await call(ctx, second.caller, 'PATCH', `/api/v1/members/${ownerMembership}`, { role: 'manager' });
    expect(res.statusCode).toBe(200);
    // Now the second owner is the last one.
    const secondMembership = json<{ items: { id: string; userId: string }[] }>(await call(ctx, solo.owner, 'GET', '/api/v1/members?role=owner')).items[0]!.id;
    expectProblem(await call(ctx, { apiKey: solo.apiKey }, 'PATCH', `/api/v1/members/${secondMembership}`, { status: 'disabled' }), 422, 'last_owner');
  });

  it('two owners demoting each other at once leave one owner', async () => {
    const duo = await createOrg(ctx, { name: 'Duo' });
    const second = await addMember(ctx, duo, 'owner');
    const owners = json<{ items: { id: string; userId: string }[] }>(await call(ctx, duo.owner, 'GET', '/api/v1/members?role=owner')).items;
    const firstMembership = owners.find((o) => o.userId === duo.ownerUserId)!.id;
    const secondMembership = owners.find((o) => o.userId === second.userId)!.id;
    const results = await Promise.all([
      call(ctx, duo.owner, 'PATCH', `/api/v1/members/${secondMembership}`, { role: 'agent' }),
      call(ctx, second.caller, 'PATCH', `/api/v1/members/${firstMembership}`, { role: 'agent' }),
    ]);
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    const left = json<{ items: unknown[] }>(await call(ctx, { apiKey: duo.apiKey }, 'GET', '/api/v1/members?role=owner&status=active')).items;
    expect(left).toHaveLength(1);
  });

  it('role and status changes are audited with actor and IP', async () => {
    const agent = await addMember(ctx, org, 'agent');
    const membershipId = await membershipIdOf(agent.email);
    await callFrom(ctx, org.owner, 'PATCH', `/api/v1/members/${membershipId}`, { role: 'manager' }, '10.3.3.3');
    await callFrom(ctx, callers.apiKey, 'PATCH', `/api/v1/members/${membershipId}`, { status: 'disabled' }, '10.3.3.4');
    const [role] = await auditOf(ctx, org.organizationId, 'member.role_changed');
    expect(role).toMatchObject({ target_id: membershipId, actor_user_id: org.ownerUserId, ip: '10.3.3.3', data: { from: 'agent', to: 'manager' } });
    const [status] = await auditOf(ctx, org.organizationId, 'member.status_changed');
    expect(status).toMatchObject({ target_id: membershipId, actor_api_key_id: expect.any(String), actor_user_id: null, ip: '10.3.3.4' });
  });
});
