import { and, eq, inArray, sql } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { contactGroupMembers, contactGroups, contacts } from '../../db/schema/index.ts';
import { type FieldIssue, pgErrorCode } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import type { ContactFilter } from './contact-filter.ts';
import { contactNotFound, emailTaken, invalidContact, phoneTaken } from './contacts.errors.ts';
import {
  asFieldDefs,
  type ContactRow,
  type ContactSort,
  findByIdentity,
  findContact,
  groupsOfContacts,
  listContactRows,
  loadFieldDefs,
  orgRegion,
} from './contacts.repository.ts';
import { mergeCustomFields } from './custom-field-values.ts';
import { normalizeEmail } from './email.ts';
import { normalizePhone, type PhoneProblem, toRegion } from './phone.ts';
import { getOrganization } from '../organizations/organizations.service.ts';
import { tableExists } from './data-links.ts';

/** The postal address of a contact. */
export interface ContactAddress {
  street?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
}

/** What the API and the dashboard send to create or change a contact (absent = unchanged, null = cleared). */
export interface ContactInput {
  firstName?: string;
  lastName?: string;
  phone?: string | null;
  email?: string | null;
  address?: ContactAddress;
  notes?: string;
  customFields?: Record<string, string | number | null>;
  /** Replaces the contact's groups. */
  groupIds?: string[];
}

/** A contact with its groups, as the API presents it. */
export type ContactView = ContactRow & { groups: { id: string; name: string }[] };

const PHONE_MESSAGES: Record<PhoneProblem, string> = {
  phone_has_letters: 'A phone number cannot contain letters',
  phone_too_short: 'The phone number is too short',
  phone_too_long: 'The phone number is too long',
  phone_needs_country_code: 'Add the country code (e.g. +34): the organization has no country set',
  phone_invalid: 'Not a valid phone number',
};

/** Loads a contact with its groups (404 when missing, erased or in another organization). */
export async function getContact(db: Db, organizationId: string, id: string): Promise<ContactView> {
  const row = await findContact(db, organizationId, id);
  if (!row) throw contactNotFound();
  const groups = await groupsOfContacts(db, organizationId, [id]);
  return { ...row, groups: groups.get(id) ?? [] };
}

/** A page of contacts with their groups. */
export async function listContacts(
  db: Db,
  organizationId: string,
  filter: ContactFilter,
  page: { sort: ContactSort; cursor?: string; limit: number },
): Promise<{ items: ContactView[]; nextCursor: string | null }> {
  // The organization as cached for requests (kept coherent across processes): a search costs one query.
  const region = filter.q ? toRegion((await getOrganization(db, organizationId)).country) : undefined;
  return listContactRows(db, organizationId, filter, { ...page, region });
}

/** Creates a contact from the API or the dashboard; required custom fields are enforced. */
export async function createContact(db: Db, organizationId: string, input: ContactInput, options: { source?: 'api' | 'assistant' } = {}): Promise<ContactView> {
  const id = await db.transaction(async (tx) => {
    const values = await validateInput(tx, organizationId, input, null);
    const id = newId();
    await insertOrConflict(tx, organizationId, () =>
      tx.insert(contacts).values({ id, organizationId, source: options.source ?? 'api', ...values.columns }),
    values);
    if (input.groupIds) await replaceGroups(tx, organizationId, id, input.groupIds);
    return id;
  });
  return getContact(db, organizationId, id);
}

/** Changes a contact (partial); required custom fields must be filled in the result. */
export async function updateContact(db: Db, organizationId: string, id: string, input: ContactInput): Promise<ContactView> {
  await db.transaction(async (tx) => {
    const current = await findContact(tx, organizationId, id, { lock: true });
    if (!current) throw contactNotFound();
    const values = await validateInput(tx, organizationId, input, current);
    await insertOrConflict(tx, organizationId, () =>
      tx.update(contacts).set({ ...values.columns, updatedAt: new Date() }).where(eq(contacts.id, id)),
    values, id);
    if (input.groupIds) await replaceGroups(tx, organizationId, id, input.groupIds);
  });
  return getContact(db, organizationId, id);
}

/**
 * Deletes a contact with its conversations, messages, consent history and stored media (use erasure to
 * keep statistics). Audited.
 */
