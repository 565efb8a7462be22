import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { TemplateDefinitionComponent } from '../../adapters/whatsapp-cloud/types.ts';
import { channels } from './channels.ts';
import { createdAt, idColumn, updatedAt } from './columns.ts';
import { contacts } from './contacts.ts';
import { conversations, messages } from './inbox.ts';
import { organizations } from './organizations.ts';
import { messageTemplates } from './templates.ts';

// Owned by the campaigns module (src/modules/campaigns).

/** draft → scheduled → sending → finished, or paused / cancelled on the way. */
export const campaignStatusEnum = pgEnum('campaign_status', ['draft', 'scheduled', 'sending', 'paused', 'finished', 'cancelled']);

/**
 * Where one recipient stands. `pending` waits for a send batch; `sending` is claimed by one (its
 * message exists, the WhatsApp answer may be in flight); then the delivery states of its latest
 * message (they only move forward), `failed` (with Meta's code), `skipped` (nothing was sent: a
 * value was missing) or `cancelled` (the campaign was cancelled first).
 */
export const campaignRecipientStatusEnum = pgEnum('campaign_recipient_status', [
  'pending',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'cancelled',
]);

/** Who a campaign goes to. */
export type CampaignAudience =
  | { kind: 'all' }
  | { kind: 'groups'; groupIds: string[] }
  | {
      kind: 'filter';
      filter: {
        q?: string;
        groupIds?: string[];
        fields?: Record<string, string | number>;
        source?: 'whatsapp' | 'webchat' | 'import' | 'api' | 'assistant';
      };
    };

/** Where the value of one template parameter comes from. */
export type CampaignVariableSource =
  | { source: 'field'; field: 'firstName' | 'lastName' | 'fullName' | 'phone' | 'email' | 'street' | 'city' | 'state' | 'postalCode' | 'country'; fallback?: string }
  | { source: 'custom'; key: string; fallback?: string }
  | { source: 'text'; value: string }
  | { source: 'media'; link: string; filename?: string };

/** The template as it was when the campaign was created (what "preview as sent" shows). */
export interface CampaignTemplateSnapshot {
  name: string;
  language: string;
  category: 'marketing' | 'utility' | 'authentication';
  parameterFormat: 'positional' | 'named';
  components: TemplateDefinitionComponent[];
}

/** Totals of a campaign's recipients, refreshed while it is active (lists read these). */
export interface CampaignStats {
  total: number;
  pending: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  cancelled: number;
  replied: number;
  retrying: number;
}

/**
 * A bulk send of one approved template to an audience. The template is copied into the campaign
 * (`template`) when it is created, so later edits of the template do not change what this campaign
 * sends or shows.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: idColumn(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    templateId: uuid().references(() => messageTemplates.id, { onDelete: 'set null' }),
    template: jsonb().$type<CampaignTemplateSnapshot>().notNull(),
    name: text().notNull(),
    status: campaignStatusEnum().notNull().default('draft'),
    audience: jsonb().$type<CampaignAudience>().notNull(),
    /** Parameter key (`body.1`, `header.media`, `button.0`…) → where its value comes from. */
    variables: jsonb().$type<Record<string, CampaignVariableSource>>().notNull().default({}),
    scheduledAt: timestamp({ withTimezone: true }),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    pausedAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    /** Why the campaign paused by itself: a code (Meta's error code or ours) and Meta's words. */
    pauseReasonCode: text(),
    pauseReasonDetail: text(),
    /** When the recipients were written (once; re-running the start changes nothing). */
    materializedAt: timestamp({ withTimezone: true }),
    excludedNoConsent: integer().notNull().default(0),
    excludedNoPhone: integer().notNull().default(0),
    /** Send batches handed out so far (batch numbers are unique per campaign). */
    batchSeq: integer().notNull().default(0),
    stats: jsonb().$type<CampaignStats | Record<string, never>>().notNull().default({}),
    statsRefreshedAt: timestamp({ withTimezone: true }),
    createdByLabel: text().notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('campaigns_org_created_idx').on(t.organizationId, t.createdAt, t.id),
    index('campaigns_status_idx').on(t.status, t.scheduledAt),
    index('campaigns_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

/**
 * One contact of a campaign: written once when the campaign starts (unique per campaign and contact,
 * so a restarted or resumed campaign never adds anyone twice). Every attempt sends a new message in
 * the contact's conversation (idempotency key `campaign:<recipient>:<attempt>`); `messageId` is the latest.
 */
export const campaignRecipients = pgTable(
  'campaign_recipients',
  {
    id: idColumn(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    campaignId: uuid()
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    /** The number messaged (E.164), copied when the recipient was written. */
    phone: text().notNull(),
    /** The send batch that owns the recipient while it is pending or sending. */
    batch: integer().notNull().default(0),
    status: campaignRecipientStatusEnum().notNull().default('pending'),
    /** Meta's error code (or ours, e.g. `variable_missing`) of the latest failure. */
    errorCode: text(),
    errorTitle: text(),
    attempts: integer().notNull().default(0),
    messageId: uuid().references(() => messages.id, { onDelete: 'set null' }),
    conversationId: uuid().references(() => conversations.id, { onDelete: 'set null' }),
    firstAttemptAt: timestamp({ withTimezone: true }),
    /** When the next automatic resend is due (only for retryable failures). */
    nextAttemptAt: timestamp({ withTimezone: true }),
    sentAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    readAt: timestamp({ withTimezone: true }),
    failedAt: timestamp({ withTimezone: true }),
    repliedAt: timestamp({ withTimezone: true }),
    /** Set once the failure is final (no resend left); then the contact may be moved to the failed group. */
    finalizedAt: timestamp({ withTimezone: true }),
    movedToGroupAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('campaign_recipients_campaign_contact_idx').on(t.campaignId, t.contactId),
    index('campaign_recipients_campaign_batch_idx').on(t.campaignId, t.batch),
    index('campaign_recipients_campaign_status_idx').on(t.campaignId, t.status, t.id),
    // Unique (a message is sent for one recipient): the planner then knows each of a batch's message ids
    // matches one row. As a plain index, before the table's first ANALYZE it guessed hundreds per id and
    // recorded every batch's sends with a sequential scan of all campaigns' recipients.
    uniqueIndex('campaign_recipients_message_idx').on(t.messageId),
    index('campaign_recipients_conversation_idx').on(t.conversationId, t.sentAt),
    index('campaign_recipients_resend_idx').on(t.nextAttemptAt).where(sql`next_attempt_at is not null`),
    index('campaign_recipients_unfinalized_idx').on(t.campaignId).where(sql`status = 'failed' and finalized_at is null`),
    index('campaign_recipients_to_move_idx').on(t.finalizedAt).where(sql`status = 'failed' and moved_to_group_at is null`),
  ],
);

/** A campaign row. */
export type CampaignRow = typeof campaigns.$inferSelect;
/** A campaign recipient row. */
export type CampaignRecipientRow = typeof campaignRecipients.$inferSelect;
