import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { listConsents } from './consents.service.ts';
import { loadFieldDefs } from './contacts.repository.ts';
import { presentContact } from './contacts.schemas.ts';
import { getContact } from './contacts.service.ts';
import { findLinks, ident, tableExists } from './data-links.ts';

const MESSAGE_PAGE = 1000;
const SKIP_RELATED = new Set(['contacts', 'conversations', 'messages', 'contact_consents', 'contact_group_members', 'contact_merges']);

/**
 * Everything the organization holds about a contact, as JSON text produced piece by piece (a contact
 * with years of messages does not have to fit in memory): profile with labelled custom fields, groups,
 * consent ledger, merge records, every conversation with all its messages, and the rows other modules
 * attach to the contact, its conversations or its messages (tool calls, campaign sends…), found
 * through the database catalog. For data subject access and portability requests.
 */
export async function* exportContactData(db: Db, organizationId: string, contactId: string): AsyncGenerator<string> {
  const contact = await getContact(db, organizationId, contactId);
  const fields = await loadFieldDefs(db, organizationId);
  const consents = await listConsents(db, organizationId, contactId);
  const merges = await rowsOf(db, sql`select merged_contact_id, merged_snapshot, conversations_moved, actor_label, created_at from contact_merges where survivor_id = ${contactId}::uuid order by created_at`);
  const hasConversations = await tableExists(db, 'conversations');
  const conversations = hasConversations
    ? await rowsOf<Record<string, unknown> & { id: string }>(
        db,
        sql`select * from conversations where contact_id = ${contactId}::uuid and organization_id = ${organizationId}::uuid order by created_at`,
      )
    : [];
  const convList = sql`(select jsonb_array_elements_text(${JSON.stringify(conversations.map((c) => c.id))}::jsonb)::uuid)`;
  const related: Record<string, unknown[]> = {};
  for (const link of await findLinks(db)) {
    if (SKIP_RELATED.has(link.table)) continue;
    if (link.references !== 'contacts' && conversations.length === 0) continue;
    const where =
      link.references === 'contacts'
        ? sql`${ident(link.column)} = ${contactId}::uuid`
        : link.references === 'conversations'
          ? sql`${ident(link.column)} in ${convList}`
          : sql`${ident(link.column)} in (select id from messages where conversation_id in ${convList})`;
    const rows = await rowsOf(db, sql`select * from ${ident(link.table)} where ${where}`);
    if (rows.length) related[link.table] = [...(related[link.table] ?? []), ...rows];
  }

  const head = {
    exportedAt: new Date().toISOString(),
    contact: presentContact(contact),
    customFields: fields
      .filter((f) => contact.customFields[f.key] !== undefined)
      .map((f) => ({ key: f.key, label: f.label, value: contact.customFields[f.key] })),
    groups: contact.groups,
    consents: consents.map((c) => ({ purpose: c.purpose, status: c.status, source: c.source, textShown: c.textShown, actor: c.actorLabel, at: c.occurredAt })),
    merges,
    related,
  };
  const open = JSON.stringify(head);
  yield `${open.slice(0, -1)},"conversations":[`;
  for (const [i, conv] of conversations.entries()) {
    yield `${i ? ',' : ''}${JSON.stringify(conv).slice(0, -1)},"messages":[`;
    let after = '00000000-0000-0000-0000-000000000000';
    let first = true;
    for (;;) {
      const page = await rowsOf<Record<string, unknown> & { id: string }>(
        db,
        sql`select * from messages where conversation_id = ${conv.id}::uuid and id > ${after}::uuid order by id limit ${MESSAGE_PAGE}`,
      );
      if (page.length === 0) break;
      yield `${first ? '' : ','}${page.map((m) => JSON.stringify(m)).join(',')}`;
      first = false;
      after = page.at(-1)!.id;
    }
    yield ']}';
  }
  yield ']}';
}
