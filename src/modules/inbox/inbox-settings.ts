import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '../../jobs/pg-queue.ts';
import type { Db } from '../../db/client.ts';
import { organizations } from '../../db/schema/index.ts';
import { type Locale, resolveLocale } from '../../shared/i18n.ts';
import { normalizeSettings, type OrgSettings } from '../organizations/settings.ts';

/** What the inbox reads from the organization: ticket rules, notification sound and language. */
export interface InboxSettings {
  tickets: OrgSettings['tickets'];
  notifications: OrgSettings['notifications'];
  locale: Locale;
}

/**
 * Loads the organization's inbox settings (defaults filled in). With `lockKey` (inside a transaction)
 * the same statement first takes that transaction-level advisory lock, saving a round trip.
 */
export async function loadInboxSettings(db: Db, organizationId: string, lockKey?: string): Promise<InboxSettings> {
  const [row] = lockKey
    ? await rowsOf<{ settings: unknown; locale: string | null }>(
        db,
        sql`select pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))::text as locked,
                   o.settings, o.locale
            from (select 1) as one left join organizations o on o.id = ${organizationId}`,
      )
    : await db.select({ settings: organizations.settings, locale: organizations.locale }).from(organizations).where(eq(organizations.id, organizationId));
  const settings = normalizeSettings(row?.settings);
  return { tickets: settings.tickets, notifications: settings.notifications, locale: resolveLocale(row?.locale) };
}

/** The language to answer a request in: the signed-in person's, else the organization's. */
export async function requestLocale(db: Db, organizationId: string, sessionLocale: string | null | undefined): Promise<Locale> {
  if (sessionLocale) return resolveLocale(sessionLocale);
  const [row] = await db.select({ locale: organizations.locale }).from(organizations).where(eq(organizations.id, organizationId));
  return resolveLocale(row?.locale);
}
