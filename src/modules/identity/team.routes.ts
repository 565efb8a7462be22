import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { requestMeta, setSessionCookie } from '../../http/cookies.ts';
import { loginRateLimit } from '../../http/rate-limits.ts';
import { idParams } from '../../http/params.ts';
import { resolveLocale } from '../../shared/i18n.ts';
import { pageOf, pageQuery } from '../../shared/pagination.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import { sessionPayload } from './identity.routes.ts';
import {
  acceptBody,
  invitationLookup,
  invitationSchema,
  inviteBody,
  memberPatch,
  memberSchema,
  roleSchema,
  sessionResponse,
} from './identity.schemas.ts';
import type { Principal } from './policy.ts';
import {
  acceptInvitation,
  invite,
  listInvitations,
  listMembers,
  lookupInvitation,
  resendInvitation,
  revokeInvitation,
  updateMember,
} from './team.service.ts';

const tags = ['Team'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The audit actor of a request. */
export function actorOf(principal: Principal, ip: string): AuditActor {
  return { principal, ip };
}

type MemberRow = Awaited<ReturnType<typeof listMembers>>['items'][number];
const presentMember = (m: MemberRow) => ({
  ...m,
  lastLoginAt: iso(m.lastLoginAt),
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
});

function invitationStatus(i: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }) {
  if (i.acceptedAt) return 'accepted' as const;
  if (i.revokedAt) return 'revoked' as const;
  if (i.expiresAt < new Date()) return 'expired' as const;
  return 'pending' as const;
}
const presentInvitation = (i: { id: string; email: string; role: 'owner' | 'manager' | 'agent'; acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date; createdAt: Date }) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: invitationStatus(i),
  expiresAt: i.expiresAt.toISOString(),
  createdAt: i.createdAt.toISOString(),
});

/** Members, roles and invitations. */
export function registerTeamRoutes(app: App, deps: Deps) {
  app.get(
    '/api/v1/members',
    {
      schema: {
        tags,
        summary: 'List members',
        querystring: pageQuery.extend({
          q: z.string().max(200).optional().describe('Search by name or e-mail.'),
          status: z.enum(['invited', 'active', 'disabled']).optional().describe('Only members with this status.'),
          role: roleSchema.optional(),
        }),
        response: { 200: pageOf(memberSchema) },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'team.read');
      const page = await listMembers(deps.database.db, p.organizationId, req.query);
      return { nextCursor: page.nextCursor, items: page.items.map(presentMember) };
    },
  );

  app.patch(
    '/api/v1/members/:id',
    {
      schema: {
        tags,
        summary: 'Change a member\'s role or status',
        description: 'Owners change roles; owners and managers disable or enable agents. You cannot change yourself, and the last owner stays an owner.',
        params: idParams,
        body: memberPatch,
        response: { 200: memberSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'team.manage');
      await updateMember(deps.database.db, p, req.params.id, req.body, actorOf(p, req.ip));
      const page = await listMembers(deps.database.db, p.organizationId, { limit: 1, id: req.params.id });
      return presentMember(page.items[0]!);
    },
  );

  app.get(
    '/api/v1/invitations',
    {
      schema: {
        tags,
        summary: 'List invitations',
        querystring: pageQuery.extend({ pending: z.enum(['true', 'false']).optional().describe('Only pending invitations.') }),
        response: { 200: pageOf(invitationSchema) },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'team.invite');
      const page = await listInvitations(deps.database.db, p.organizationId, { ...req.query, pendingOnly: req.query.pending === 'true' });
      return { nextCursor: page.nextCursor, items: page.items.map(presentInvitation) };
    },
  );

  app.post(
    '/api/v1/invitations',
    {
      schema: {
        tags,
        summary: 'Invite someone by e-mail',
        description: 'Sends an e-mail with a single-use link valid for 7 days. Without SMTP the e-mail is kept in the outbox (`GET /api/v1/outbox`). Managers may only invite agents.',
        body: inviteBody,
        response: { 201: invitationSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'team.invite');
      const { invitation } = await invite(deps, p, req.body, actorOf(p, req.ip));
      return reply.status(201).send(presentInvitation(invitation));
    },
  );

  app.post(
    '/api/v1/invitations/:id/resend',
    {
      schema: { tags, summary: 'Resend an invitation with a fresh link', params: idParams, response: { 201: invitationSchema } },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'team.invite');
      const { invitation } = await resendInvitation(deps, p, req.params.id, actorOf(p, req.ip));
      return reply.status(201).send(presentInvitation(invitation));
    },
  );

  app.delete(
    '/api/v1/invitations/:id',
    {
      schema: { tags, summary: 'Revoke an invitation', params: idParams, response: { 200: invitationSchema } },
    },
    async (req) => {
      const p = requirePermission(req, 'team.invite');
      return presentInvitation(await revokeInvitation(deps.database.db, p, req.params.id, actorOf(p, req.ip)));
    },
  );

  app.get(
    '/api/v1/invitations/lookup',
    {
      config: { auth: 'public', rateLimit: loginRateLimit(deps) },
      schema: {
        tags,
        summary: 'Read an invitation by its token',
        description: 'Used by the accept page. 404 `invitation_invalid` when used, revoked or expired.',
        querystring: z.object({ token: z.string().min(10).max(200).describe('The token from the invitation link.') }),
        response: { 200: invitationLookup },
      },
    },
    async (req) => {
      const inv = await lookupInvitation(deps.database.db, req.query.token);
      return {
        email: inv.email,
        role: inv.role,
        organizationName: inv.organizationName,
        language: resolveLocale(inv.organizationLocale),
        needsPassword: !inv.hasPassword,
        name: inv.userName,
        expiresAt: inv.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      config: { auth: 'public', rateLimit: loginRateLimit(deps) },
      schema: {
        tags,
        summary: 'Accept an invitation',
        description: 'New people set their name and password; existing accounts confirm with their password. Signs in.',
        body: acceptBody,
        response: { 200: sessionResponse },
      },
    },
    async (req, reply) => {
      const result = await acceptInvitation(deps, req.body, requestMeta(req));
      setSessionCookie(reply, result.session.token, result.session.expiresAt, deps.config.secureCookies);
      return sessionPayload(deps, result.userId, result.organizationId, result.session.csrfToken);
    },
  );
}

