import { and, eq } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type AutomatedReply, type Conversation, conversations, messages } from '../../db/schema/index.ts';
import { resolveLocale } from '../../shared/i18n.ts';
import { newId } from '../../shared/ids.ts';
import type { Principal } from '../identity/policy.ts';
import { createOutbound, loadInboxSettings, publishInboxEvent, routeConversation } from '../inbox/index.ts';
import type { OutboundBody } from '../inbox/inbox.schemas.ts';
import type { ConversationActions } from '../integrations/index.ts';
import { tAssistant } from './assistant.i18n.ts';
import type { AssistantReply } from './assistant.schemas.ts';

/** The assistant acting in the inbox: it is nobody's membership, so it sends as an owner-level system principal. */
export const assistantPrincipal = (organizationId: string): Principal => ({ kind: 'apiKey', organizationId, apiKeyId: 'assistant', role: 'owner', label: 'Assistant' });

/** The conversation, row-locked for the rest of the transaction (null when it is not the organization's). */
export async function lockConversation(tx: Db, organizationId: string, conversationId: string): Promise<Conversation | null> {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, organizationId)))
    .for('update');
  return row ?? null;
}

/** Adds a private note authored by the assistant. */
async function addNote(tx: Db, conversation: Conversation, text: string): Promise<void> {
  const id = newId();
  const now = new Date();
  await tx.insert(messages).values({
    id,
    organizationId: conversation.organizationId,
    conversationId: conversation.id,
    channelId: conversation.channelId,
    direction: 'out',
    type: 'text',
    body: text.slice(0, 4096),
    payload: {},
    isPrivate: true,
    authorType: 'assistant',
    status: 'sent',
    sentAt: now,
    createdAt: now,
    updatedAt: now,
  });
  await publishInboxEvent(tx, { type: 'note.created', organizationId: conversation.organizationId, conversationId: conversation.id, assigneeId: conversation.assigneeId, messageId: id, isPrivate: true });
}

/**
 * The inbox actions the assistant may take in a conversation: notes, hand-off (AI off, routed to a
 * person by the ticket rules — round robin or Unassigned — with a summary note) and closing.
 */
export function conversationActions(deps: Pick<Deps, 'database'>): ConversationActions {
  const db = deps.database.db;
  return {
    async addNote({ organizationId, conversationId, text }) {
      await db.transaction(async (tx) => {
        const c = await lockConversation(tx, organizationId, conversationId);
        if (c) await addNote(tx, c, text);
      });
    },
    async handOff({ organizationId, conversationId, reason }) {
      const settings = await loadInboxSettings(db, organizationId);
      await db.transaction(async (tx) => {
        const c = await lockConversation(tx, organizationId, conversationId);
        if (!c) return;
        const routing = await routeConversation(tx, organizationId, settings.tickets, { kind: 'created' });
        const [after] = await tx
          .update(conversations)
          .set({ aiEnabled: false, status: routing.status, assigneeId: routing.assigneeId, closedAt: null, updatedAt: new Date() })
          .where(eq(conversations.id, c.id))
          .returning();
        const [why, ...last] = reason.split('\n');
        await addNote(tx, after!, tAssistant(resolveLocale(settings.locale), 'handoff.note', { reason: why ?? '', last: last.join(' ').slice(0, 300) }));
        const data = { status: after!.status, assigneeId: after!.assigneeId, aiEnabled: false };
        const event = { organizationId, conversationId: c.id, assigneeId: after!.assigneeId, previousAssigneeId: c.assigneeId, data };
        await publishInboxEvent(tx, { type: 'conversation.updated', ...event });
        if (after!.assigneeId !== c.assigneeId) await publishInboxEvent(tx, { type: 'conversation.assigned', ...event });
      });
    },
    async close({ organizationId, conversationId }) {
      await db.transaction(async (tx) => {
        const c = await lockConversation(tx, organizationId, conversationId);
        if (!c || c.status === 'closed') return;
        await tx.update(conversations).set({ status: 'closed', closedAt: new Date(), updatedAt: new Date() }).where(eq(conversations.id, c.id));
        await publishInboxEvent(tx, { type: 'conversation.updated', organizationId, conversationId: c.id, assigneeId: c.assigneeId, data: { status: 'closed', assigneeId: c.assigneeId, aiEnabled: c.aiEnabled } });
      });
    },
  };
}

/**
 * Sends the assistant's replies into the conversation through the inbox's send path (24-hour window,
 * send jobs, realtime). Idempotency keys derive from the inbound message, so a re-run sends nothing twice.
 */
export async function sendReplies(deps: Pick<Deps, 'database' | 'queue'>, organizationId: string, conversationId: string, replies: AssistantReply[], keyBase: string): Promise<void> {
  const settings = await loadInboxSettings(deps.database.db, organizationId);
  for (const [i, reply] of replies.entries()) {
    await deps.database.db.transaction(async (tx) => {
      const conversation = await lockConversation(tx, organizationId, conversationId);
      if (!conversation) return;
      const body: OutboundBody =
        reply.type === 'buttons'
          ? { type: 'interactive', interactive: { kind: 'buttons', body: reply.text.slice(0, 1024), buttons: reply.buttons.map((b) => ({ id: b.id, title: b.title.slice(0, 20) })) } }
          : reply.type === 'media'
            ? { type: 'media', mediaType: reply.mediaType, link: reply.link, ...(reply.text && reply.mediaType !== 'audio' ? { caption: reply.text.slice(0, 1024) } : {}) }
            : { type: 'text', text: reply.text.slice(0, 4096) };
      await createOutbound(tx, deps, { principal: assistantPrincipal(organizationId), settings, conversation, author: 'assistant' }, body, `assistant:${keyBase}:${i}`);
    });
  }
}

/** Sends an automated reply rule's answer (text, media or template) into the conversation. */
export async function sendRuleReply(deps: Pick<Deps, 'database' | 'queue'>, organizationId: string, conversationId: string, rule: AutomatedReply, keyBase: string): Promise<void> {
  const settings = await loadInboxSettings(deps.database.db, organizationId);
  const r = rule.reply;
  const body: OutboundBody =
    r.type === 'text'
      ? { type: 'text', text: r.text }
      : r.type === 'media'
        ? { type: 'media', mediaType: r.mediaType, link: r.link, ...(r.caption ? { caption: r.caption } : {}) }
        : { type: 'template', template: { name: r.name, language: r.language, ...(r.preview ? { preview: r.preview } : {}) } };
  await deps.database.db.transaction(async (tx) => {
    const conversation = await lockConversation(tx, organizationId, conversationId);
    if (!conversation) return;
    await createOutbound(tx, deps, { principal: assistantPrincipal(organizationId), settings, conversation, author: 'system' }, body, `automated-reply:${keyBase}`);
  });
}
