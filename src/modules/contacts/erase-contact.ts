import { eq, type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { contactGroupMembers, contacts } from '../../db/schema/index.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { contactNotFound } from './contacts.errors.ts';
import { type ContactRow, findContact } from './contacts.repository.ts';
import { findLinks, ident, type Link, tableExists, tablesWithColumn, textColumns } from './data-links.ts';

/** What an erasure removed (counts only: the audit log must not hold personal data). */
export interface ErasureSummary {
  conversations: number;
  messages: number;
  files: number;
}

const REPLACEMENT = '[erased]';
const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** The strings that identify a person: names, phone (E.164 and digits), WhatsApp id, e-mail. */
function identifiers(c: Pick<ContactRow, 'firstName' | 'lastName' | 'phone' | 'waId' | 'email'>): { strong: string[]; all: string[] } {
  const full = `${c.firstName} ${c.lastName}`.trim();
  const strong = [c.phone, c.phone?.replace(/\D/g, ''), c.waId, c.email, full.includes(' ') && full.length >= 5 ? full : null];
  const all = [...strong, c.firstName, c.lastName];
  const clean = (list: (string | null | undefined)[]) => [...new Set(list.filter((s): s is string => !!s && s.trim().length >= 3))];
  return { strong: clean(strong), all: clean(all) };
}

const pattern = (ids: string[]) => ids.map(regexEscape).join('|');

/** Replaces identifiers in every text/JSON column of the rows of `table` matching `where`, one statement. */
async function scrub(tx: Db, table: string, columns: { column: string; json: boolean }[], where: SQL, ids: string[]): Promise<void> {
  if (ids.length === 0 || columns.length === 0) return;
  const p = pattern(ids);
  const sets = columns.map(({ column, json }) =>
    json
      ? sql`${ident(column)} = case when ${ident(column)}::text ~* ${p} then regexp_replace(${ident(column)}::text, ${p}, ${REPLACEMENT}, 'gi')::${sql.raw(
          'jsonb',
        )} else ${ident(column)} end`
      : sql`${ident(column)} = case when ${ident(column)} ~* ${p} then regexp_replace(${ident(column)}, ${p}, ${REPLACEMENT}, 'gi') else ${ident(column)} end`,
  );
  const any = sql.join(
    columns.map(({ column }) => sql`${ident(column)}::text ~* ${p}`),
    sql` or `,
  );
  await tx.execute(sql`update ${ident(table)} set ${sql.join(sets, sql`, `)} where (${where}) and (${any})`);
}

/**
 * Erases a contact's personal data everywhere while keeping the rows that statistics count: the
 * contact row stays (anonymized) with its conversations and messages, whose bodies, payloads and
 * media are removed. Identifiers (names, phone, WhatsApp id, e-mail) are also scrubbed from every
 * text and JSON column of rows linked to the contact (found through the catalog, so other modules'
 * tables are covered), from the organization's other tables (audit log, import reports…) and from
 * queued jobs. Stored files are deleted once the transaction has committed. Audited, without
 * personal data.
 */
export async function eraseContact(deps: Deps, organizationId: string, contactId: string, actor: AuditActor): Promise<ErasureSummary> {
  const fileKeys: string[] = [];
  const summary = await deps.database.db.transaction(async (tx) => {
    const contact = await findContact(tx, organizationId, contactId, { lock: true });
    if (!contact) throw contactNotFound();
    const merged = await rowsOf<{ snapshot: Partial<Pick<ContactRow, 'firstName' | 'lastName' | 'phone' | 'waId' | 'email'>> }>(
      tx,
      sql`select merged_snapshot as snapshot from contact_merges where survivor_id = ${contactId}::uuid`,
    );
    const snapshots = merged.map(({ snapshot: s }) => ({
      firstName: s.firstName ?? '',
      lastName: s.lastName ?? '',
      phone: s.phone ?? null,
      waId: s.waId ?? null,
      email: s.email ?? null,
    }));
    const ids = [contact, ...snapshots].map(identifiers);
    const all = [...new Set(ids.flatMap((i) => i.all))];
    const strong = [...new Set(ids.flatMap((i) => i.strong))];
    const links = await findLinks(tx);
    const columns = await textColumns(tx);

    const hasConversations = await tableExists(tx, 'conversations');
    const conversationIds = hasConversations
      ? (await rowsOf<{ id: string }>(tx, sql`select id from conversations where contact_id = ${contactId}::uuid and organization_id = ${organizationId}::uuid`)).map((r) => r.id)
      : [];
    const convList = sql`(select jsonb_array_elements_text(${JSON.stringify(conversationIds)}::jsonb)::uuid)`;
    let messages = 0;
    let files = 0;
    if (conversationIds.length && (await tableExists(tx, 'files'))) {
      const rows = await rowsOf<{ storage_key: string }>(tx, sql`delete from files where conversation_id in ${convList} returning storage_key`);
      fileKeys.push(...rows.map((r) => r.storage_key));
      files = rows.length;
    }
    if (conversationIds.length && (await tableExists(tx, 'messages'))) {
      const rows = await rowsOf<{ n: number }>(
        tx,
        sql`with u as (update messages set body = null, payload = '{}'::jsonb where conversation_id in ${convList} returning 1) select count(*)::int as n from u`,
      );
      messages = rows[0]?.n ?? 0;
      await tx.execute(sql`update conversations set last_message_preview = null where id in ${convList}`);
    }

    // Rows linked to the contact, its conversations or their messages, in any module's table.
    const whereOf = (link: Link): SQL =>
      link.references === 'contacts'
        ? sql`${ident(link.column)} = ${contactId}::uuid`
        : link.references === 'conversations'
          ? sql`${ident(link.column)} in ${convList}`
          : sql`${ident(link.column)} in (select id from messages where conversation_id in ${convList})`;
    for (const link of links) {
      if (link.table === 'contacts') continue;
      if (link.references !== 'contacts' && conversationIds.length === 0) continue;
      await scrub(tx, link.table, columns.get(link.table) ?? [], whereOf(link), all);
    }
    await tx.delete(contactGroupMembers).where(eq(contactGroupMembers.contactId, contactId));
    await tx.execute(sql`update contact_merges set merged_snapshot = '{}'::jsonb where survivor_id = ${contactId}::uuid`);
    if (strong.length) {
      const p = pattern(strong);
      await tx.execute(sql`delete from contact_import_errors where organization_id = ${organizationId}::uuid and cells::text ~* ${p}`);
      // Raw channel webhooks quote whole messages: the ones from or about this person go.
      if (await tableExists(tx, 'webhook_events')) {
        await tx.execute(sql`delete from webhook_events where organization_id = ${organizationId}::uuid and body ~* ${p}`);
      }
      // Anything else of the organization that quotes the person (audit entries, outboxes, raw events…).
      for (const table of await tablesWithColumn(tx, 'organization_id')) {
        if (table === 'contacts') continue;
        await scrub(tx, table, columns.get(table) ?? [], sql`organization_id = ${organizationId}::uuid`, strong);
      }
      await tx.execute(
        sql`update jobs set payload = regexp_replace(payload::text, ${p}, ${REPLACEMENT}, 'gi')::jsonb,
              state = (case when state = 'queued' then 'cancelled' else state end)::job_state, updated_at = now()
            where payload::text ~* ${p}`,
      );
    }
    if (contact.photoKey) fileKeys.push(contact.photoKey);
    await tx
      .update(contacts)
      .set({
        firstName: '',
        lastName: '',
        phone: null,
        waId: null,
        email: null,
        photoKey: null,
        street: null,
        city: null,
        state: null,
        postalCode: null,
        country: null,
        notes: '',
        customFields: {},
        erasedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(contacts.id, contactId));
    const result = { conversations: conversationIds.length, messages, files };
    await recordAudit(tx, { organizationId, actor, action: 'contact.erased', targetType: 'contact', targetId: contactId, data: { ...result } });
    return result;
  });
  for (const key of fileKeys) await deps.storage.delete(key).catch((err) => deps.logger.warn({ err }, 'could not delete an erased contact\'s file'));
  return summary;
}
