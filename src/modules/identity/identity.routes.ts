import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../container.ts';
import { users } from '../../db/schema/index.ts';
import type { App } from '../../http/app-types.ts';
import { requirePrincipal, requireSession } from '../../http/auth.ts';
import { clearSessionCookie, requestMeta, setSessionCookie } from '../../http/cookies.ts';
import { loginRateLimit } from '../../http/rate-limits.ts';
import { resolveLocale } from '../../shared/i18n.ts';
import { loadDemo } from '../demo/demo.service.ts';
import { getOrganization, peekOrganization } from '../organizations/organizations.service.ts';
import type { Language } from '../organizations/settings.ts';
import {
  changePassword,
  createOrganizationWithOwner,
  listUserOrganizations,
  login,
  logout,
  needsSetup,
  requestPasswordReset,
  resetPassword,
  switchOrganization,
} from './auth.service.ts';
import {
  changePasswordBody,
  createOrgBody,
  loginBody,
  meResponse,
  resetConfirmBody,
  resetRequestBody,
  sessionResponse,
  setupBody,
  switchOrgBody,
  updateMeBody,
} from './identity.schemas.ts';
import { createOrganization } from './create-organization.ts';
import { permissionsOf } from './policy.ts';

/** Builds the session payload the dashboard boots from. */
export async function sessionPayload(deps: Pick<Deps, 'database'>, userId: string, activeOrganizationId: string | null, csrfToken: string) {
  const db = deps.database.db;
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  const organizations = await listUserOrganizations(db, userId);
  return {
    user: { id: user!.id, email: user!.email, name: user!.name, locale: user!.locale ? resolveLocale(user!.locale) : null },
    activeOrganizationId: organizations.some((o) => o.id === activeOrganizationId) ? activeOrganizationId : null,
    organizations,
    csrfToken,
  };
}

const tags = ['Authentication'];

/** An API key principal's label is `API key "<name>"` (see api-keys.service.ts): the name. */
const apiKeyName = (label: string) => (label.startsWith('API key "') && label.endsWith('"') ? label.slice(9, -1) : label);

