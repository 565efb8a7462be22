import { eq } from 'drizzle-orm';
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

/** Loads the organization's inbox settings (defaults filled in). */
export async function loadInboxSettings(db: Db, organizationId: string): Promise<InboxSettings> {
  const [row] = await db
    .select({ settings: organizations.settings, locale: organizations.locale })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  const settings = normalizeSettings(row?.settings);
  return { tickets: settings.tickets, notifications: settings.notifications, locale: resolveLocale(row?.locale) };
}

/** The language to answer a request in: the signed-in person's, else the organization's. */
export async function requestLocale(db: Db, organizationId: string, sessionLocale: string | null | undefined): Promise<Locale> {
  if (sessionLocale) return resolveLocale(sessionLocale);
  const [row] = await db.select({ locale: organizations.locale }).from(organizations).where(eq(organizations.id, organizationId));
  return resolveLocale(row?.locale);
}
