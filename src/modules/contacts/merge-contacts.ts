import { eq, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { contactMerges, contacts } from '../../db/schema/index.ts';
import { AppError, pgErrorCode, validationError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { contactNotFound } from './contacts.errors.ts';
import { type ContactRow, findContact, groupsOfContacts } from './contacts.repository.ts';
import { getContact } from './contacts.service.ts';
import { findLinks, ident, tableExists } from './data-links.ts';

const OWN_TABLES = new Set(['contact_group_members', 'contact_consents', 'contact_merges']);

/**
 * Merges `mergedId` into `survivorId` in one transaction. The survivor keeps its values and takes the
 * merged contact's where it has none (phone, e-mail, address, custom fields); notes are joined, groups
 * and consent histories combined (the current consent is the latest decision). Conversations move to
 * the survivor — when both talked on the same channel, the merged conversation's messages move into
 * the survivor's, so both histories stay whole. Rows of other modules pointing at either contact or
 * conversation follow (found through the catalog); one that cannot move without breaking a
 * uniqueness rule makes the merge fail as a whole (409 `merge_conflict`). The merged contact's data is
 * kept in the merge record. Audited.
 */
export async function mergeContacts(deps: Pick<Deps, 'database' | 'storage'>, organizationId: string, survivorId: string, mergedId: string, actor: AuditActor) {
  const db = deps.database.db;
  if (survivorId === mergedId) throw validationError('Choose two different contacts', [{ path: 'mergedId', message: 'Same as survivorId' }], 'merge_same_contact');
  const orphanPhoto = await db.transaction(async (tx) => {
    // Lock in id order so two opposite merges cannot deadlock.
    const [firstId, secondId] = [survivorId, mergedId].sort();
    const first = await findContact(tx, organizationId, firstId!, { lock: true });
    const second = await findContact(tx, organizationId, secondId!, { lock: true });
    if (!first || !second) throw contactNotFound();
    const survivor = first.id === survivorId ? first : second;
    const merged = first.id === mergedId ? first : second;
    const groups = await groupsOfContacts(tx, organizationId, [mergedId]);
    await tx.insert(contactMerges).values({
      id: newId(),
      organizationId,
      survivorId,
      mergedContactId: mergedId,
      mergedSnapshot: { ...snapshot(merged), groups: groups.get(mergedId) ?? [] },
      actorUserId: actor.principal?.kind === 'user' ? actor.principal.userId : null,
      actorApiKeyId: actor.principal?.kind === 'apiKey' ? actor.principal.apiKeyId : null,
      actorLabel: actor.principal?.label ?? '',
    });
    await tx.execute(sql`savepoint merge_links`);
    let moved: number;
    try {
      moved = await moveConversations(tx, survivorId, mergedId);
      await moveLinks(tx, survivorId, mergedId);
    } catch (err) {
      if (pgErrorCode(err) !== '23505') throw err;
      await tx.execute(sql`rollback to savepoint merge_links`);
      throw new AppError('conflict', 'merge_conflict', 'These contacts cannot be merged automatically: some of their records would collide');
    }
    await rowsOf(tx, sql`update contact_merges set conversations_moved = ${moved} where survivor_id = ${survivorId}::uuid and merged_contact_id = ${mergedId}::uuid`);
    await rowsOf(
      tx,
      sql`insert into contact_group_members (organization_id, group_id, contact_id)
          select organization_id, group_id, ${survivorId}::uuid from contact_group_members where contact_id = ${mergedId}::uuid
          on conflict do nothing`,
    );
    await rowsOf(tx, sql`update contact_consents set contact_id = ${survivorId}::uuid where contact_id = ${mergedId}::uuid`);
    // Earlier merges into the merged contact keep their records (and the data an erasure must find).
    await rowsOf(tx, sql`update contact_merges set survivor_id = ${survivorId}::uuid where survivor_id = ${mergedId}::uuid`);
    // Free the merged contact's phone and e-mail before the survivor may take them.
    await tx.delete(contacts).where(eq(contacts.id, mergedId));
    const latest = async (purpose: 'marketing' | 'service') =>
      (
        await rowsOf<{ status: 'granted' | 'revoked' }>(
          tx,
          sql`select status from contact_consents where contact_id = ${survivorId}::uuid and purpose = ${purpose}
              order by occurred_at desc, id desc limit 1`,
        )
      )[0]?.status ?? null;
    await tx
      .update(contacts)
      .set({
        firstName: survivor.firstName || merged.firstName,
        lastName: survivor.lastName || merged.lastName,
        phone: survivor.phone ?? merged.phone,
        waId: survivor.waId ?? merged.waId,
        email: survivor.email ?? merged.email,
        photoKey: survivor.photoKey ?? merged.photoKey,
        street: survivor.street ?? merged.street,
        city: survivor.city ?? merged.city,
        state: survivor.state ?? merged.state,
        postalCode: survivor.postalCode ?? merged.postalCode,
        country: survivor.country ?? merged.country,
        notes: [survivor.notes, merged.notes].filter(Boolean).join('\n\n'),
        customFields: { ...merged.customFields, ...survivor.customFields },
        marketingConsent: await latest('marketing'),
        serviceConsent: await latest('service'),
        lastSeenAt: maxDate(survivor.lastSeenAt, merged.lastSeenAt),
        createdAt: new Date(Math.min(survivor.createdAt.getTime(), merged.createdAt.getTime())),
        updatedAt: new Date(),
      })
      .where(eq(contacts.id, survivorId));
    await recordAudit(tx, { organizationId, actor, action: 'contact.merged', targetType: 'contact', targetId: survivorId, data: { mergedContactId: mergedId, conversationsMoved: moved } });
    return survivor.photoKey && merged.photoKey ? merged.photoKey : null;
  });
  if (orphanPhoto) await deps.storage.delete(orphanPhoto);
  return getContact(db, organizationId, survivorId);
}

/** Moves conversations; a channel where both have one gets the merged messages in the survivor's. */
async function moveConversations(tx: Db, survivorId: string, mergedId: string): Promise<number> {
  if (!(await tableExists(tx, 'conversations'))) return 0;
  const theirs = await rowsOf<{ id: string; channel_id: string }>(tx, sql`select id, channel_id from conversations where contact_id = ${mergedId}::uuid`);
  const links = (await findLinks(tx)).filter((l) => l.references === 'conversations');
  for (const conv of theirs) {
    const [ours] = await rowsOf<{ id: string }>(
      tx,
      sql`select id from conversations where contact_id = ${survivorId}::uuid and channel_id = ${conv.channel_id}::uuid`,
    );
    if (!ours) {
      await tx.execute(sql`update conversations set contact_id = ${survivorId}::uuid, updated_at = now() where id = ${conv.id}::uuid`);
      continue;
    }
    for (const link of links) {
      await tx.execute(sql`update ${ident(link.table)} set ${ident(link.column)} = ${ours.id}::uuid where ${ident(link.column)} = ${conv.id}::uuid`);
    }
    await tx.execute(
      sql`update conversations s set
            last_message_at = greatest(s.last_message_at, m.last_message_at),
            last_inbound_at = greatest(s.last_inbound_at, m.last_inbound_at),
            last_message_preview = case when m.last_message_at > s.last_message_at then m.last_message_preview else s.last_message_preview end,
            unread_count = s.unread_count + m.unread_count, updated_at = now()
          from conversations m where s.id = ${ours.id}::uuid and m.id = ${conv.id}::uuid`,
    );
    await tx.execute(sql`delete from conversations where id = ${conv.id}::uuid`);
  }
  return theirs.length;
}

/** Re-points other modules' rows from the merged contact to the survivor. */
async function moveLinks(tx: Db, survivorId: string, mergedId: string): Promise<void> {
  for (const link of await findLinks(tx)) {
    if (link.references !== 'contacts' || link.table === 'contacts' || link.table === 'conversations' || OWN_TABLES.has(link.table)) continue;
    await tx.execute(sql`update ${ident(link.table)} set ${ident(link.column)} = ${survivorId}::uuid where ${ident(link.column)} = ${mergedId}::uuid`);
  }
}

function snapshot(c: ContactRow): Record<string, unknown> {
  const { searchName: _s, organizationId: _o, ...rest } = c;
  return { ...rest, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(), lastSeenAt: c.lastSeenAt?.toISOString() ?? null };
}

const maxDate = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));
