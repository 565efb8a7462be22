import { and, eq, gt, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { memberships, sessions, users } from '../../db/schema/index.ts';
import type { SessionContext } from '../../http/app-types.ts';
import { newId, randomToken, sha256 } from '../../shared/ids.ts';
import type { MemberRole, Principal } from './policy.ts';

/** Sessions last 30 days from the last request (sliding). */
export const SESSION_TTL_MS = 30 * 24 * 3600_000;
const TOUCH_EVERY_MS = 5 * 60_000;

/** Creates a session and returns the cookie token (only its hash is stored). */
export async function createSession(
  db: Db,
  input: { userId: string; organizationId: string | null; ip: string | null; userAgent: string | null },
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomToken(32);
  const csrfToken = randomToken(24);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.insert(sessions).values({
    id: newId(),
    userId: input.userId,
    tokenHash: sha256(token),
    csrfToken,
    activeOrganizationId: input.organizationId,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 500) ?? null,
    expiresAt,
  });
  return { token, csrfToken, expiresAt };
}

interface SessionRow {
  id: string;
  user_id: string;
  email: string;
  name: string;
  locale: string | null;
  csrf_token: string;
  active_organization_id: string | null;
  last_seen_at: string | Date;
  membership_id: string | null;
  role: MemberRole | null;
}

/**
 * Resolves a cookie token into the session and, when the user is an active member of the session's
 * organization, its principal. One query per request; disabling a membership takes effect at once.
 */
export async function resolveSession(
  deps: Pick<Deps, 'database'>,
  token: string,
): Promise<{ session: SessionContext; principal: Principal | null } | null> {
  if (token.length > 200) return null;
  const rows = await deps.database.rows<SessionRow>(sql`
    select s.id, s.user_id, u.email, u.name, u.locale, s.csrf_token, s.active_organization_id, s.last_seen_at,
           m.id as membership_id, m.role
      from sessions s
      join users u on u.id = s.user_id
      left join memberships m on m.user_id = s.user_id and m.organization_id = s.active_organization_id and m.status = 'active'
     where s.token_hash = ${sha256(token)} and s.expires_at > now()`);
  const row = rows[0];
  if (!row) return null;
  if (Date.now() - new Date(row.last_seen_at).getTime() > TOUCH_EVERY_MS) {
    await deps.database.db
      .update(sessions)
      .set({ lastSeenAt: new Date(), expiresAt: new Date(Date.now() + SESSION_TTL_MS) })
      .where(eq(sessions.id, row.id));
  }
  const session: SessionContext = {
    id: row.id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    locale: row.locale,
    csrfToken: row.csrf_token,
    activeOrganizationId: row.active_organization_id,
  };
  const principal: Principal | null =
    row.membership_id && row.role && row.active_organization_id
      ? {
          kind: 'user',
          organizationId: row.active_organization_id,
          userId: row.user_id,
          role: row.role,
          membershipId: row.membership_id,
          label: row.name || row.email,
        }
      : null;
  return { session, principal };
}

/** Ends a session (logout). */
export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user except, optionally, the current one (after a password change or reset). */
export async function revokeUserSessions(db: Db, userId: string, exceptSessionId?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), exceptSessionId ? sql`${sessions.id} <> ${exceptSessionId}` : undefined));
}

/** The organization a user lands in: the given one if active there, else their oldest active membership. */
export async function pickActiveOrganization(db: Db, userId: string, preferred?: string | null): Promise<string | null> {
  const rows = await db
    .select({ organizationId: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
    .orderBy(memberships.createdAt);
  if (preferred && rows.some((r) => r.organizationId === preferred)) return preferred;
  return rows[0]?.organizationId ?? null;
}

/** Points the session at another organization (the user must be an active member; checked by the caller). */
export async function setActiveOrganization(db: Db, sessionId: string, organizationId: string): Promise<void> {
  await db.update(sessions).set({ activeOrganizationId: organizationId }).where(eq(sessions.id, sessionId));
}

/** Deletes expired sessions (run by a recurring job). */
export async function pruneSessions(db: Db): Promise<void> {
  await db.delete(sessions).where(gt(sql`now()`, sessions.expiresAt));
}

/** Looks up a user by e-mail, case-insensitively. */
export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}
