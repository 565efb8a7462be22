import { and, asc, desc, eq, inArray, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Db } from '../../db/client.ts';
import { contactFields, contactGroupMembers, contactGroups, contacts, organizations } from '../../db/schema/index.ts';
import { decodeCursor, encodeCursor } from '../../shared/pagination.ts';
import { type ContactFilter, contactFilterSql } from './contact-filter.ts';
import type { FieldDef } from './custom-field-values.ts';
import { toRegion } from './phone.ts';

/** A stored contact. */
export type ContactRow = typeof contacts.$inferSelect;
/** A stored custom field definition. */
export type FieldRow = typeof contactFields.$inferSelect;

/** Sort orders of contact lists. */
export const CONTACT_SORTS = ['-createdAt', 'createdAt', 'name', '-name', '-lastSeenAt'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

/** The organization's custom field definitions in form order. */
export async function loadFieldDefs(db: Db, organizationId: string): Promise<FieldRow[]> {
  return db
    .select()
    .from(contactFields)
    .where(eq(contactFields.organizationId, organizationId))
    .orderBy(asc(contactFields.position), asc(contactFields.sortOrder), asc(contactFields.id));
}

/** Narrows field rows to what value validation needs. */
export const asFieldDefs = (rows: FieldRow[]): FieldDef[] =>
  rows.map((r) => ({ key: r.key, label: r.label, component: r.component, inputType: r.inputType, options: r.options, required: r.required }));

/** The organization's country as the default region for phone numbers. */
export async function orgRegion(db: Db, organizationId: string): Promise<CountryCode | undefined> {
  const [row] = await db.select({ country: organizations.country }).from(organizations).where(eq(organizations.id, organizationId));
  return toRegion(row?.country);
}

/** One (not erased) contact of the organization. */
export async function findContact(db: Db, organizationId: string, id: string, options: { lock?: boolean } = {}): Promise<ContactRow | undefined> {
  const q = db
    .select()
    .from(contacts)
    .where(and(eq(contacts.organizationId, organizationId), eq(contacts.id, id), sql`${contacts.erasedAt} is null`));
  const [row] = options.lock ? await q.for('update') : await q;
  return row;
}

/** Groups (id, name) of each contact, for presenting a page of contacts. */
export async function groupsOfContacts(db: Db, organizationId: string, contactIds: string[]): Promise<Map<string, { id: string; name: string }[]>> {
  const out = new Map<string, { id: string; name: string }[]>();
  if (contactIds.length === 0) return out;
  const rows = await db
    .select({ contactId: contactGroupMembers.contactId, id: contactGroups.id, name: contactGroups.name })
    .from(contactGroupMembers)
    .innerJoin(contactGroups, eq(contactGroups.id, contactGroupMembers.groupId))
    .where(and(eq(contactGroupMembers.organizationId, organizationId), inArray(contactGroupMembers.contactId, contactIds)))
    .orderBy(asc(contactGroups.name));
  for (const r of rows) {
    const list = out.get(r.contactId) ?? [];
    list.push({ id: r.id, name: r.name });
    out.set(r.contactId, list);
  }
  return out;
}

/** The contacts holding a phone or an e-mail (case-insensitive) in the organization. */
export async function findByIdentity(db: Db, organizationId: string, phone: string | null, email: string | null) {
  const byPhone = phone
    ? (await db.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.organizationId, organizationId), eq(contacts.phone, phone))))[0]
    : undefined;
  const byEmail = email
    ? (
        await db
          .select({ id: contacts.id })
          .from(contacts)
          .where(and(eq(contacts.organizationId, organizationId), sql`lower(${contacts.email}) = lower(${email})`))
      )[0]
    : undefined;
  return { byPhone: byPhone?.id, byEmail: byEmail?.id };
}

interface SortSpec {
  order: SQL[];
  key: (row: ContactRow & { sortKey: string | null }) => (string | number)[];
  after: (cursor: (string | number)[]) => SQL;
  select: SQL;
}

const nameExpr = sql`(${contacts.searchName} collate "C")`;

