import { and, asc, desc, eq, gt, ilike, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { invitations, memberships, organizations, users } from '../../db/schema/index.ts';
import { AppError, conflict, forbidden, notFound, unauthenticated } from '../../shared/errors.ts';
import { resolveLocale } from '../../shared/i18n.ts';
import { newId, randomToken, sha256 } from '../../shared/ids.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import { recordAudit, type AuditActor } from '../audit/audit.service.ts';
import { queueMail } from '../mail/mail.service.ts';
import type { RequestMeta } from './auth.service.ts';
import { roleName, te } from './emails.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { can, grantableRoles, type MemberRole, type Principal } from './policy.ts';
import { createSession, findUserByEmail } from './sessions.ts';

/** Invitations are valid for 7 days. */
export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

/** A member row as the Team page shows it. */
export async function listMembers(
  db: Db,
  organizationId: string,
  q: { cursor?: string; limit: number; q?: string; status?: 'invited' | 'active' | 'disabled'; role?: MemberRole; id?: string },
) {
  const after = decodeCursor(q.cursor, 1);
  const search = q.q?.trim();
  const rows = await db
    .select({
      id: memberships.id,
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      status: memberships.status,
      lastLoginAt: users.lastLoginAt,
      createdAt: memberships.createdAt,
      updatedAt: memberships.updatedAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.organizationId, organizationId),
        q.id ? eq(memberships.id, q.id) : undefined,
        q.status ? eq(memberships.status, q.status) : undefined,
        q.role ? eq(memberships.role, q.role) : undefined,
        search ? or(ilike(users.name, `%${escapeLike(search)}%`), ilike(users.email, `%${escapeLike(search)}%`)) : undefined,
        after ? gt(memberships.id, String(after[0])) : undefined,
      ),
    )
    .orderBy(asc(memberships.id))
    .limit(q.limit + 1);
  return paginate(rows, q.limit, (r) => [r.id]);
}

/** Escapes `%`, `_` and `\` for ILIKE patterns. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Changes a member's role or status. Owners change roles; owners and managers disable or re-enable
 * agents. Nobody changes their own membership, and the last active owner cannot be demoted or disabled.
 */
export async function updateMember(
  db: Db,
  principal: Principal,
  membershipId: string,
  patch: { role?: MemberRole; status?: 'active' | 'disabled' },
  actor: AuditActor,
) {
  return db.transaction(async (tx) => {
    // Lock the organization's owner rows so two concurrent demotions cannot remove the last owner.
    await tx.execute(sql`select id from memberships where organization_id = ${principal.organizationId} and role = 'owner' for update`);
    const [member] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.id, membershipId), eq(memberships.organizationId, principal.organizationId)))
      .for('update');
    if (!member) throw notFound('Member');
    if (principal.kind === 'user' && member.userId === principal.userId) {
      throw forbidden('You cannot change your own role or status', 'cannot_change_self');
    }
    if (patch.role && patch.role !== member.role && !can(principal, 'team.roles')) throw forbidden();
    if (patch.status && patch.status !== member.status) {
      if (!can(principal, 'team.manage')) throw forbidden();
      if (!can(principal, 'team.roles') && member.role !== 'agent') {
        throw forbidden('Managers can only disable or enable agents', 'forbidden');
      }
      if (member.status === 'invited') {
        throw new AppError('unprocessable', 'member_invited', 'This person has not accepted the invitation yet; revoke it instead');
      }
    }
    const losesOwner = member.role === 'owner' && member.status === 'active' && ((patch.role && patch.role !== 'owner') || patch.status === 'disabled');
    if (losesOwner) {
      const [{ n } = { n: 0 }] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(memberships)
        .where(and(eq(memberships.organizationId, principal.organizationId), eq(memberships.role, 'owner'), eq(memberships.status, 'active'), ne(memberships.id, member.id)));
      if (n === 0) throw new AppError('unprocessable', 'last_owner', 'An organization needs at least one active owner');
    }
    const [updated] = await tx
      .update(memberships)
      .set({ role: patch.role ?? member.role, status: patch.status ?? member.status, updatedAt: new Date() })
      .where(eq(memberships.id, member.id))
      .returning();
    if (patch.role && patch.role !== member.role) {
      await recordAudit(tx, {
        organizationId: principal.organizationId,
        actor,
        action: 'member.role_changed',
        targetType: 'member',
        targetId: member.id,
        data: { from: member.role, to: patch.role },
      });
    }
    if (patch.status && patch.status !== member.status) {
      await recordAudit(tx, {
        organizationId: principal.organizationId,
        actor,
        action: 'member.status_changed',
        targetType: 'member',
        targetId: member.id,
        data: { from: member.status, to: patch.status },
      });
    }
    return updated!;
  });
}

