import { and, eq, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Channel, channels, type Conversation, conversations, files, type Message, messages, type StoredFile } from '../../db/schema/index.ts';
import { conflict, notFound, unprocessable, validationError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { agentReplyPausesAi } from '../assistant/agent-reply-pause.ts';
import type { Principal } from '../identity/policy.ts';
import { canSeeConversation } from './conversation-policy.ts';
import { windowIsOpen } from './conversation-view.ts';
import type { OutboundBody } from './inbox.schemas.ts';
import { type InboxSettings, loadInboxSettings } from './inbox-settings.ts';
import { sendMessageJob } from './jobs/send-message.job.ts';
import { presentMessage, type MessageView } from './message-view.ts';
import { storedContentOf } from './outbound-content.ts';
import { publishInboxEvent } from './realtime.ts';
import { previewOf } from './record-inbound.ts';

/** Idempotency keys are what a client chose; printable, bounded. */
export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw validationError('Invalid Idempotency-Key', [{ path: 'Idempotency-Key', message: '1–200 visible ASCII characters' }], 'invalid_idempotency_key');
  }
  return key;
}

/** The result of a send: the message, and whether this request created it (false on an idempotent repeat). */
export interface SendOutcome {
  message: MessageView;
  conversationId: string;
  created: boolean;
}

/**
 * Sends a message (or adds a private note) in a conversation the principal can see. Everything is
 * checked before anything is stored — channel state, the 24-hour window, referenced messages and
 * files — and the message row and its send job are written in one transaction.
 */
export async function sendInConversation(
  deps: Pick<Deps, 'database' | 'queue'>,
  principal: Principal,
  conversationId: string,
  body: OutboundBody,
  idempotencyKey?: string,
): Promise<SendOutcome> {
  const settings = await loadInboxSettings(deps.database.db, principal.organizationId);
  return deps.database.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ conversation: conversations })
      .from(conversations)
      .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, principal.organizationId)))
      .for('update');
    if (!row || !canSeeConversation(principal, row.conversation, settings.tickets)) throw notFound('Conversation');
    return createOutbound(tx, deps, { principal, settings, conversation: row.conversation }, body, idempotencyKey);
  });
}

/** Context of an outbound message being created. */
export interface OutboundContext {
  principal: Principal;
  settings: InboxSettings;
  /** Locked for the transaction. */
  conversation: Conversation;
  /** Who wrote a message that no member wrote (default `system`); the AI assistant passes `assistant`. */
  author?: 'assistant' | 'system';
}

