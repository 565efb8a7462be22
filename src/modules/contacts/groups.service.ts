import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { contactGroups } from '../../db/schema/index.ts';
import { pgErrorCode } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { decodeCursor, encodeCursor } from '../../shared/pagination.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { type ContactFilter, contactFilterSql } from './contact-filter.ts';
import { groupNameTaken, groupNotFound } from './contacts.errors.ts';
import { orgRegion } from './contacts.repository.ts';

/** A group with how many contacts it has. */
export interface GroupView {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  createdAt: Date;
  updatedAt: Date;
}

const memberCount = sql<number>`(select count(*)::int from contact_group_members m where m.group_id = ${contactGroups.id})`;
const nameKey = sql`lower(${contactGroups.name})`;

/** The organization's groups by name, with member counts (keyset pagination on the name). */
export async function listGroups(db: Db, organizationId: string, q: { cursor?: string; limit: number; q?: string }) {
  const after = decodeCursor(q.cursor, 2);
  const rows = await db
    .select({
      id: contactGroups.id,
      name: contactGroups.name,
      description: contactGroups.description,
      memberCount,
      createdAt: contactGroups.createdAt,
      updatedAt: contactGroups.updatedAt,
      key: sql<string>`${nameKey}`,
    })
    .from(contactGroups)
    .where(
      and(
        eq(contactGroups.organizationId, organizationId),
        q.q ? sql`${nameKey} like ${`%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : undefined,
        after ? sql`(${nameKey}, ${contactGroups.id}) > (${String(after[0])}, ${String(after[1])}::uuid)` : undefined,
      ),
    )
    .orderBy(nameKey, contactGroups.id)
    .limit(q.limit + 1);
  const hasMore = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  return { items: items.map(({ key: _key, ...g }) => g), nextCursor: hasMore && last ? encodeCursor([last.key, last.id]) : null };
}

/** One group (404 when missing or in another organization). */
export async function getGroup(db: Db, organizationId: string, id: string): Promise<GroupView> {
  const [row] = await db
    .select({
      id: contactGroups.id,
      name: contactGroups.name,
      description: contactGroups.description,
      memberCount,
      createdAt: contactGroups.createdAt,
      updatedAt: contactGroups.updatedAt,
    })
    .from(contactGroups)
    .where(and(eq(contactGroups.organizationId, organizationId), eq(contactGroups.id, id)));
  if (!row) throw groupNotFound();
  return row;
}

/** Creates a group; names are unique per organization ignoring case. */
export async function createGroup(db: Db, organizationId: string, input: { name: string; description?: string }): Promise<GroupView> {
  const id = newId();
  try {
    await db.insert(contactGroups).values({ id, organizationId, name: input.name, description: input.description ?? '' });
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw groupNameTaken();
    throw err;
  }
  return getGroup(db, organizationId, id);
}

/** Renames a group or changes its description. */
export async function updateGroup(db: Db, organizationId: string, id: string, input: { name?: string; description?: string }): Promise<GroupView> {
  try {
    const updated = await db
      .update(contactGroups)
      .set({ ...input, updatedAt: new Date() })
      .where(and(eq(contactGroups.organizationId, organizationId), eq(contactGroups.id, id)))
      .returning({ id: contactGroups.id });
    if (updated.length === 0) throw groupNotFound();
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw groupNameTaken();
    throw err;
  }
  return getGroup(db, organizationId, id);
}

/** Deletes a group (its contacts stay). Audited, since campaigns may target it. */
export async function deleteGroup(db: Db, organizationId: string, id: string, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const deleted = await tx
      .delete(contactGroups)
      .where(and(eq(contactGroups.organizationId, organizationId), eq(contactGroups.id, id)))
      .returning({ id: contactGroups.id, name: contactGroups.name });
    if (deleted.length === 0) throw groupNotFound();
    await recordAudit(tx, { organizationId, actor, action: 'contact_group.deleted', targetType: 'contact_group', targetId: id });
  });
}

/**
 * Adds or removes, in one statement per group, every contact matching a filter (or a list of ids,
 * through `filter.ids`). Every group must belong to the organization. Returns how many memberships
 * were created or removed.
 */
export async function changeGroupMembership(
  db: Db,
  organizationId: string,
  action: 'add' | 'remove',
  groupIds: string[],
  filter: ContactFilter,
): Promise<{ changed: number }> {
  const region = filter.q ? await orgRegion(db, organizationId) : undefined;
  return db.transaction(async (tx) => {
    let changed = 0;
    for (const groupId of [...new Set(groupIds)]) {
      await getGroup(tx, organizationId, groupId);
      const where = contactFilterSql(organizationId, filter, region);
      const rows =
        action === 'add'
          ? await rowsOf<{ n: number }>(
              tx,
              sql`with ins as (
                    insert into contact_group_members (organization_id, group_id, contact_id)
                    select ${organizationId}::uuid, ${groupId}::uuid, contacts.id from contacts where ${where}
                    on conflict do nothing returning 1)
                  select count(*)::int as n from ins`,
            )
          : await rowsOf<{ n: number }>(
              tx,
              sql`with del as (
                    delete from contact_group_members m using contacts
                    where m.group_id = ${groupId}::uuid and m.contact_id = contacts.id and ${where} returning 1)
                  select count(*)::int as n from del`,
            );
      changed += rows[0]?.n ?? 0;
    }
    return { changed };
  });
}

/**
 * Finds groups by name (case-insensitive), creating the missing ones when asked; used by imports with
 * a group column. Safe against a concurrent creation of the same name.
 */
export async function resolveGroupsByName(
  tx: Db,
  organizationId: string,
  names: string[],
  create: boolean,
): Promise<Map<string, string>> {
  const wanted = [...new Set(names.map((n) => n.toLowerCase()))];
  const out = new Map<string, string>();
  if (wanted.length === 0) return out;
  if (create) {
    const firstSpelling = new Map<string, string>();
    for (const n of names) if (!firstSpelling.has(n.toLowerCase())) firstSpelling.set(n.toLowerCase(), n);
    const records = wanted.map((k) => ({ id: newId(), name: firstSpelling.get(k)! }));
    await rowsOf(
      tx,
      sql`insert into contact_groups (id, organization_id, name)
          select r.id, ${organizationId}::uuid, r.name from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(id uuid, name text)
          on conflict do nothing`,
    );
  }
  const rows = await rowsOf<{ id: string; key: string }>(
    tx,
    sql`select id, lower(name) as key from contact_groups
        where organization_id = ${organizationId}::uuid and lower(name) in (${sql.join(wanted.map((w) => sql`${w}`), sql`, `)})`,
  );
  for (const r of rows) out.set(r.key, r.id);
  return out;
}
