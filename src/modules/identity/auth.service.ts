import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { memberships, organizations, passwordResets, users } from '../../db/schema/index.ts';
import { AppError, conflict, forbidden, unauthenticated } from '../../shared/errors.ts';
import { resolveLocale } from '../../shared/i18n.ts';
import { newId, randomToken, sha256 } from '../../shared/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { queueMail } from '../mail/mail.service.ts';
import type { Language } from '../organizations/settings.ts';
import { insertOrganizationWithOwner } from './create-organization.ts';
import { te } from './emails.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession, findUserByEmail, pickActiveOrganization, revokeSession, revokeUserSessions, setActiveOrganization } from './sessions.ts';

/** Request facts recorded with security events. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

/** Whether this installation still needs its first organization (drives the onboarding screen). */
export async function needsSetup(db: Db): Promise<boolean> {
  const rows = await db.select({ id: organizations.id }).from(organizations).limit(1);
  return rows.length === 0;
}

/**
 * Creates an organization with its owner. With `firstRunOnly` (the public onboarding endpoint) it
 * refuses once any organization exists, so a public instance cannot be claimed twice.
 */
export async function createOrganizationWithOwner(
  deps: Pick<Deps, 'database'>,
  input: {
    organizationName: string;
    ownerName: string;
    email: string;
    password: string;
    language: Language;
    timezone?: string;
    country?: string | null;
    firstRunOnly: boolean;
  },
  meta: RequestMeta,
) {
  const passwordHash = await hashPassword(input.password);
  return deps.database.db.transaction(async (tx) => {
    if (input.firstRunOnly) {
      // Serialize concurrent first-run requests; the loser sees the winner's organization.
      await tx.execute(sql`select pg_advisory_xact_lock(723884102)`);
      if (!(await needsSetup(tx))) throw conflict('Charla is already set up; sign in instead', 'already_set_up');
    }
    const existing = await findUserByEmail(tx, input.email);
    let userId: string;
    if (existing) {
      if (!(await verifyPassword(existing.passwordHash, input.password))) {
        throw conflict('An account with this e-mail exists; use its password to add an organization', 'email_taken');
      }
      userId = existing.id;
    } else {
      userId = newId();
      await tx.insert(users).values({ id: userId, email: input.email, name: input.ownerName, passwordHash, locale: input.language });
    }
    const organizationId = await insertOrganizationWithOwner(
      tx,
      { name: input.organizationName, language: input.language, timezone: input.timezone, country: input.country },
      { userId, label: input.email, ip: meta.ip },
    );
    const session = await createSession(tx, { userId, organizationId, ip: meta.ip, userAgent: meta.userAgent });
    return { organizationId, userId, session };
  });
}

/** Checks e-mail and password; every attempt is audited. Unknown e-mails take as long as wrong passwords. */
export async function login(deps: Pick<Deps, 'database'>, input: { email: string; password: string }, meta: RequestMeta) {
  const db = deps.database.db;
  const user = await findUserByEmail(db, input.email);
  const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !ok) {
    const organizationIds = user ? await activeOrganizationIds(db, user.id) : [];
    for (const organizationId of organizationIds.length ? organizationIds : [null]) {
      await recordAudit(db, {
        organizationId,
        actor: { userId: user?.id ?? null, label: input.email.slice(0, 200), ip: meta.ip },
        action: 'auth.login_failed',
        targetType: 'user',
        targetId: user?.id,
      });
    }
    throw unauthenticated('Wrong e-mail or password', 'invalid_credentials');
  }
  const organizationId = await pickActiveOrganization(db, user.id);
  if (!organizationId) {
    const invited = await db
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.userId, user.id), eq(memberships.status, 'invited')));
    if (invited.length === 0) throw forbidden('Your access has been disabled; ask an owner of your organization', 'membership_disabled');
  }
  return db.transaction(async (tx) => {
    await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
    const session = await createSession(tx, { userId: user.id, organizationId, ip: meta.ip, userAgent: meta.userAgent });
    await recordAudit(tx, {
      organizationId,
      actor: { userId: user.id, label: user.name || user.email, ip: meta.ip },
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
    });
    return { session, userId: user.id, organizationId };
  });
}

/** Ends a session (logout), audited in the organization it was acting in. */
export async function logout(
  deps: Pick<Deps, 'database'>,
  session: { id: string; userId: string; email: string; name: string; activeOrganizationId: string | null },
  meta: RequestMeta,
) {
  await deps.database.db.transaction(async (tx) => {
    await revokeSession(tx, session.id);
    const active = session.activeOrganizationId ? await activeOrganizationIds(tx, session.userId) : [];
    if (session.activeOrganizationId && active.includes(session.activeOrganizationId)) {
      await recordAudit(tx, {
        organizationId: session.activeOrganizationId,
        actor: { userId: session.userId, label: session.name || session.email, ip: meta.ip },
        action: 'auth.logout',
        targetType: 'user',
        targetId: session.userId,
      });
    }
  });
}