function sortSpec(sort: ContactSort): SortSpec {
  const id = contacts.id;
  switch (sort) {
    case 'createdAt':
      return { order: [sql`${id} asc`], select: sql`null`, key: (r) => [r.id], after: ([c]) => sql`${id} > ${String(c)}` };
    case 'name':
    case '-name': {
      const dir = sort === 'name' ? sql`asc` : sql`desc`;
      const cmp = sort === 'name' ? sql`>` : sql`<`;
      return {
        order: [sql`${nameExpr} ${dir}`, sql`${id} ${dir}`],
        select: sql`${contacts.searchName}`,
        key: (r) => [r.sortKey ?? '', r.id],
        after: ([n, c]) => sql`(${nameExpr}, ${id}) ${cmp} (${String(n)} collate "C", ${String(c)}::uuid)`,
      };
    }
    case '-lastSeenAt':
      // Only the contacts seen at least once (contacts_org_last_seen_idx, partial); listContactRows
      // continues with the never-seen ones, newest first.
      return {
        order: [sql`${contacts.lastSeenAt} desc nulls last`, sql`${id} desc nulls last`],
        select: sql`${contacts.lastSeenAt}::text`,
        key: (r) => [r.sortKey ?? '', r.id],
        after: ([t, c]) => sql`(${contacts.lastSeenAt}, ${id}) < (${String(t)}::timestamptz, ${String(c)}::uuid)`,
      };
    default:
      return { order: [sql`${id} desc`], select: sql`null`, key: (r) => [r.id], after: ([c]) => sql`${id} < ${String(c)}` };
  }
}

/** A group as listed with a contact. */
export interface ContactGroupRef {
  id: string;
  name: string;
}

/** The contact's groups (by name) as a JSON array, computed only for the rows of the page (qualified: the select list names columns bare). */
const groupsJson = sql<ContactGroupRef[]>`(
  select coalesce(json_agg(json_build_object('id', g.id, 'name', g.name) order by g.name), '[]'::json)
  from contact_group_members m join contact_groups g on g.id = m.group_id
  where m.contact_id = contacts.id and m.organization_id = contacts.organization_id)`;

/**
 * A page of contacts matching a filter, in a sort order, after a cursor (keyset pagination), each with
 * its groups: one query (two at the seen/never-seen boundary of the "last seen" sort).
 */
export async function listContactRows(
  db: Db,
  organizationId: string,
  filter: ContactFilter,
  options: { region?: CountryCode; sort: ContactSort; cursor?: string; limit: number },
): Promise<{ items: (ContactRow & { groups: ContactGroupRef[] })[]; nextCursor: string | null }> {
  const spec = sortSpec(options.sort);
  const arity = spec.key({ id: '', sortKey: '' } as ContactRow & { sortKey: string }).length;
  const after = decodeCursor(options.cursor, arity);
  const where = contactFilterSql(organizationId, filter, options.region);
  const want = options.limit + 1;
  let rows: { contact: ContactRow; sortKey: string | null; groups: ContactGroupRef[] }[] = [];
  const lastSeen = options.sort === '-lastSeenAt';
  // "Last seen" pages through the seen contacts first, then (cursor time '') the never-seen ones.
  if (!lastSeen || !after || after[0] !== '') {
    rows = await db
      .select({ contact: contacts, sortKey: sql<string | null>`${spec.select}`, groups: groupsJson })
      .from(contacts)
      .where(and(where, lastSeen ? isNotNull(contacts.lastSeenAt) : undefined, after ? spec.after(after) : undefined))
      .orderBy(...spec.order)
      .limit(want);
  }
  if (lastSeen && rows.length < want) {
    const before = after?.[0] === '' ? sql`${contacts.id} < ${String(after[1])}::uuid` : undefined;
    const never = await db
      .select({ contact: contacts, sortKey: sql<string | null>`null`, groups: groupsJson })
      .from(contacts)
      .where(and(where, isNull(contacts.lastSeenAt), before))
      .orderBy(desc(contacts.id))
      .limit(want - rows.length);
    rows = [...rows, ...never];
  }
  const hasMore = rows.length > options.limit;
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ ...r.contact, groups: typeof r.groups === 'string' ? (JSON.parse(r.groups) as ContactGroupRef[]) : r.groups })),
    nextCursor: hasMore && last ? encodeCursor(spec.key({ ...last.contact, sortKey: last.sortKey })) : null,
  };
}

/** How many contacts match a filter. */
export async function countContacts(db: Db, organizationId: string, filter: ContactFilter, region?: CountryCode): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(contacts).where(contactFilterSql(organizationId, filter, region));
  return row?.n ?? 0;
}
