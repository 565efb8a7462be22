import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from './columns.ts';

/** Address shared by organizations and contacts. */
export interface PostalAddress {
  street?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
}

/** The tenant. Every other table with organization data references it. */
export const organizations = pgTable('organizations', {
  id: idColumn(),
  name: text().notNull(),
  timezone: text().notNull().default('UTC'),
  locale: text().notNull().default('es'),
  /** ISO 3166-1 alpha-2 country used as default region for phone numbers. */
  country: text(),
  address: jsonb().$type<PostalAddress>().notNull().default({}),
  /** Module settings (notifications, campaigns, tickets...); shape and defaults in organizations/settings.ts. */
  settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