/**
 * Invites someone by e-mail: creates the user if needed (without a password), an `invited` membership
 * and a single-use token; the e-mail goes out through the outbox. Inviting an already invited e-mail
 * issues a fresh link and revokes the old one.
 */
export async function invite(
  deps: Pick<Deps, 'database' | 'queue' | 'config'>,
  principal: Principal,
  input: { email: string; role: MemberRole; language?: string },
  actor: AuditActor,
) {
  if (!grantableRoles(principal).includes(input.role)) throw forbidden('You cannot invite someone with this role', 'role_not_grantable');
  return deps.database.db.transaction(async (tx) => {
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, principal.organizationId));
    if (!org) throw notFound('Organization');
    let user = await findUserByEmail(tx, input.email);
    if (!user) {
      [user] = await tx.insert(users).values({ id: newId(), email: input.email, locale: input.language ?? null }).returning();
    }
    const [existing] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, org.id), eq(memberships.userId, user!.id)));
    if (existing && existing.status !== 'invited') {
      throw conflict(
        existing.status === 'active' ? 'This person is already a member' : 'This person is a disabled member; enable them instead',
        'already_member',
      );
    }
    let membershipId = existing?.id;
    if (!membershipId) {
      membershipId = newId();
      await tx.insert(memberships).values({ id: membershipId, organizationId: org.id, userId: user!.id, role: input.role, status: 'invited' });
    } else {
      await tx.update(memberships).set({ role: input.role, updatedAt: new Date() }).where(eq(memberships.id, membershipId));
      await tx
        .update(invitations)
        .set({ revokedAt: new Date() })
        .where(and(eq(invitations.membershipId, membershipId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    }
    const token = randomToken(32);
    const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
    const [invitation] = await tx
      .insert(invitations)
      .values({
        id: newId(),
        organizationId: org.id,
        membershipId,
        email: user!.email,
        role: input.role,
        tokenHash: sha256(token),
        invitedByUserId: principal.kind === 'user' ? principal.userId : null,
        expiresAt,
      })
      .returning();
    const locale = resolveLocale(input.language ?? user!.locale ?? org.locale);
    const link = `${deps.config.publicUrl}/invite/${token}`;
    await queueMail(tx, deps.queue, {
      organizationId: org.id,
      to: user!.email,
      subject: te(locale, 'inviteSubject', { inviter: principal.label, organization: org.name }),
      text: te(locale, 'inviteBody', {
        inviter: principal.label,
        organization: org.name,
        role: roleName(locale, input.role),
        link,
        expires: expiresAt.toISOString().slice(0, 10),
      }),
      kind: 'invitation',
    });
    await recordAudit(tx, {
      organizationId: org.id,
      actor,
      action: existing ? 'invitation.resent' : 'invitation.created',
      targetType: 'invitation',
      targetId: invitation!.id,
      data: { email: user!.email, role: input.role },
    });
    return { invitation: invitation!, link };
  });
}

/** Pending and past invitations, newest first. */
export async function listInvitations(db: Db, organizationId: string, q: { cursor?: string; limit: number; pendingOnly?: boolean }) {
  const after = decodeCursor(q.cursor, 1);
  const rows = await db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, organizationId),
        q.pendingOnly ? and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())) : undefined,
        after ? lt(invitations.id, String(after[0])) : undefined,
      ),
    )
    .orderBy(desc(invitations.id))
    .limit(q.limit + 1);
  return paginate(rows, q.limit, (r) => [r.id]);
}

