import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import type { Principal } from '../identity/policy.ts';

/** Who did something, as recorded in the audit log. */
export interface AuditActor {
  principal?: Principal | null;
  userId?: string | null;
  label?: string;
  ip?: string | null;
}

/** Security-relevant actions; the dashboard translates these codes. */
export type AuditAction =
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.password_reset_requested'
  | 'auth.password_reset'
  | 'auth.password_changed'
  | 'organization.created'
  | 'organization.settings_updated'
  | 'invitation.created'
  | 'invitation.resent'
  | 'invitation.revoked'
  | 'invitation.accepted'
  | 'member.role_changed'
  | 'member.status_changed'
  | 'api_key.created'
  | 'api_key.revoked'
  | (string & {});

/** Appends one entry. Call it inside the transaction of the change it records. */
export async function recordAudit(
  db: Db,
  entry: {
    organizationId: string | null;
    actor: AuditActor;
    action: AuditAction;
    targetType?: string;
    targetId?: string;
    data?: Record<string, unknown>;
  },
): Promise<void> {
  const p = entry.actor.principal;
  await db.insert(auditLog).values({
    id: newId(),
    organizationId: entry.organizationId,
    actorUserId: p?.kind === 'user' ? p.userId : (entry.actor.userId ?? null),
    actorApiKeyId: p?.kind === 'apiKey' ? p.apiKeyId : null,
    actorLabel: entry.actor.label ?? p?.label ?? '',
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    data: entry.data ?? {},
    ip: entry.actor.ip ?? null,
  });
}

/** One organization's audit log, newest first. */
export async function listAudit(db: Db, organizationId: string, q: { cursor?: string; limit: number; action?: string }) {
  const after = decodeCursor(q.cursor, 1);
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.organizationId, organizationId),
        q.action ? eq(auditLog.action, q.action) : undefined,
        after ? lt(auditLog.id, String(after[0])) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  return paginate(rows, q.limit, (r) => [r.id]);
}