/** Onboarding, sign-in, sessions, password reset and the caller's own profile. */
export function registerIdentityRoutes(app: App, deps: Deps) {
  const secure = deps.config.secureCookies;

  app.get(
    '/api/v1/setup',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Check whether Charla needs its first organization',
        response: { 200: z.object({ needsSetup: z.boolean().describe('True on a new installation: show onboarding.') }) },
      },
    },
    async () => ({ needsSetup: await needsSetup(deps.database.db) }),
  );

  app.post(
    '/api/v1/setup',
    {
      config: { auth: 'public', rateLimit: loginRateLimit(deps) },
      schema: {
        tags,
        summary: 'Create the first organization and its owner',
        description: 'Only works on a new installation (409 `already_set_up` afterwards). Signs the owner in.',
        body: setupBody,
        response: { 201: sessionResponse },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const result = await createOrganizationWithOwner(
        deps,
        { organizationName: b.organizationName, ownerName: b.name, email: b.email, password: b.password, language: b.language, timezone: b.timezone, country: b.country, firstRunOnly: true },
        requestMeta(req),
      );
      if (b.demo) await loadDemo(deps, result.organizationId, b.language);
      setSessionCookie(reply, result.session.token, result.session.expiresAt, secure);
      return reply.status(201).send(await sessionPayload(deps, result.userId, result.organizationId, result.session.csrfToken));
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { auth: 'public', rateLimit: loginRateLimit(deps) },
      schema: {
        tags,
        summary: 'Sign in',
        description: 'Sets the session cookie. Rate-limited per IP address; every attempt is audited.',
        body: loginBody,
        response: { 200: sessionResponse },
      },
    },
    async (req, reply) => {
      const result = await login(deps, req.body, requestMeta(req));
      setSessionCookie(reply, result.session.token, result.session.expiresAt, secure);
      return sessionPayload(deps, result.userId, result.organizationId, result.session.csrfToken);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { auth: 'session' },
      schema: { tags, summary: 'Sign out', response: { 204: z.null().describe('Signed out.') } },
    },
    async (req, reply) => {
      await logout(deps, requireSession(req), requestMeta(req));
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { auth: 'session' },
      schema: { tags, summary: 'The current dashboard session', response: { 200: sessionResponse } },
    },
    async (req) => {
      const s = requireSession(req);
      return sessionPayload(deps, s.userId, s.activeOrganizationId, s.csrfToken);
    },
  );

  app.post(
    '/api/v1/auth/switch-organization',
    {
      config: { auth: 'session' },
      schema: { tags, summary: 'Switch the session to another organization', body: switchOrgBody, response: { 200: sessionResponse } },
    },
    async (req) => {
      const s = requireSession(req);
      await switchOrganization(deps.database.db, s, req.body.organizationId);
      return sessionPayload(deps, s.userId, req.body.organizationId, s.csrfToken);
    },
  );

  app.post(
    '/api/v1/auth/password-reset',
    {
      config: { auth: 'public', rateLimit: loginRateLimit(deps) },
      schema: {
        tags,
        summary: 'Request a password reset e-mail',
        description: 'Always answers 202, whether or not the e-mail has an account.',
        body: resetRequestBody,
        response: { 202: z.object({ ok: z.literal(true).describe('Always true: the request was accepted.') }) },
      },
    },
    async (req, reply) => {
      await requestPasswordReset(deps, req.body.email, requestMeta(req));
      return reply.status(202).send({ ok: true as const });
    },
  );

  app.post(
    '/api/v1/auth/password-reset/confirm',
    {
      config: { auth: 'public', rateLimit: loginRateLimit(deps) },
      schema: {
        tags,
        summary: 'Set a new password with a reset token',
        description: 'The token works once, for one hour. Every session of the user is signed out.',
        body: resetConfirmBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await resetPassword(deps, req.body.token, req.body.password, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/change-password',
    {
      config: { auth: 'session' },
      schema: { tags, summary: 'Change your password', description: 'Other sessions are signed out.', body: changePasswordBody, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await changePassword(deps, requireSession(req), req.body, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['Organization'],
        summary: 'Who am I',
        description: 'The caller (member or API key), its organization, role and permissions. A good first request to test an API key.',
        response: { 200: meResponse },
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      const db = deps.database.db;
      const org = peekOrganization(db, p.organizationId) ?? (await getOrganization(db, p.organizationId));
      const s = req.sessionContext;
      return {
        kind: p.kind,
        user: p.kind === 'user' && s ? { id: s.userId, email: s.email, name: s.name, locale: s.locale ? resolveLocale(s.locale) : null } : null,
        apiKey: p.kind === 'apiKey' ? { id: p.apiKeyId, name: apiKeyName(p.label) } : null,
        organization: { id: org.id, name: org.name, locale: org.locale, timezone: org.timezone },
        role: p.role,
        permissions: permissionsOf(p),
      };
    },
  );

  app.patch(
    '/api/v1/me',
    {
      config: { auth: 'session' },
      schema: { tags, summary: 'Update your name or interface language', body: updateMeBody, response: { 200: sessionResponse } },
    },
    async (req) => {
      const s = requireSession(req);
      const patch: { name?: string; locale?: Language | null; updatedAt: Date } = { updatedAt: new Date() };
      if (req.body.name !== undefined) patch.name = req.body.name;
      if (req.body.locale !== undefined) patch.locale = req.body.locale;
      await deps.database.db.update(users).set(patch).where(eq(users.id, s.userId));
      return sessionPayload(deps, s.userId, s.activeOrganizationId, s.csrfToken);
    },
  );

  app.post(
    '/api/v1/organizations',
    {
      config: { auth: 'session' },
      schema: {
        tags: ['Organization'],
        summary: 'Create another organization',
        description: 'The signed-in user becomes its owner and the session switches to it.',
        body: createOrgBody,
        response: { 201: sessionResponse },
      },
    },
    async (req, reply) => {
      const s = requireSession(req);
      const organizationId = await createOrganization(deps, s, req.body, requestMeta(req));
      return reply.status(201).send(await sessionPayload(deps, s.userId, organizationId, s.csrfToken));
    },
  );
}
