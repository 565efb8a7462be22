import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Channel, type Conversation, conversations, messages } from '../../db/schema/index.ts';
import type { Locale } from '../../shared/i18n.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { newId } from '../../shared/ids.ts';
import { onInboundForCampaigns } from '../campaigns/campaign-hooks.ts';
import { routeConversation } from './assignment.ts';
import { type ChannelIdentity, findOrCreateContactForChannel } from './contact-link.ts';
import { loadInboxSettings } from './inbox-settings.ts';
import { downloadMediaJob } from './jobs/download-media.job.ts';
import { presentMessage } from './message-view.ts';
import { type InboxEvent, inboxNotifications, publishInboxEvent } from './realtime.ts';

/** An inbound message from any channel, already normalized by the channel's converter. */
export interface InboundRecord {
  channel: Pick<Channel, 'id' | 'organizationId' | 'type'>;
  /** Who wrote; web chat visitors are already linked to a contact. */
  from: ChannelIdentity | { contactId: string };
  /** The provider's message id (dedupe key); null only for channels without one. */
  providerMessageId: string | null;
  occurredAt: Date;
  type: string;
  body: string | null;
  payload: Record<string, unknown>;
  /** The provider id of the message this one quotes or reacts to. */
  replyToProviderId?: string;
  /** Media to fetch from the provider into Charla's storage. */
  media?: { providerMediaId: string; mimeType: string };
}

/** Message types that are not a new thing to answer: they neither reopen a chat nor count as unread. */
export const PASSIVE_TYPES = new Set(['reaction', 'system']);

/** The outcome of recording an inbound message. */
export interface InboundResult {
  duplicate: boolean;
  messageId: string | null;
  conversationId: string | null;
}

/**
 * Records an inbound message and everything it implies, in one transaction: deduplication on the
 * provider's id (a repeated delivery changes nothing: its work is rolled back), the contact and the conversation (created, or reopened
 * following the ticket rules), the message, the 24-hour window, unread counts, a media download job
 * and the realtime events. Edits and deletions by the customer change the original message instead.
 */
export async function recordInboundMessage(deps: Pick<Deps, 'database' | 'queue'>, record: InboundRecord): Promise<InboundResult> {
  const input = withoutNul(record);
  const { channel } = input;
  try {
    return await deps.database.db.transaction((tx) => recordInTransaction(deps, tx, input));
  } catch (err) {
    if (!(err instanceof DuplicateDelivery)) throw err;
    // Everything the duplicate did was rolled back; the message recorded first is the answer.
    const seen = await findByProviderId(deps.database.db, channel.id, err.providerMessageId);
    return { duplicate: true, messageId: seen?.id ?? null, conversationId: seen?.conversationId ?? null };
  }
}

/** Thrown inside the transaction when the message turns out to be recorded already: rolls back its side effects. */
class DuplicateDelivery extends Error {
  constructor(readonly providerMessageId: string) {
    super(`message ${providerMessageId} is already recorded`);
  }
}

async function recordInTransaction(deps: Pick<Deps, 'queue'>, tx: Db, input: InboundRecord): Promise<InboundResult> {
  const { channel } = input;
  // Serializes concurrent deliveries of the same message (two webhook events carrying it); the
  // organization's settings come back with the lock (one round trip). A delivery of a message
  // already recorded is recognised by the message insert (unique on the provider id), which rolls
  // everything back before any event is published: no lookup of its own on the common path.
  const settings = await loadInboxSettings(tx, channel.organizationId, input.providerMessageId ? `msg:${channel.id}:${input.providerMessageId}` : undefined);
  if ((input.type === 'edit' || input.type === 'revoke') && input.replyToProviderId) {
    if (input.providerMessageId) {
      const seen = await findByProviderId(tx, channel.id, input.providerMessageId);
      if (seen) return { duplicate: true, messageId: seen.id, conversationId: seen.conversationId };
    }
    return reviseOriginal(tx, input, settings.locale);
  }

  const contactId = 'contactId' in input.from ? input.from.contactId : (await findOrCreateContactForChannel(tx, channel.organizationId, input.from)).id;
  const passive = PASSIVE_TYPES.has(input.type);
  const { conversation, events } = await openConversation(tx, channel, contactId, settings.tickets, passive);

  const replyTo = input.replyToProviderId ? await findByProviderId(tx, channel.id, input.replyToProviderId) : null;
  const messageId = newId();
  const [message] = await tx
    .insert(messages)
    .values({
      id: messageId,
      organizationId: channel.organizationId,
      conversationId: conversation.id,
      channelId: channel.id,
      direction: 'in',
      type: input.type,
      body: input.body,
      payload: input.media ? { ...input.payload, media: { ...input.media, state: 'pending' } } : input.payload,
      authorType: 'contact',
      providerMessageId: input.providerMessageId,
      status: 'received',
      replyToMessageId: replyTo?.id ?? null,
      createdAt: input.occurredAt,
      updatedAt: new Date(),
    })
    .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
    .returning();
  if (!message) throw new DuplicateDelivery(input.providerMessageId ?? '');

  // The events are known before the update (the conversation row is locked: its status and assignee
  // do not change here), so they are published by the update statement itself (one round trip).
  const assigneeId = conversation.assigneeId;
  const published: InboxEvent[] = [
    {
      type: 'message.created',
      organizationId: channel.organizationId,
      conversationId: conversation.id,
      assigneeId,
      messageId,
      isPrivate: false,
      data: presentMessage(message!, settings.locale),
    },
    ...events.map((type) => ({
      type,
      organizationId: channel.organizationId,
      conversationId: conversation.id,
      assigneeId,
      data: { status: conversation.status, assigneeId },
    })),
  ];
  await tx
    .update(conversations)
    .set({
      lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${input.occurredAt.toISOString()}::timestamptz)`,
      lastInboundAt: input.type === 'system' ? undefined : sql`greatest(${conversations.lastInboundAt}, ${input.occurredAt.toISOString()}::timestamptz)`,
      // A late delivery of an older message must not replace the preview of a newer one.
      lastMessagePreview: passive
        ? undefined
        : sql`case when ${conversations.lastMessageAt} is null or ${conversations.lastMessageAt} <= ${input.occurredAt.toISOString()}::timestamptz
                then ${previewOf(input.type, input.body)} else ${conversations.lastMessagePreview} end`,
      unreadCount: passive ? undefined : sql`${conversations.unreadCount} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(conversations.id, conversation.id))
    .returning({ notified: inboxNotifications(published) });

  if (input.media) {
    await deps.queue.enqueue(downloadMediaJob, { messageId }, { idempotencyKey: messageId, tx });
  }
  // A reply (or quick-reply tap) to a campaign message counts for that campaign (campaigns module).
  if (!passive) await onInboundForCampaigns(tx, { conversationId: conversation.id, replyToMessageId: replyTo?.id ?? null, occurredAt: input.occurredAt });
  return { duplicate: false, messageId, conversationId: conversation.id };
}

