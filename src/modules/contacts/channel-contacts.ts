import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { contacts } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { type ContactRow, findByIdentity as findByPhoneOrEmail, orgRegion } from './contacts.repository.ts';
import { normalizePhone } from './phone.ts';

/** Who a channel says wrote: a phone (typed or E.164) and/or a WhatsApp id, maybe a profile name. */
export interface ChannelPerson {
  phone?: string | null;
  waId?: string | null;
  name?: string | null;
  source: 'whatsapp' | 'webchat' | 'api' | 'assistant';
  /** Record the time as the contact's last activity (default true). */
  seen?: boolean;
}

/**
 * The E.164 forms a WhatsApp id can stand for. WhatsApp reports some numbers differently from how
 * people write them: Brazilian mobiles may come without the ninth digit (55 11 8765-4321 for
 * +55 11 9 8765-4321) and Mexican mobiles with the old "1" after the country code (521…).
 */
export function whatsappPhoneVariants(waId: string): string[] {
  const digits = waId.replace(/\D/g, '');
  const out = [`+${digits}`];
  if (/^55\d{10}$/.test(digits) && /^[6-9]/.test(digits.slice(4))) out.push(`+${digits.slice(0, 4)}9${digits.slice(4)}`);
  if (/^55\d{11}$/.test(digits) && digits[4] === '9') out.push(`+${digits.slice(0, 4)}${digits.slice(5)}`);
  if (/^521\d{10}$/.test(digits)) out.push(`+52${digits.slice(3)}`);
  if (/^52\d{10}$/.test(digits)) out.push(`+521${digits.slice(2)}`);
  return out;
}

/** Splits a profile name: "Ana Souza Lima" → first "Ana", last "Souza Lima". */
function splitName(name: string | null | undefined): { firstName: string; lastName: string } {
  const clean = (name ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  const space = clean.indexOf(' ');
  return space === -1 ? { firstName: clean, lastName: '' } : { firstName: clean.slice(0, space), lastName: clean.slice(space + 1) };
}

/**
 * Finds the contact behind a phone or WhatsApp id in the caller's transaction, creating it on first
 * contact. Matching uses the WhatsApp id and every E.164 form it can stand for (so a contact imported
 * by phone is the same person when they first write); the phone is normalized with the
 * organization's country. A profile name only fills an empty name (names edited by the team win),
 * and the WhatsApp id is recorded when missing. Safe under concurrency: a transaction-scoped advisory
 * lock on the identity serializes two first messages from the same person.
 */
export async function findOrCreateContactByPhone(tx: Db, organizationId: string, who: ChannelPerson): Promise<{ contact: ContactRow; created: boolean }> {
  const waId = who.waId?.replace(/\D/g, '') || null;
  let phone: string | null = null;
  if (who.phone) {
    const p = normalizePhone(who.phone, await orgRegion(tx, organizationId));
    if (p.ok) phone = p.e164;
  }
  const candidates = [...new Set([...(phone ? [phone] : []), ...(waId ? whatsappPhoneVariants(waId) : [])])];
  if (!phone && waId) {
    const valid = normalizePhone(`+${waId}`);
    phone = valid.ok ? valid.e164 : null;
  }
  if (!waId && candidates.length === 0) throw new Error('findOrCreateContactByPhone needs a phone or a WhatsApp id');
  await rowsOf(tx, sql`select pg_advisory_xact_lock(hashtextextended(${contactLockKey(organizationId, (waId ?? phone)!)}, 0))`);
  const now = new Date();
  const [existing] = await tx
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.organizationId, organizationId),
        sql`${contacts.erasedAt} is null`,
        or(waId ? eq(contacts.waId, waId) : undefined, candidates.length ? inArray(contacts.phone, candidates) : undefined),
      ),
    )
    .orderBy(sql`${contacts.waId} = ${waId ?? ''} desc`)
    .limit(1);
  if (existing) {
    const named = existing.firstName !== '' || existing.lastName !== '';
    const [updated] = await tx
      .update(contacts)
      .set({
        ...(who.seen === false ? {} : { lastSeenAt: now }),
        ...(existing.waId || !waId ? {} : { waId }),
        ...(named || !who.name ? {} : splitName(who.name)),
        updatedAt: now,
      })
      .where(eq(contacts.id, existing.id))
      .returning();
    return { contact: updated!, created: false };
  }
  const id = newId();
  const [inserted] = await tx
    .insert(contacts)
    .values({ id, organizationId, ...splitName(who.name), phone, waId, source: who.source, lastSeenAt: who.seen === false ? null : now })
    .onConflictDoNothing()
    .returning();
  if (inserted) return { contact: inserted, created: true };
  // The phone was taken between the lookup and the insert by a writer outside the lock (an import).
  const [taken] = await tx.select().from(contacts).where(and(eq(contacts.organizationId, organizationId), eq(contacts.phone, phone ?? '')));
  if (!taken) throw new Error('contact insert conflicted but no contact holds the phone');
  return { contact: taken, created: false };
}

/**
 * The contacts holding a phone (typed in any format; normalized with the organization's country) or
 * an e-mail (case-insensitive): `{ byPhone, byEmail }` ids, each undefined when nobody has it.
 */