/** Creates an outbound message in a locked conversation (shared by replies and direct sends). */
export async function createOutbound(
  tx: Db,
  deps: Pick<Deps, 'queue'>,
  ctx: OutboundContext,
  body: OutboundBody,
  idempotencyKey: string | undefined,
): Promise<SendOutcome> {
  const { principal, conversation, settings } = ctx;
  const organizationId = principal.organizationId;
  if (idempotencyKey) {
    const existing = await findByKey(tx, organizationId, idempotencyKey);
    if (existing) return repeat(existing, conversation.id, settings);
  }
  const channel = await loadChannel(tx, conversation.channelId);
  const isNote = body.type === 'text' && body.private === true;
  if (!isNote && (channel.status !== 'active' || channel.deletedAt)) {
    throw unprocessable('This conversation\'s channel is disabled or deleted; enable it to send messages', 'channel_unavailable');
  }
  if (!isNote && body.type !== 'template' && !windowIsOpen(channel.type, conversation.lastInboundAt)) {
    throw unprocessable(
      'More than 24 hours have passed since the customer\'s last message, so WhatsApp only accepts an approved template now. Send a template; once the customer replies, free-form messages work again.',
      'outside_customer_service_window',
    );
  }

  const id = newId();
  const now = new Date();
  let content: { type: string; body: string | null; payload: Record<string, unknown>; fileId: string | null };
  let replyToMessageId: string | null = null;
  if (body.type === 'reaction') {
    const target = await messageInConversation(tx, conversation.id, body.messageId, 'messageId');
    if (channel.type === 'whatsapp' && !target.providerMessageId) throw unprocessable('That message never reached WhatsApp, so it cannot get a reaction', 'reaction_target_unsent');
    replyToMessageId = target.id;
    content = { type: 'reaction', body: body.emoji, payload: { reaction: { emoji: body.emoji, messageId: target.id } }, fileId: null };
  } else {
    if (body.replyToId) replyToMessageId = (await messageInConversation(tx, conversation.id, body.replyToId, 'replyToId')).id;
    const file = body.type === 'media' && body.fileId ? await attachableFile(tx, organizationId, conversation.id, body.fileId) : null;
    content = storedContentOf(body, file, channel.type);
  }

  const member = principal.kind === 'user';
  const webchat = channel.type === 'webchat';
  const [inserted] = await tx
    .insert(messages)
    .values({
      id,
      organizationId,
      conversationId: conversation.id,
      channelId: channel.id,
      direction: 'out',
      ...content,
      isPrivate: isNote,
      authorType: member ? 'member' : (ctx.author ?? 'system'),
      authorMembershipId: member ? principal.membershipId : null,
      idempotencyKey: idempotencyKey ?? null,
      // Notes and web chat messages have no provider to wait for.
      status: isNote || webchat ? 'sent' : 'queued',
      sentAt: isNote || webchat ? now : null,
      replyToMessageId,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!inserted) {
    // A concurrent request with the same key won the race; answer like a repeat.
    const existing = idempotencyKey ? await findByKey(tx, organizationId, idempotencyKey) : undefined;
    if (!existing) throw conflict('The message could not be stored; try again', 'send_conflict');
    return repeat(existing, conversation.id, settings);
  }
  if (content.fileId) await tx.update(files).set({ conversationId: conversation.id }).where(and(eq(files.id, content.fileId), sql`${files.conversationId} is null`));

  const takes = !isNote && member && conversation.status === 'unassigned' && settings.tickets.enabled;
  // An agent answering takes over from the AI assistant (when the organization wants that).
  const pausesAi = !isNote && member && conversation.aiEnabled && (await agentReplyPausesAi(tx, organizationId));
  const [after] = await tx
    .update(conversations)
    .set({
      ...(isNote ? {} : { lastMessageAt: now, lastMessagePreview: previewOf(content.type, content.body), unreadCount: 0 }),
      ...(takes ? { status: 'open' as const, assigneeId: principal.membershipId } : {}),
      ...(pausesAi ? { aiEnabled: false } : {}),
      updatedAt: now,
    })
    .where(eq(conversations.id, conversation.id))
    .returning();
  if (!isNote && !webchat) await deps.queue.enqueue(sendMessageJob, { messageId: id }, { idempotencyKey: id, tx });

  const view = presentMessage(inserted, settings.locale, member ? principal.label : null);
  const base = { organizationId, conversationId: conversation.id, assigneeId: after!.assigneeId };
  await publishInboxEvent(tx, { ...base, type: isNote ? 'note.created' : 'message.created', messageId: id, isPrivate: isNote, data: view });
  if (takes || pausesAi) {
    const data = { status: after!.status, assigneeId: after!.assigneeId, aiEnabled: after!.aiEnabled };
    await publishInboxEvent(tx, { ...base, type: 'conversation.updated', previousAssigneeId: conversation.assigneeId, data });
    if (takes) await publishInboxEvent(tx, { ...base, type: 'conversation.assigned', previousAssigneeId: conversation.assigneeId, data });
  }
  return { message: view, conversationId: conversation.id, created: true };
}

function repeat(existing: Message, conversationId: string, settings: InboxSettings): SendOutcome {
  if (existing.conversationId !== conversationId) {
    throw conflict('This Idempotency-Key was already used for another message', 'idempotency_key_reused');
  }
  return { message: presentMessage(existing, settings.locale), conversationId, created: false };
}

async function findByKey(tx: Db, organizationId: string, key: string): Promise<Message | undefined> {
  const [row] = await tx.select().from(messages).where(and(eq(messages.organizationId, organizationId), eq(messages.idempotencyKey, key)));
  return row;
}

async function loadChannel(tx: Db, channelId: string): Promise<Channel> {
  const [row] = await tx.select().from(channels).where(eq(channels.id, channelId));
  if (!row) throw notFound('Channel');
  return row;
}

async function messageInConversation(tx: Db, conversationId: string, id: string, field: string): Promise<Message> {
  const [row] = await tx.select().from(messages).where(and(eq(messages.id, id), eq(messages.conversationId, conversationId)));
  if (!row || row.isPrivate) throw validationError('No such message in this conversation', [{ path: field, message: 'Not a message of this conversation' }], 'message_not_in_conversation');
  return row;
}

/** An uploaded file of the organization, not yet tied to another conversation. */
async function attachableFile(tx: Db, organizationId: string, conversationId: string, fileId: string): Promise<StoredFile> {
  const [row] = await tx.select().from(files).where(and(eq(files.id, fileId), eq(files.organizationId, organizationId)));
  if (!row || (row.conversationId && row.conversationId !== conversationId)) {
    throw validationError('No such file', [{ path: 'fileId', message: 'Upload the file first with POST /api/v1/files' }], 'file_not_found');
  }
  return row;
}