/**
 * The contact's conversation on this channel, locked for the transaction: created on first contact,
 * reopened when closed (unless the message is passive, like a reaction). Returns which events to emit.
 */
export async function openConversation(
  tx: Db,
  channel: InboundRecord['channel'],
  contactId: string,
  tickets: Parameters<typeof routeConversation>[2],
  passive: boolean,
): Promise<{ conversation: Conversation; events: ('conversation.updated' | 'conversation.assigned')[] }> {
  const lock = () =>
    tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.channelId, channel.id), eq(conversations.contactId, contactId)))
      .for('update');
  // An existing conversation is serialized by its row lock; only creating one needs the advisory lock
  // (there is no row to lock yet), after which it is looked up again.
  let [conversation] = await lock();
  if (!conversation) {
    await rowsOf(tx, sql`select pg_advisory_xact_lock(hashtextextended(${`conv:${channel.id}:${contactId}`}, 0))`);
    [conversation] = await lock();
  }
  if (!conversation) {
    const routing = await routeConversation(tx, channel.organizationId, tickets, { kind: 'created' });
    await tx
      .insert(conversations)
      .values({ id: newId(), organizationId: channel.organizationId, channelId: channel.id, contactId, status: routing.status, assigneeId: routing.assigneeId })
      .onConflictDoNothing();
    [conversation] = await lock();
    return { conversation: conversation!, events: conversation!.assigneeId ? ['conversation.updated', 'conversation.assigned'] : ['conversation.updated'] };
  }
  if (conversation.status !== 'closed' || passive) return { conversation, events: [] };
  const routing = await routeConversation(tx, channel.organizationId, tickets, { kind: 'reopened', previousAssigneeId: conversation.assigneeId });
  const [reopened] = await tx
    .update(conversations)
    .set({ status: routing.status, assigneeId: routing.assigneeId, closedAt: null, updatedAt: new Date() })
    .where(eq(conversations.id, conversation.id))
    .returning();
  const reassigned = routing.assigneeId !== conversation.assigneeId && routing.assigneeId !== null;
  return { conversation: reopened!, events: reassigned ? ['conversation.updated', 'conversation.assigned'] : ['conversation.updated'] };
}

/** Applies a customer's edit or deletion to the message it refers to (idempotent). */
async function reviseOriginal(tx: Db, input: InboundRecord, locale: Locale): Promise<InboundResult> {
  const original = await findByProviderId(tx, input.channel.id, input.replyToProviderId!);
  if (!original) return { duplicate: false, messageId: null, conversationId: null };
  const now = new Date();
  const payload =
    input.type === 'revoke'
      ? { ...original.payload, revokedAt: input.occurredAt.toISOString() }
      : { ...original.payload, editedAt: input.occurredAt.toISOString() };
  const [row] = await tx
    .update(messages)
    .set({ body: input.type === 'revoke' ? null : input.body, payload, updatedAt: now })
    .where(eq(messages.id, original.id))
    .returning();
  const [conversation] = await tx.select({ assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, original.conversationId));
  await publishInboxEvent(tx, {
    type: 'message.status',
    organizationId: input.channel.organizationId,
    conversationId: original.conversationId,
    assigneeId: conversation?.assigneeId ?? null,
    messageId: original.id,
    isPrivate: false,
    data: presentMessage(row!, locale),
  });
  return { duplicate: false, messageId: original.id, conversationId: original.conversationId };
}

async function findByProviderId(tx: Db, channelId: string, providerMessageId: string) {
  const [row] = await tx
    .select({ id: messages.id, conversationId: messages.conversationId, payload: messages.payload })
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.providerMessageId, providerMessageId)));
  return row ?? null;
}

/** The one-line preview of a message shown in the conversation list. */
export function previewOf(type: string, body: string | null): string {
  const text = (body ?? '').replace(/\s+/g, ' ').trim();
  if (text) return text.slice(0, 160);
  return `[${type}]`;
}

/** PostgreSQL text and jsonb cannot hold U+0000; a customer's message must not become unstorable because of one. */
export function withoutNul(record: InboundRecord): InboundRecord {
  const body = record.body?.replaceAll('\u0000', '') ?? null;
  const json = JSON.stringify(record.payload);
  const payload = json.includes('\\u0000') ? z.record(z.string(), z.unknown()).parse(JSON.parse(json.replaceAll('\\u0000', ''))) : record.payload;
  return { ...record, body, payload };
}
