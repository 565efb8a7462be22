import { and, desc, eq, sql } from 'drizzle-orm';
import { GraphApiError } from '../../adapters/whatsapp-cloud/index.ts';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { channels, conversations, memberships, messages, users } from '../../db/schema/index.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import { whatsAppClientFor } from '../channels/whatsapp-client.ts';
import type { Principal } from '../identity/policy.ts';
import { getConversationRow } from './conversations.service.ts';
import { loadInboxSettings } from './inbox-settings.ts';
import { markReadJob } from './jobs/mark-read.job.ts';
import { type MessageView, presentMessage } from './message-view.ts';
import { publishInboxEvent } from './realtime.ts';

/** A conversation's messages (notes included), newest first; `nextCursor` pages back in time. */
export async function listMessages(db: Db, principal: Principal, conversationId: string, query: { cursor?: string; limit: number }) {
  const settings = await loadInboxSettings(db, principal.organizationId);
  const conversation = await getConversationRow(db, principal, conversationId, settings);
  const before = decodeCursor(query.cursor, 2);
  const rows = await db
    .select({ message: messages, authorName: users.name, authorEmail: users.email })
    .from(messages)
    .leftJoin(memberships, eq(memberships.id, messages.authorMembershipId))
    .leftJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(messages.conversationId, conversation.conversation.id),
        eq(messages.organizationId, principal.organizationId),
        before ? sql`(${messages.createdAt}, ${messages.id}) < (${String(before[0])}::timestamptz, ${String(before[1])}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (r) => [r.message.createdAt.toISOString(), r.message.id]);
  return {
    items: page.items.map((r): MessageView => presentMessage(r.message, settings.locale, r.authorName || r.authorEmail || null)),
    nextCursor: page.nextCursor,
  };
}

/**
 * An agent opened the conversation: its unread counter resets, its inbound messages count as read,
 * and WhatsApp is told (blue ticks for the customer) through a job marking the latest one.
 */
export async function markConversationRead(deps: Pick<Deps, 'database' | 'queue'>, principal: Principal, conversationId: string): Promise<void> {
  const db = deps.database.db;
  const settings = await loadInboxSettings(db, principal.organizationId);
  const { conversation } = await getConversationRow(db, principal, conversationId, settings);
  await db.transaction(async (tx) => {
    const read = await tx
      .update(messages)
      .set({ status: 'read', readAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.direction, 'in'), eq(messages.status, 'received')))
      .returning({ id: messages.id, createdAt: messages.createdAt, providerMessageId: messages.providerMessageId });
    const [after] = await tx.update(conversations).set({ unreadCount: 0 }).where(eq(conversations.id, conversation.id)).returning();
    if (read.length === 0 && conversation.unreadCount === 0) return;
    const latest = read.filter((m) => m.providerMessageId).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    if (latest) await deps.queue.enqueue(markReadJob, { messageId: latest.id }, { idempotencyKey: latest.id, tx });
    await publishInboxEvent(tx, {
      type: 'conversation.updated',
      organizationId: conversation.organizationId,
      conversationId: conversation.id,
      assigneeId: after!.assigneeId,
      data: { status: after!.status, assigneeId: after!.assigneeId, aiEnabled: after!.aiEnabled, unreadCount: 0 },
    });
  });
}

/**
 * Shows "typing…" to a WhatsApp customer for up to 25 seconds (it also marks their last message
 * read). Best effort: returns false when there is nothing to attach it to or WhatsApp refused.
 */
export async function showTyping(deps: Pick<Deps, 'database' | 'secrets' | 'logger'>, principal: Principal, conversationId: string): Promise<boolean> {
  const db = deps.database.db;
  const { conversation } = await getConversationRow(db, principal, conversationId);
  const [row] = await db
    .select({ wamid: messages.providerMessageId, channel: channels })
    .from(messages)
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .where(and(eq(messages.conversationId, conversation.id), eq(messages.direction, 'in')))
    .orderBy(desc(messages.createdAt))
    .limit(1);
  if (!row?.wamid || row.channel.type !== 'whatsapp' || row.channel.status !== 'active' || row.channel.deletedAt) return false;
  try {
    await whatsAppClientFor(deps.secrets, row.channel).markRead(row.wamid, { typing: true });
    return true;
  } catch (err) {
    if (!(err instanceof GraphApiError)) throw err;
    deps.logger.info({ code: err.code, conversationId }, 'typing indicator refused');
    return false;
  }
}
