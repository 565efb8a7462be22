import { sql } from 'drizzle-orm';
import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { TemplateDefinitionComponent } from '../../adapters/whatsapp-cloud/types.ts';
import { channels } from './channels.ts';
import { createdAt, idColumn, updatedAt } from './columns.ts';
import { organizations } from './organizations.ts';

// Owned by the templates module (src/modules/templates).

/** Meta's template categories. */
export const templateCategoryEnum = pgEnum('template_category', ['marketing', 'utility', 'authentication']);
/** `{{1}}`-style or `{{first_name}}`-style variables (Meta's `parameter_format`). */
export const templateParameterFormatEnum = pgEnum('template_parameter_format', ['positional', 'named']);
/**
 * Meta's review status of a template. `pending` after submission (and after every edit); only
 * `approved` templates can be sent. Meta's FLAGGED / REINSTATED events change `quality`, not the status.
 */
export const templateStatusEnum = pgEnum('template_status', [
  'pending',
  'approved',
  'rejected',
  'paused',
  'disabled',
  'in_appeal',
  'pending_deletion',
  'archived',
  'limit_exceeded',
  'locked',
]);

/**
 * A WhatsApp message template of a channel's business account. `components` are stored exactly in
 * Meta's wire format (what was submitted, or what a sync read), so a template created in Meta's
 * manager round-trips unchanged; components Charla does not model (carousels, flows…) are kept in
 * `unsupportedComponents` and make the template read-only here.
 */
export const messageTemplates = pgTable(
  'message_templates',
  {
    id: idColumn(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** Meta's language code: `es`, `pt_BR`, `en_US`… */
    language: text().notNull(),
    category: templateCategoryEnum().notNull(),
    parameterFormat: templateParameterFormatEnum().notNull().default('positional'),
    status: templateStatusEnum().notNull().default('pending'),
    /** Meta's reason code for a rejection, pause or disable (e.g. `INVALID_FORMAT`, `PROMOTIONAL`). */
    statusReason: text(),
    /** Meta's explanation or recommendation, as sent. */
    statusDetail: text(),
    components: jsonb().$type<TemplateDefinitionComponent[]>().notNull().default([]),
    unsupportedComponents: jsonb().$type<unknown[]>().notNull().default([]),
    /** The template's id at Meta (`hsm_id`). */
    metaTemplateId: text(),
    /** Meta's quality signal: `high`, `medium`, `low`; null until Meta says. */
    quality: text(),
    /** When an approved template was edited (Meta allows 1 edit per 24 h and 10 per 30 days). */
    editHistory: jsonb().$type<string[]>().notNull().default([]),
    submittedAt: timestamp({ withTimezone: true }),
    statusChangedAt: timestamp({ withTimezone: true }),
    lastSyncedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('message_templates_channel_name_lang_idx').on(t.channelId, t.name, t.language),
    uniqueIndex('message_templates_channel_meta_id_idx').on(t.channelId, t.metaTemplateId),
    index('message_templates_org_updated_idx').on(t.organizationId, t.updatedAt, t.id),
    index('message_templates_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

/** A template row. */
export type MessageTemplateRow = typeof messageTemplates.$inferSelect;
