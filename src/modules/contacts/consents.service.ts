import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { contactConsents, contacts } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { resolveLocale } from '../../shared/i18n.ts';
import type { Principal } from '../identity/policy.ts';
import { getOrganization } from '../organizations/organizations.service.ts';
import { contactNotFound } from './contacts.errors.ts';
import { tContacts } from './contacts.i18n.ts';
import { findContact } from './contacts.repository.ts';
import { normalizeHeader } from './imports/header-matching.ts';

/** Consent purposes. */
export type ConsentPurpose = 'marketing' | 'service';
/** How a decision was collected. */
export type ConsentSource = 'channel' | 'message' | 'import' | 'agent' | 'api';

/** One decision to record in the ledger. */
export interface ConsentDecision {
  purpose: ConsentPurpose;
  status: 'granted' | 'revoked';
  source: ConsentSource;
  /** The wording shown to the person (or what they wrote). */
  textShown?: string;
  messageId?: string | null;
  occurredAt?: Date;
  actor?: Principal | null;
}

/** A ledger entry as stored. */
export type ConsentRow = typeof contactConsents.$inferSelect;

/**
 * Appends a decision to the consent ledger and makes it the contact's current state for that purpose,
 * in the caller's transaction. The ledger is append-only: it is the proof LGPD/GDPR asks for.
 */
export async function recordConsent(tx: Db, organizationId: string, contactId: string, d: ConsentDecision): Promise<ConsentRow> {
  const actor = d.actor ?? null;
  const [row] = await tx
    .insert(contactConsents)
    .values({
      id: newId(),
      organizationId,
      contactId,
      purpose: d.purpose,
      status: d.status,
      source: d.source,
      textShown: d.textShown ?? '',
      messageId: d.messageId ?? null,
      actorUserId: actor?.kind === 'user' ? actor.userId : null,
      actorApiKeyId: actor?.kind === 'apiKey' ? actor.apiKeyId : null,
      actorLabel: actor?.label ?? '',
      occurredAt: d.occurredAt ?? new Date(),
    })
    .returning();
  const column = d.purpose === 'marketing' ? { marketingConsent: d.status } : { serviceConsent: d.status };
  await tx
    .update(contacts)
    .set({ ...column, updatedAt: new Date() })
    .where(and(eq(contacts.id, contactId), eq(contacts.organizationId, organizationId)));
  return row!;
}

/** A contact's consent history, newest first (404 when the contact is not in the organization). */
export async function listConsents(db: Db, organizationId: string, contactId: string): Promise<ConsentRow[]> {
  if (!(await findContact(db, organizationId, contactId))) throw contactNotFound();
  return db
    .select()
    .from(contactConsents)
    .where(and(eq(contactConsents.organizationId, organizationId), eq(contactConsents.contactId, contactId)))
    .orderBy(desc(contactConsents.occurredAt), desc(contactConsents.id));
}

/** Grants or revokes a consent through the API or the dashboard (source `agent` for people, `api` for keys). */
export async function changeConsent(
  db: Db,
  principal: Principal,
  contactId: string,
  input: { purpose: ConsentPurpose; status: 'granted' | 'revoked'; textShown?: string; source?: 'channel' | 'message' | 'agent' | 'api' },
): Promise<ConsentRow> {
  return db.transaction(async (tx) => {
    if (!(await findContact(tx, principal.organizationId, contactId, { lock: true }))) throw contactNotFound();
    return recordConsent(tx, principal.organizationId, contactId, {
      ...input,
      source: input.source ?? (principal.kind === 'user' ? 'agent' : 'api'),
      actor: principal,
    });
  });
}

/** Compares texts ignoring case, accents, punctuation and surrounding spaces ("¡Baja!" = "BAJA"). */
const keywordForm = (text: string) => normalizeHeader(text);

/**
 * Called by the inbox on every inbound text: when the whole message is one of the organization's
 * opt-out keywords (STOP, PARAR, SAIR, BAJA… — `settings.contacts.optOutKeywords`), the contact's
 * marketing consent is revoked in the caller's transaction, with the message as the proof. Returns
 * whether it matched (the inbox may then confirm to the person). A contact already opted out gets
 * no second ledger entry.
 */
export async function applyOptOutKeywords(
  tx: Db,
  organizationId: string,
  contactId: string,
  text: string,
  source: ConsentSource,
  options: { messageId?: string | null } = {},
): Promise<{ matched: boolean; keyword?: string }> {
  const form = keywordForm(text);
  if (!form || form.length > 40) return { matched: false };
  const org = await getOrganization(tx, organizationId);
  const keyword = org.settings.contacts.optOutKeywords.find((k) => keywordForm(k) === form);
  if (!keyword) return { matched: false };
  const [contact] = await tx
    .select({ marketingConsent: contacts.marketingConsent })
    .from(contacts)
    .where(and(eq(contacts.id, contactId), eq(contacts.organizationId, organizationId)))
    .for('update');
  if (!contact) return { matched: false };
  if (contact.marketingConsent !== 'revoked') {
    await recordConsent(tx, organizationId, contactId, {
      purpose: 'marketing',
      status: 'revoked',
      source,
      textShown: `${tContacts(resolveLocale(org.locale), 'optOut.text', { keyword })}\n${text.trim().slice(0, 500)}`,
      messageId: options.messageId ?? null,
    });
  }
  return { matched: true, keyword };
}
