import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { channels } from './channels.ts';
import { createdAt, idColumn, updatedAt } from './columns.ts';
import { contacts } from './contacts.ts';
import { memberships } from './identity.ts';
import { organizations } from './organizations.ts';

export const conversationStatusEnum = pgEnum('conversation_status', ['unassigned', 'open', 'closed']);
export const messageDirectionEnum = pgEnum('message_direction', ['in', 'out']);
/** Inbound messages are `received` (then `read` once an agent saw them); outbound ones go queued → sent → delivered → read → played, or failed. */
export const messageStatusEnum = pgEnum('message_status', ['received', 'queued', 'sent', 'delivered', 'read', 'played', 'failed']);
export const messageAuthorEnum = pgEnum('message_author', ['contact', 'member', 'assistant', 'system']);

/**
 * A conversation (ticket) between the organization and one contact on one channel. A closed
 * conversation is reopened by the contact's next message, so there is one row per contact and channel.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    channelId: uuid().notNull().references(() => channels.id, { onDelete: 'cascade' }),
    contactId: uuid().notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    status: conversationStatusEnum().notNull().default('unassigned'),
    /** The membership working it; kept when closed so a reopened chat can go back to the same agent. */
    assigneeId: uuid().references(() => memberships.id, { onDelete: 'set null' }),
    /** Whether the AI assistant may answer in this conversation. */
    aiEnabled: boolean().notNull().default(true),
    lastMessageAt: timestamp({ withTimezone: true }),
    /** The contact's last message: the 24-hour customer-service window runs from here. */
    lastInboundAt: timestamp({ withTimezone: true }),
    lastMessagePreview: text(),
    /** Inbound messages not yet seen by the team. */
    unreadCount: integer().notNull().default(0),
    closedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('conversations_channel_contact_idx').on(t.channelId, t.contactId),
    index('conversations_org_status_idx').on(t.organizationId, t.status, t.lastMessageAt),
    index('conversations_org_assignee_idx').on(t.organizationId, t.assigneeId),
    index('conversations_contact_idx').on(t.contactId),
  ],
);

/** A stored file: an upload to send, or media a contact sent (downloaded from the provider). */
export const files = pgTable(
  'files',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    /** Key in the file storage (`<org>/<yyyy>/<mm>/<id>`). */
    storageKey: text().notNull(),
    mimeType: text().notNull(),
    size: bigint({ mode: 'number' }).notNull(),
    /** Hex SHA-256 of the bytes. */
    sha256: text().notNull(),
    filename: text(),
    source: text().notNull(),
    /** Set when the file belongs to a conversation (then only those who see it may download it). */
    conversationId: uuid().references(() => conversations.id, { onDelete: 'cascade' }),
    uploadedByMembershipId: uuid().references(() => memberships.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('files_org_idx').on(t.organizationId, t.createdAt)],
);

/**
 * A message in a conversation: inbound from the contact, outbound from a member, the assistant or the
 * system, or a private note (never sent). Inbound messages are unique per channel on the provider's id;
 * outbound ones per organization on our idempotency key. Status only moves forward (see apply-status).
 */
export const messages = pgTable(
  'messages',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: uuid().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    channelId: uuid().notNull().references(() => channels.id, { onDelete: 'cascade' }),
    direction: messageDirectionEnum().notNull(),
    /** text, image, audio, video, document, sticker, location, contacts, interactive, button, reaction, template, order, system, unsupported… */
    type: text().notNull(),
    /** The readable text: body, caption, selected option, template preview. */
    body: text(),
    /** Type-specific content (media info, buttons, template parameters, location…). */
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    fileId: uuid().references(() => files.id, { onDelete: 'set null' }),
    isPrivate: boolean().notNull().default(false),
    authorType: messageAuthorEnum().notNull(),
    authorMembershipId: uuid().references(() => memberships.id, { onDelete: 'set null' }),
    providerMessageId: text(),
    idempotencyKey: text(),
    status: messageStatusEnum().notNull(),
    errorCode: text(),
    errorTitle: text(),
    replyToMessageId: uuid(),
    sentAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    readAt: timestamp({ withTimezone: true }),
    failedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('messages_provider_id_idx').on(t.channelId, t.providerMessageId),
    uniqueIndex('messages_idempotency_idx').on(t.organizationId, t.idempotencyKey),
    index('messages_conversation_idx').on(t.conversationId, t.createdAt, t.id),
    // No index may name `status` (not even in a partial index's predicate): then the updates a status
    // webhook makes (delivered, read) change no indexed column and are HOT — with the free space the
    // table's fillfactor keeps (migration 0016) — instead of a new entry in every index per status.
  ],
);

/**
 * Where round-robin assignment stands per organization: the membership that got the last conversation.
 * Its row lock serializes concurrent assignments in one organization.
 */
export const assignmentCursors = pgTable('assignment_cursors', {
  organizationId: uuid()
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  lastMembershipId: uuid(),
  updatedAt: updatedAt(),
});

/**
 * Status webhooks that arrived before their message's provider id was recorded (Meta can report
 * `sent` before its HTTP answer reaches us). Applied when the id is recorded; pruned after a week.
 */
export const pendingStatuses = pgTable(
  'pending_statuses',
  {
    channelId: uuid().notNull().references(() => channels.id, { onDelete: 'cascade' }),
    providerMessageId: text().notNull(),
    status: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    errorCode: text(),
    errorTitle: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.providerMessageId, t.status] }), index('pending_statuses_received_idx').on(t.receivedAt)],
);

/** A conversation row. */
export type Conversation = typeof conversations.$inferSelect;
/** A message row. */
export type Message = typeof messages.$inferSelect;
/** A stored file row. */
export type StoredFile = typeof files.$inferSelect;