/** Resends a pending invitation with a fresh link (the previous link stops working). */
export async function resendInvitation(deps: Pick<Deps, 'database' | 'queue' | 'config'>, principal: Principal, invitationId: string, actor: AuditActor) {
  const [inv] = await deps.database.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, principal.organizationId)));
  if (!inv) throw notFound('Invitation');
  if (inv.acceptedAt) throw conflict('This invitation was already accepted', 'invitation_accepted');
  return invite(deps, principal, { email: inv.email, role: inv.role }, actor);
}

/** Revokes a pending invitation; the invited membership is removed. */
export async function revokeInvitation(db: Db, principal: Principal, invitationId: string, actor: AuditActor) {
  return db.transaction(async (tx) => {
    const [inv] = await tx
      .update(invitations)
      .set({ revokedAt: sql`coalesce(${invitations.revokedAt}, now())` })
      .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, principal.organizationId)))
      .returning();
    if (!inv) throw notFound('Invitation');
    if (inv.acceptedAt) throw conflict('This invitation was already accepted', 'invitation_accepted');
    if (inv.membershipId) await tx.delete(memberships).where(and(eq(memberships.id, inv.membershipId), eq(memberships.status, 'invited')));
    await recordAudit(tx, {
      organizationId: principal.organizationId,
      actor,
      action: 'invitation.revoked',
      targetType: 'invitation',
      targetId: inv.id,
      data: { email: inv.email },
    });
    return inv;
  });
}

/** What the accept page shows before the person sets a password. */
export async function lookupInvitation(db: Db, token: string) {
  const [row] = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
      organizationName: organizations.name,
      organizationLocale: organizations.locale,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`,
      userName: users.name,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .innerJoin(memberships, eq(memberships.id, invitations.membershipId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(invitations.tokenHash, sha256(token)));
  if (!row || row.acceptedAt || row.revokedAt || row.expiresAt < new Date()) {
    throw new AppError('not_found', 'invitation_invalid', 'This invitation is invalid, was already used or has expired');
  }
  return row;
}

/**
 * Accepts an invitation, once: a new person sets their name and password; someone who already has an
 * account proves it with their password. Returns a session in the organization.
 */
export async function acceptInvitation(deps: Pick<Deps, 'database'>, input: { token: string; name?: string; password: string }, meta: RequestMeta) {
  const passwordHash = await hashPassword(input.password);
  return deps.database.db.transaction(async (tx) => {
    const [inv] = await tx
      .update(invitations)
      .set({ acceptedAt: new Date() })
      .where(and(eq(invitations.tokenHash, sha256(input.token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())))
      .returning();
    if (!inv?.membershipId) throw new AppError('not_found', 'invitation_invalid', 'This invitation is invalid, was already used or has expired');
    const [member] = await tx.select().from(memberships).where(eq(memberships.id, inv.membershipId));
    const [user] = await tx.select().from(users).where(eq(users.id, member!.userId));
    if (user!.passwordHash) {
      if (!(await verifyPassword(user!.passwordHash, input.password))) throw unauthenticated('Wrong password for this account', 'invalid_credentials');
      if (input.name) await tx.update(users).set({ name: input.name, updatedAt: new Date() }).where(eq(users.id, user!.id));
    } else {
      if (!input.name) {
        throw new AppError('validation', 'validation_failed', 'Tell us your name', { issues: [{ path: 'name', message: 'Required' }] });
      }
      await tx.update(users).set({ name: input.name, passwordHash, updatedAt: new Date() }).where(eq(users.id, user!.id));
    }
    await tx.update(memberships).set({ status: 'active', role: inv.role, updatedAt: new Date() }).where(eq(memberships.id, member!.id));
    await recordAudit(tx, {
      organizationId: inv.organizationId,
      actor: { userId: user!.id, label: input.name || user!.name || user!.email, ip: meta.ip },
      action: 'invitation.accepted',
      targetType: 'invitation',
      targetId: inv.id,
      data: { email: inv.email, role: inv.role },
    });
    const session = await createSession(tx, { userId: user!.id, organizationId: inv.organizationId, ip: meta.ip, userAgent: meta.userAgent });
    return { session, organizationId: inv.organizationId, userId: user!.id };
  });
}
