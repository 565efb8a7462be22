import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { memberships, organizations } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Language } from '../organizations/settings.ts';
import type { RequestMeta } from './auth.service.ts';
import { setActiveOrganization } from './sessions.ts';

/** The organization's initial facts. */
export interface NewOrganization {
  name: string;
  language: Language;
  timezone?: string;
  country?: string | null;
}

/** Inserts an organization with `userId` as its active owner, audited; runs in the caller's transaction. */
export async function insertOrganizationWithOwner(
  tx: Db,
  input: NewOrganization,
  owner: { userId: string; label: string; ip: string | null },
): Promise<string> {
  const organizationId = newId();
  await tx.insert(organizations).values({
    id: organizationId,
    name: input.name,
    locale: input.language,
    timezone: input.timezone ?? 'UTC',
    country: input.country ?? null,
  });
  await tx.insert(memberships).values({ id: newId(), organizationId, userId: owner.userId, role: 'owner', status: 'active' });
  await recordAudit(tx, {
    organizationId,
    actor: { userId: owner.userId, label: owner.label, ip: owner.ip },
    action: 'organization.created',
    targetType: 'organization',
    targetId: organizationId,
    data: { name: input.name },
  });
  return organizationId;
}

/** Creates an organization owned by the signed-in user and switches their session to it. */
export async function createOrganization(
  deps: Pick<Deps, 'database'>,
  session: { id: string; userId: string; email: string; name: string },
  input: NewOrganization,
  meta: RequestMeta,
): Promise<string> {
  return deps.database.db.transaction(async (tx) => {
    const organizationId = await insertOrganizationWithOwner(tx, input, { userId: session.userId, label: session.name || session.email, ip: meta.ip });
    await setActiveOrganization(tx, session.id, organizationId);
    return organizationId;
  });
}
