import { and, asc, gt, isNotNull, ne, or, isNull, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { contacts } from '../../db/schema/index.ts';
import { type ContactFilter, contactFilterSql } from './contact-filter.ts';
import { orgRegion } from './contacts.repository.ts';

/**
 * Who a campaign (or any bulk send) reaches: members of any of `groupIds` (all contacts when absent)
 * narrowed by a filter, honouring marketing consent. `granted` is the LGPD/GDPR-safe default: only
 * contacts who said yes; `not_revoked` also includes contacts never asked (for service messages);
 * `any` ignores consent (to count how many an audience excludes).
 */
export interface Audience {
  groupIds?: string[];
  filter?: Omit<ContactFilter, 'groupIds' | 'marketingConsent'>;
  consent?: 'granted' | 'not_revoked' | 'any';
  /** Only contacts that can be messaged on WhatsApp (default true). */
  requirePhone?: boolean;
}

/** A contact as a sender needs it: address and the values templates may use. */
export interface AudienceContact {
  id: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  waId: string | null;
  email: string | null;
  customFields: Record<string, string | number>;
}

/** The SQL condition on `contacts` of an audience (campaigns materialize recipients with it in one INSERT … SELECT). */
export async function audienceWhere(db: Db, organizationId: string, audience: Audience): Promise<SQL> {
  const filter: ContactFilter = { ...audience.filter, groupIds: audience.groupIds?.length ? audience.groupIds : undefined };
  const region = filter.q ? await orgRegion(db, organizationId) : undefined;
  const wanted = audience.consent ?? 'granted';
  const consent =
    wanted === 'any'
      ? undefined
      : wanted === 'granted'
        ? eq(contacts.marketingConsent, 'granted')
        : or(isNull(contacts.marketingConsent), ne(contacts.marketingConsent, 'revoked'));
  return and(
    contactFilterSql(organizationId, filter, region),
    consent,
    audience.requirePhone === false ? undefined : or(isNotNull(contacts.phone), isNotNull(contacts.waId)),
  )!;
}

/** How many contacts an audience reaches now. */
export async function countAudience(db: Db, organizationId: string, audience: Audience): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(contacts).where(await audienceWhere(db, organizationId, audience));
  return row?.n ?? 0;
}

/**
 * The audience's contacts in pages (keyset on id, so a campaign fan-out can checkpoint the last id
 * and resume after a crash without sending twice).
 */
export async function audiencePage(
  db: Db,
  organizationId: string,
  audience: Audience,
  page: { afterId?: string; limit: number },
): Promise<AudienceContact[]> {
  const where = await audienceWhere(db, organizationId, audience);
  return db
    .select({
      id: contacts.id,
      firstName: contacts.firstName,
      lastName: contacts.lastName,
      phone: contacts.phone,
      waId: contacts.waId,
      email: contacts.email,
      customFields: contacts.customFields,
    })
    .from(contacts)
    .where(and(where, page.afterId ? gt(contacts.id, page.afterId) : undefined))
    .orderBy(asc(contacts.id))
    .limit(page.limit);
}

/** Every page of an audience, one after another. */
export async function* audienceContacts(db: Db, organizationId: string, audience: Audience, pageSize = 1000): AsyncGenerator<AudienceContact[]> {
  let afterId: string | undefined;
  for (;;) {
    const page = await audiencePage(db, organizationId, audience, { afterId, limit: pageSize });
    if (page.length === 0) return;
    yield page;
    afterId = page.at(-1)!.id;
    if (page.length < pageSize) return;
  }
}

/** Whether a contact may receive marketing now (current consent granted). */
export async function hasMarketingConsent(db: Db, organizationId: string, contactId: string): Promise<boolean> {
  const [row] = await db
    .select({ c: contacts.marketingConsent })
    .from(contacts)
    .where(and(eq(contacts.organizationId, organizationId), eq(contacts.id, contactId), isNull(contacts.erasedAt)));
  return row?.c === 'granted';
}
