import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApiKey } from '../../src/modules/identity/api-keys.service.ts';
import { createOrganizationWithOwner } from '../../src/modules/identity/auth.service.ts';
import { acceptInvitation, invite } from '../../src/modules/identity/team.service.ts';
import type { MemberRole, Principal } from '../../src/modules/identity/policy.ts';
import { newId } from '../../src/shared/ids.ts';
import type { TestContext } from './context.ts';

/** A way to call the API as someone: an API key, or a session cookie with its CSRF token. */
export type Caller = { apiKey: string } | { cookie: string; csrfToken: string } | null;

/** An organization with an owner (session + API key) ready to use in a test. */
export interface TestOrg {
  organizationId: string;
  ownerUserId: string;
  ownerEmail: string;
  password: string;
  apiKey: string;
  owner: Caller;
  principal: Principal;
}

/** Creates an organization, its owner with a session, and an API key. */
export async function createOrg(ctx: TestContext, overrides: { name?: string; email?: string; language?: 'es' | 'pt-BR' | 'en' } = {}): Promise<TestOrg> {
  const email = overrides.email ?? `owner-${newId().slice(-12)}@example.test`;
  const password = 'correct horse battery';
  const created = await createOrganizationWithOwner(
    ctx.container,
    { organizationName: overrides.name ?? 'Test Org', ownerName: 'Owner', email, password, language: overrides.language ?? 'en', firstRunOnly: false },
    { ip: '127.0.0.1', userAgent: 'test' },
  );
  const { key } = await createApiKey(ctx.container.database.db, created.organizationId, 'test key', { userId: created.userId, label: email });
  return {
    organizationId: created.organizationId,
    ownerUserId: created.userId,
    ownerEmail: email,
    password,
    apiKey: key,
    owner: { cookie: `charla_session=${created.session.token}`, csrfToken: created.session.csrfToken },
    principal: { kind: 'user', organizationId: created.organizationId, userId: created.userId, role: 'owner', membershipId: '', label: email },
  };
}

/** Adds an active member with a role to an organization (invited and accepted through the real services). */
export async function addMember(ctx: TestContext, org: TestOrg, role: MemberRole, name = `Member ${role}`): Promise<{ userId: string; email: string; caller: Caller }> {
  const email = `${role}-${newId().slice(-12)}@example.test`;
  const result = await invite(ctx.container, org.principal, { email, role }, { principal: org.principal });
  const token = result.link.split('/').pop()!;
  const accepted = await acceptInvitation(ctx.container, { token, name, password: 'member password 1' }, { ip: null, userAgent: null });
  return { userId: accepted.userId, email, caller: { cookie: `charla_session=${accepted.session.token}`, csrfToken: accepted.session.csrfToken } };
}

/** Calls the API as `caller` (JSON body, auth headers set). */
export function call(ctx: TestContext, caller: Caller, method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const h: Record<string, string> = { ...headers };
  if (caller && 'apiKey' in caller) h.authorization = `Bearer ${caller.apiKey}`;
  if (caller && 'cookie' in caller) {
    h.cookie = caller.cookie;
    h['x-csrf-token'] = caller.csrfToken;
  }
  if (body !== undefined) h['content-type'] = 'application/json';
  return ctx.app.inject({ method, url, headers: h, payload: body === undefined ? undefined : JSON.stringify(body) }) as Promise<LightMyRequestResponse>;
}