export async function deleteContact(deps: Pick<Deps, 'database' | 'storage'>, organizationId: string, id: string, actor: AuditActor): Promise<void> {
  const keys = await deps.database.db.transaction(async (tx) => {
    const row = await findContact(tx, organizationId, id, { lock: true });
    if (!row) throw contactNotFound();
    // The status applier locks a message, then its campaign recipient; the cascade below would take the
    // recipients first, then the messages, and the two could deadlock. Locking the messages first keeps
    // one order: a status arriving now waits for the delete (and then finds nothing to update).
    await tx.execute(sql`select 1 from messages where conversation_id in (select id from conversations where contact_id = ${id}::uuid) order by id for update`);
    const files = (await tableExists(tx, 'files'))
      ? await rowsOf<{ storage_key: string }>(
          tx,
          sql`delete from files where conversation_id in (select id from conversations where contact_id = ${id}::uuid) returning storage_key`,
        )
      : [];
    await tx.delete(contacts).where(eq(contacts.id, id));
    await recordAudit(tx, { organizationId, actor, action: 'contact.deleted', targetType: 'contact', targetId: id });
    return [...files.map((f) => f.storage_key), ...(row.photoKey ? [row.photoKey] : [])];
  });
  for (const key of keys) await deps.storage.delete(key);
}

interface ValidatedInput {
  columns: Partial<typeof contacts.$inferInsert>;
  phone: string | null | undefined;
  email: string | null | undefined;
}

async function validateInput(tx: Db, organizationId: string, input: ContactInput, current: ContactRow | null): Promise<ValidatedInput> {
  const region: CountryCode | undefined = await orgRegion(tx, organizationId);
  const defs = asFieldDefs(await loadFieldDefs(tx, organizationId));
  const issues: FieldIssue[] = [];
  const columns: Partial<typeof contacts.$inferInsert> = {};
  if (input.firstName !== undefined) columns.firstName = input.firstName.trim();
  if (input.lastName !== undefined) columns.lastName = input.lastName.trim();
  let phone: string | null | undefined;
  if (input.phone !== undefined) {
    if (input.phone === null || input.phone.trim() === '') phone = null;
    else {
      const p = normalizePhone(input.phone, region);
      if (p.ok) phone = p.e164;
      else issues.push({ path: 'phone', message: PHONE_MESSAGES[p.reason] });
    }
    columns.phone = phone;
  }
  let email: string | null | undefined;
  if (input.email !== undefined) {
    if (input.email === null || input.email.trim() === '') email = null;
    else {
      const e = normalizeEmail(input.email);
      if (e.ok) email = e.email;
      else issues.push({ path: 'email', message: 'Enter a valid e-mail address' });
    }
    columns.email = email;
  }
  if (input.address) {
    for (const k of ['street', 'city', 'state', 'postalCode', 'country'] as const) {
      if (input.address[k] !== undefined) columns[k] = input.address[k]?.trim() || null;
    }
  }
  if (input.notes !== undefined) columns.notes = input.notes;
  const merged = mergeCustomFields(defs, current?.customFields ?? {}, input.customFields, { enforceRequired: true });
  issues.push(...merged.issues);
  columns.customFields = merged.values;
  const final = { ...current, ...columns };
  if (!final.firstName && !final.lastName && !final.phone && !final.email) {
    issues.push({ path: 'firstName', message: 'Enter at least a name, a phone or an e-mail' });
  }
  if (input.groupIds?.length) {
    const found = await tx
      .select({ id: contactGroups.id })
      .from(contactGroups)
      .where(and(eq(contactGroups.organizationId, organizationId), inArray(contactGroups.id, input.groupIds)));
    const known = new Set(found.map((g) => g.id));
    input.groupIds.forEach((g, i) => {
      if (!known.has(g)) issues.push({ path: `groupIds.${i}`, message: 'Unknown group' });
    });
  }
  if (issues.length) throw invalidContact(issues);
  return { columns, phone, email };
}

/** Runs a write; a phone or e-mail held by another contact becomes a 409 naming that contact. */
async function insertOrConflict(tx: Db, organizationId: string, write: () => Promise<unknown>, values: ValidatedInput, selfId?: string) {
  const taken = await findByIdentity(tx, organizationId, values.phone ?? null, values.email ?? null);
  if (taken.byPhone && taken.byPhone !== selfId) throw phoneTaken(taken.byPhone);
  if (taken.byEmail && taken.byEmail !== selfId) throw emailTaken(taken.byEmail);
  await tx.execute(sql`savepoint contact_write`);
  try {
    await write();
  } catch (err) {
    if (pgErrorCode(err) !== '23505') throw err;
    // A concurrent writer took the phone or e-mail between the check and the write.
    await tx.execute(sql`rollback to savepoint contact_write`);
    const now = await findByIdentity(tx, organizationId, values.phone ?? null, values.email ?? null);
    if (now.byPhone && now.byPhone !== selfId) throw phoneTaken(now.byPhone);
    throw emailTaken(now.byEmail ?? '');
  }
}

async function replaceGroups(tx: Db, organizationId: string, contactId: string, groupIds: string[]) {
  await tx.delete(contactGroupMembers).where(eq(contactGroupMembers.contactId, contactId));
  const unique = [...new Set(groupIds)];
  if (unique.length) {
    await tx.insert(contactGroupMembers).values(unique.map((groupId) => ({ organizationId, groupId, contactId }))).onConflictDoNothing();
  }
}