async function activeOrganizationIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')));
  return rows.map((r) => r.id);
}

/** Switches the session's organization; the user must be an active member there (404 otherwise). */
export async function switchOrganization(db: Db, session: { id: string; userId: string }, organizationId: string) {
  const ids = await activeOrganizationIds(db, session.userId);
  if (!ids.includes(organizationId)) throw new AppError('not_found', 'not_found', 'Organization not found');
  await setActiveOrganization(db, session.id, organizationId);
}

const RESET_TTL_MS = 3600_000;

/**
 * Starts a password reset: e-mails a single-use link valid for an hour. Always succeeds from the
 * caller's point of view, so it cannot be used to find out which e-mails have accounts.
 */
export async function requestPasswordReset(deps: Pick<Deps, 'database' | 'queue' | 'config'>, email: string, meta: RequestMeta) {
  const db = deps.database.db;
  const user = await findUserByEmail(db, email);
  if (!user?.passwordHash) return;
  const token = randomToken(32);
  const locale = resolveLocale(user.locale);
  const link = `${deps.config.publicUrl}/reset-password/${token}`;
  await db.transaction(async (tx) => {
    await tx.insert(passwordResets).values({ id: newId(), userId: user.id, tokenHash: sha256(token), expiresAt: new Date(Date.now() + RESET_TTL_MS) });
    await queueMail(tx, deps.queue, {
      organizationId: null,
      to: user.email,
      subject: te(locale, 'resetSubject'),
      text: te(locale, 'resetBody', { link }),
      kind: 'password_reset',
    });
    for (const organizationId of await activeOrganizationIds(tx, user.id)) {
      await recordAudit(tx, {
        organizationId,
        actor: { userId: user.id, label: user.email, ip: meta.ip },
        action: 'auth.password_reset_requested',
        targetType: 'user',
        targetId: user.id,
      });
    }
  });
}

/** Completes a reset: sets the password, burns the token, and signs out every other session. */
export async function resetPassword(deps: Pick<Deps, 'database'>, token: string, password: string, meta: RequestMeta) {
  const passwordHash = await hashPassword(password);
  return deps.database.db.transaction(async (tx) => {
    const [reset] = await tx
      .update(passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResets.tokenHash, sha256(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date())))
      .returning();
    if (!reset) throw new AppError('validation', 'invalid_token', 'This link is invalid or has expired; ask for a new one');
    const [user] = await tx
      .update(users)
      .set({ passwordHash, updatedAt: new Date() })
      .where(eq(users.id, reset.userId))
      .returning({ email: users.email, name: users.name });
    await revokeUserSessions(tx, reset.userId);
    await burnResetTokens(tx, reset.userId);
    for (const organizationId of await activeOrganizationIds(tx, reset.userId)) {
      await recordAudit(tx, {
        organizationId,
        actor: { userId: reset.userId, label: user?.name || user?.email || '', ip: meta.ip },
        action: 'auth.password_reset',
        targetType: 'user',
        targetId: reset.userId,
      });
    }
    return { userId: reset.userId };
  });
}

/** Once the password changed, no outstanding reset link of the user may change it again. */
async function burnResetTokens(tx: Db, userId: string): Promise<void> {
  await tx
    .update(passwordResets)
    .set({ usedAt: new Date() })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}

/** Changes the signed-in user's password after checking the current one; other sessions are signed out. */
export async function changePassword(
  deps: Pick<Deps, 'database'>,
  session: { id: string; userId: string },
  input: { currentPassword: string; newPassword: string },
  meta: RequestMeta,
) {
  const db = deps.database.db;
  const [user] = await db.select().from(users).where(eq(users.id, session.userId));
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError('validation', 'wrong_password', 'The current password is wrong', {
      issues: [{ path: 'currentPassword', message: 'The current password is wrong' }],
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    await revokeUserSessions(tx, user.id, session.id);
    await burnResetTokens(tx, user.id);
    for (const organizationId of await activeOrganizationIds(tx, user.id)) {
      await recordAudit(tx, {
        organizationId,
        actor: { userId: user.id, label: user.name || user.email, ip: meta.ip },
        action: 'auth.password_changed',
        targetType: 'user',
        targetId: user.id,
      });
    }
  });
}

/** The signed-in user's organizations with their role there (for the organization switcher). */
export async function listUserOrganizations(db: Db, userId: string) {
  return db
    .select({ id: organizations.id, name: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
    .orderBy(organizations.name);
}