export async function findByIdentity(db: Db, organizationId: string, phone: string | null, email: string | null) {
  let e164: string | null = null;
  if (phone) {
    const p = normalizePhone(phone, await orgRegion(db, organizationId));
    e164 = p.ok ? p.e164 : null;
  }
  return findByPhoneOrEmail(db, organizationId, e164, email?.trim() || null);
}

/** One WhatsApp user who wrote, for {@link findOrCreateContactsByWaId}. */
export interface WhatsappWriter {
  waId: string;
  name?: string | null;
}

/**
 * {@link findOrCreateContactByPhone} for many WhatsApp users at once (the inbox's batched ingest):
 * the same matching (WhatsApp id first, then every E.164 form it can stand for), the same updates (last
 * seen; the WhatsApp id and profile name only fill what is empty) and the same advisory locks — which
 * the caller must already hold, taken in sorted order with its other locks ({@link contactLockKey}).
 * A fixed number of statements whatever the count. Returns the contact id per (digits-only) WhatsApp id.
 */
export async function findOrCreateContactsByWaId(tx: Db, organizationId: string, writers: WhatsappWriter[]): Promise<Map<string, { id: string; created: boolean }>> {
  const byWaId = new Map<string, WhatsappWriter>();
  for (const w of writers) {
    const waId = w.waId.replace(/\D/g, '');
    if (waId && !byWaId.has(waId)) byWaId.set(waId, { waId, name: w.name });
  }
  const out = new Map<string, { id: string; created: boolean }>();
  if (byWaId.size === 0) return out;
  const waIds = [...byWaId.keys()];
  const variants = new Map(waIds.map((waId) => [waId, whatsappPhoneVariants(waId)]));
  const phones = [...new Set([...variants.values()].flat())];
  const found = await tx
    .select({ id: contacts.id, waId: contacts.waId, phone: contacts.phone, firstName: contacts.firstName, lastName: contacts.lastName })
    .from(contacts)
    .where(and(eq(contacts.organizationId, organizationId), sql`${contacts.erasedAt} is null`, or(inArray(contacts.waId, waIds), inArray(contacts.phone, phones))));
  const withWaId = new Map(found.filter((c) => c.waId).map((c) => [c.waId!, c]));
  const withPhone = new Map(found.filter((c) => c.phone).map((c) => [c.phone!, c]));

  const updates: { id: string; wa_id: string | null; first_name: string | null; last_name: string | null }[] = [];
  const missing: WhatsappWriter[] = [];
  const updated = new Set<string>();
  for (const [waId, writer] of byWaId) {
    const existing = withWaId.get(waId) ?? variants.get(waId)!.map((p) => withPhone.get(p)).find(Boolean);
    if (!existing) {
      missing.push(writer);
      continue;
    }
    out.set(waId, { id: existing.id, created: false });
    if (updated.has(existing.id)) continue;
    updated.add(existing.id);
    const named = existing.firstName !== '' || existing.lastName !== '';
    const name = named || !writer.name ? null : splitName(writer.name);
    updates.push({ id: existing.id, wa_id: existing.waId ? null : waId, first_name: name?.firstName ?? null, last_name: name?.lastName ?? null });
  }
  if (updates.length) {
    await tx.execute(sql`update contacts c set last_seen_at = now(), updated_at = now(),
                           wa_id = coalesce(r.wa_id, c.wa_id),
                           first_name = coalesce(r.first_name, c.first_name), last_name = coalesce(r.last_name, c.last_name)
                         from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as r(id uuid, wa_id text, first_name text, last_name text)
                         where c.id = r.id`);
  }
  if (missing.length) {
    const rows = missing.map((w) => {
      const valid = normalizePhone(`+${w.waId}`);
      return { id: newId(), wa_id: w.waId, phone: valid.ok ? valid.e164 : null, ...splitName(w.name) };
    });
    const inserted = await rowsOf<{ id: string; wa_id: string }>(
      tx,
      sql`insert into contacts (id, organization_id, first_name, last_name, phone, wa_id, source, last_seen_at)
          select r.id, ${organizationId}, r."firstName", r."lastName", r.phone, r.wa_id, 'whatsapp', now()
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, wa_id text, phone text, "firstName" text, "lastName" text)
          on conflict do nothing
          returning id, wa_id`,
    );
    for (const r of inserted) out.set(r.wa_id, { id: r.id, created: true });
    // A phone taken between the lookup and the insert by a writer outside the locks (an import): that contact.
    for (const r of rows.filter((row) => !out.has(row.wa_id))) {
      const [taken] = r.phone ? await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.organizationId, organizationId), eq(contacts.phone, r.phone))) : [];
      if (!taken) throw new Error('contact insert conflicted but no contact holds the phone');
      out.set(r.wa_id, { id: taken.id, created: false });
    }
  }
  return out;
}

/** The advisory-lock key serializing first messages from the same person (shared by the single and batched paths). */
export function contactLockKey(organizationId: string, identity: string): string {
  return `contact:${organizationId}:${identity}`;
}
