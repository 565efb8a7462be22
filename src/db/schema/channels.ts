import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from './columns.ts';
import { contacts } from './contacts.ts';
import { organizations } from './organizations.ts';

export const channelTypeEnum = pgEnum('channel_type', ['whatsapp', 'webchat']);
export const channelStatusEnum = pgEnum('channel_status', ['active', 'disabled']);

/** Non-secret settings of a WhatsApp Cloud API number. */
export interface WhatsAppChannelConfig {
  wabaId: string;
  appId: string | null;
  graphApiUrl: string;
  graphApiVersion: string;
  /** From the last successful connection check. */
  displayPhoneNumber?: string | null;
  verifiedName?: string | null;
  qualityRating?: string | null;
}

/** How the web chat widget looks and what it asks before the chat starts. */
export interface WebchatSettings {
  title: string;
  greeting: string;
  primaryColor: string;
  position: 'right' | 'left';
  locale: 'auto' | 'es' | 'pt-BR' | 'en';
  preChatForm: { enabled: boolean; nameRequired: boolean; emailRequired: boolean };
  /** Origins (`https://shop.example`) allowed to embed the widget; empty allows any origin. */
  allowedOrigins: string[];
}

/**
 * A connected channel: a WhatsApp Cloud API number or a web chat widget. Secrets (access token, app
 * secret) live encrypted in `credentials` (AES-GCM bound to the organization id) and are never
 * returned; `credentialHints` keeps what the API may show (set or not, last four characters).
 * Deleting a channel soft-deletes it so its conversations keep their history.
 */
export const channels = pgTable(
  'channels',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    type: channelTypeEnum().notNull(),
    name: text().notNull(),
    status: channelStatusEnum().notNull().default('active'),
    /** Web chat: the public id in the widget's script URL. */
    publicId: text(),
    /** WhatsApp: the phone number id webhooks are routed by. */
    phoneNumberId: text(),
    config: jsonb().$type<WhatsAppChannelConfig | Record<string, never>>().notNull().default({}),
    /** Encrypted JSON `{ accessToken, appSecret }` (SecretBox, context = organization id). */
    credentials: text(),
    credentialHints: jsonb().$type<Record<string, { isSet: boolean; last4: string | null }>>().notNull().default({}),
    /** The token Meta echoes in the webhook verification handshake. */
    verifyToken: text(),
    /** Messages per second allowed on this number (Meta: 80 by default, up to 1,000). */
    throughputMps: integer().notNull().default(80),
    settings: jsonb().$type<WebchatSettings | Record<string, never>>().notNull().default({}),
    webhookVerifiedAt: timestamp({ withTimezone: true }),
    lastWebhookAt: timestamp({ withTimezone: true }),
    lastCheckAt: timestamp({ withTimezone: true }),
    lastCheckOk: boolean(),
    lastCheckMessage: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('channels_org_idx').on(t.organizationId, t.createdAt),
    uniqueIndex('channels_public_id_idx').on(t.publicId),
    uniqueIndex('channels_org_phone_number_idx').on(t.organizationId, t.phoneNumberId).where(sql`deleted_at is null`),
    check('channels_throughput_check', sql`${t.throughputMps} between 1 and 1000`),
  ],
);

/**
 * Webhook deliveries exactly as received (after the signature check), stored before answering 200.
 * Identical retries from Meta hash the same and collapse into one row (`receivedCount` counts them);
 * processing happens in a job that marks `processedAt`. Pruned after the provider's retry window.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    channelId: uuid().notNull().references(() => channels.id, { onDelete: 'cascade' }),
    bodySha256: text().notNull(),
    /**
     * The exact bytes, kept while there is work to do with them. A delivery of statuses only, applied in
     * the transaction that stored it, keeps just its hash (which still dedupes Meta's retries): what it
     * said is on the messages it moved, and the recipient's number is not held a second time.
     */
    body: text(),
    receivedCount: integer().notNull().default(1),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp({ withTimezone: true }),
    /** Notes from processing: parts for another number, malformed parts, out-of-band errors. */
    notes: jsonb().$type<string[]>(),
  },
  (t) => [
    uniqueIndex('webhook_events_dedupe_idx').on(t.channelId, t.bodySha256),
    index('webhook_events_received_idx').on(t.receivedAt),
    // Deliveries still to be processed: few at any time (most are processed in the transaction that
    // stores them), found without reading the day's processed ones (in-doubt sends wait for them).
    index('webhook_events_unprocessed_idx').on(t.channelId, t.receivedAt).where(sql`processed_at is null`),
    check('webhook_events_body_check', sql`body is not null or processed_at is not null`),
  ],
);

/** A web chat visitor: the browser behind a signed visitor token, linked to a contact. */
export const webchatVisitors = pgTable(
  'webchat_visitors',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    channelId: uuid().notNull().references(() => channels.id, { onDelete: 'cascade' }),
    contactId: uuid().notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    name: text(),
    email: text(),
    userAgent: text(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [index('webchat_visitors_channel_idx').on(t.channelId, t.createdAt), index('webchat_visitors_contact_idx').on(t.contactId)],
);

/** A channel row. */
export type Channel = typeof channels.$inferSelect;
