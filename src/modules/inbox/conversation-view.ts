import { eq, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { channels, contacts, conversations, memberships, users } from '../../db/schema/index.ts';
import { contactDisplayName } from './contact-link.ts';

const iso = z.iso.datetime();
/** How long a WhatsApp customer-service window stays open after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 3600_000;

/** A conversation as the API shows it. */
export const conversationSchema = z.object({
  id: z.uuid().describe('Conversation id.'),
  status: z.enum(['unassigned', 'open', 'closed']).describe('`unassigned`: waiting for someone; `open`: assigned; `closed`: done (a new message from the contact reopens it).'),
  channel: z
    .object({
      id: z.uuid().describe('Channel id.'),
      type: z.enum(['whatsapp', 'webchat']).describe('`whatsapp` or `webchat`.'),
      name: z.string().describe('The channel\'s name.'),
    })
    .describe('The channel the conversation happens on.'),
  contact: z.object({
    id: z.uuid().describe('Contact id.'),
    name: z.string().describe('Full name, or the phone / e-mail when the contact has no name.'),
    firstName: z.string().describe('First name (may be empty).'),
    lastName: z.string().describe('Last name (may be empty).'),
    phone: z.string().nullable().describe('Phone number in E.164 format; null when unknown.'),
    email: z.string().nullable().describe('E-mail address; null when unknown.'),
    waId: z.string().nullable().describe('The contact\'s WhatsApp id; null for web chat visitors.'),
  })
  .describe('The customer.'),
  assignee: z
    .object({ membershipId: z.uuid().describe('The assigned member\'s membership id.'), name: z.string().describe('Their name.') })
    .nullable()
    .describe('The team member handling it; null when unassigned.'),
  aiEnabled: z.boolean().describe('Whether the AI assistant may answer in this conversation.'),
  unreadCount: z.number().int().describe('Messages from the contact not read by the team yet.'),
  lastMessageAt: iso.nullable().describe('Last activity (message or note); null when it has none.'),
  lastInboundAt: iso.nullable().describe("The contact's last message."),
  lastMessagePreview: z.string().nullable().describe('The start of the last message, for lists; null when it has none.'),
  window: z
    .object({
      open: z.boolean().describe('Whether free-form messages may be sent now (always true on web chat).'),
      expiresAt: iso.nullable().describe('WhatsApp: when the 24-hour customer-service window closes; after that only templates.'),
    })
    .describe('The WhatsApp customer-service window.'),
  closedAt: iso.nullable().describe('When it was closed; null unless `status` is `closed`.'),
  createdAt: iso.describe('When the conversation started.'),
  updatedAt: iso.describe('When it last changed.'),
});
/** A presented conversation. */
export type ConversationView = z.infer<typeof conversationSchema>;

const assigneeMembership = alias(memberships, 'assignee_membership');
const assigneeUser = alias(users, 'assignee_user');

/** The select that every conversation read uses (conversation, contact, channel, assignee's name). */
export function selectConversations(db: Db, where: SQL | undefined) {
  return db
    .select({
      conversation: conversations,
      contact: {
        id: contacts.id,
        firstName: contacts.firstName,
        lastName: contacts.lastName,
        phone: contacts.phone,
        email: contacts.email,
        waId: contacts.waId,
      },
      channel: { id: channels.id, type: channels.type, name: channels.name },
      assigneeName: assigneeUser.name,
      assigneeEmail: assigneeUser.email,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(assigneeMembership, eq(assigneeMembership.id, conversations.assigneeId))
    .leftJoin(assigneeUser, eq(assigneeUser.id, assigneeMembership.userId))
    .where(where);
}

/** A conversation joined with its contact, channel and assignee. */
export type ConversationRow = Awaited<ReturnType<typeof selectConversations>>[number];

/** Presents a joined conversation row. */
export function presentConversation(row: ConversationRow, now = Date.now()): ConversationView {
  const c = row.conversation;
  const whatsapp = row.channel.type === 'whatsapp';
  const expires = c.lastInboundAt ? new Date(c.lastInboundAt.getTime() + SERVICE_WINDOW_MS) : null;
  return {
    id: c.id,
    status: c.status,
    channel: row.channel,
    contact: { ...row.contact, name: contactDisplayName(row.contact) },
    assignee: c.assigneeId ? { membershipId: c.assigneeId, name: row.assigneeName || row.assigneeEmail || '' } : null,
    aiEnabled: c.aiEnabled,
    unreadCount: c.unreadCount,
    lastMessageAt: c.lastMessageAt?.toISOString() ?? null,
    lastInboundAt: c.lastInboundAt?.toISOString() ?? null,
    lastMessagePreview: c.lastMessagePreview,
    window: { open: windowIsOpen(row.channel.type, c.lastInboundAt, now), expiresAt: whatsapp ? (expires?.toISOString() ?? null) : null },
    closedAt: c.closedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Whether free-form (non-template) messages can be sent in a conversation right now. */
export function windowIsOpen(channelType: 'whatsapp' | 'webchat', lastInboundAt: Date | null, now = Date.now()): boolean {
  if (channelType !== 'whatsapp') return true;
  return lastInboundAt !== null && lastInboundAt.getTime() + SERVICE_WINDOW_MS > now;
}
