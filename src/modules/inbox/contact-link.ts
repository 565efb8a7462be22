import type { Db } from '../../db/client.ts';
import { contacts } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { findOrCreateContactByPhone } from '../contacts/index.ts';

/** Who wrote: a WhatsApp user (by wa_id) or a web chat visitor (a new contact of their own). */
export type ChannelIdentity =
  | { waId: string; name?: string; phone?: string }
  | { webchatVisitorId: string; name?: string; email?: string };

/**
 * Finds the contact behind an inbound message, creating it on first contact. WhatsApp users go
 * through the contacts module (matched on their wa_id and every E.164 form it can stand for, so a
 * contact imported by phone is the same person; team-edited names win; serialized by an advisory
 * lock). Web chat visitors always get a contact of their own: matching them by the e-mail they typed
 * would let anyone read another person's conversation.
 */
export async function findOrCreateContactForChannel(tx: Db, organizationId: string, who: ChannelIdentity): Promise<{ id: string; created: boolean }> {
  const now = new Date();
  if ('webchatVisitorId' in who) {
    const { firstName, lastName } = splitName(who.name);
    const id = newId();
    const values = { id, organizationId, firstName, lastName, email: who.email ?? null, source: 'webchat' as const, lastSeenAt: now };
    // E-mails are unique per organization: when another contact has it, this one keeps it on the visitor only.
    const [inserted] = await tx.insert(contacts).values(values).onConflictDoNothing().returning({ id: contacts.id });
    if (!inserted) await tx.insert(contacts).values({ ...values, email: null });
    return { id, created: true };
  }
  const { contact, created } = await findOrCreateContactByPhone(tx, organizationId, { waId: who.waId, phone: who.phone ?? null, name: who.name ?? null, source: 'whatsapp' });
  return { id: contact.id, created };
}

/** Splits a profile name into first and last name ("Ana Souza Lima" → "Ana", "Souza Lima"). */
export function splitName(name: string | undefined): { firstName: string; lastName: string } {
  const clean = (name ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  if (!clean) return { firstName: '', lastName: '' };
  const space = clean.indexOf(' ');
  return space === -1 ? { firstName: clean, lastName: '' } : { firstName: clean.slice(0, space), lastName: clean.slice(space + 1) };
}

/** A contact's display name, falling back to its phone or e-mail. */
export function contactDisplayName(c: { firstName: string; lastName: string; phone: string | null; email: string | null }): string {
  const name = `${c.firstName} ${c.lastName}`.trim();
  return name || c.phone || c.email || '';
}
