import { and, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Message, messages, pendingStatuses } from '../../db/schema/index.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { type Locale, resolveLocale } from '../../shared/i18n.ts';
import { isCampaignMessage, onCampaignMessageStatus } from '../campaigns/campaign-hooks.ts';
import { presentMessage } from './message-view.ts';
import { publishInboxEvent } from './realtime.ts';

/** Delivery states a provider reports for an outbound message. */
export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** A status report for one outbound message. */
export interface StatusReport {
  status: DeliveryStatus;
  occurredAt: Date;
  error?: { code: string; title: string | null };
  /** What the send asked the provider to echo back (WhatsApp: `biz_opaque_callback_data` = our message id). */
  callbackData?: string;
}

const RANK: Record<Message['status'], number> = { received: 0, queued: 0, failed: 0, sent: 1, delivered: 2, read: 3, played: 4 };

/**
 * The status a message moves to. Statuses only move forward (sent < delivered < read < played), so
 * duplicates and late arrivals change nothing. `failed` ends a message that had not been delivered;
 * a later `delivered`/`read` still wins over it (Meta reports that on multi-device users), and a
 * `failed` after delivery is ignored.
 */
export function nextStatus(current: Message['status'], reported: DeliveryStatus): Message['status'] {
  if (current === 'received') return current;
  if (reported === 'failed') return RANK[current] >= RANK.delivered ? current : 'failed';
  return RANK[reported] > RANK[current] || current === 'failed' ? reported : current;
}

/**
 * Applies a provider's status report to the message with that provider id, inside a transaction.
 * When the message is not known yet (the `sent` webhook can beat the send call's answer), the report
 * is parked in `pending_statuses` and applied when the id is recorded. Both paths take the same
 * advisory lock, so a report is never parked after its message was recorded and then forgotten.
 */
export async function applyProviderStatus(
  deps: Pick<Deps, 'database'>,
  channel: { id: string; organizationId: string },
  providerMessageId: string,
  report: StatusReport,
): Promise<'applied' | 'unchanged' | 'pending'> {
  return deps.database.db.transaction(async (tx) => {
    // One round trip: the lock and the organization's language (for the event's message view).
    const locale = await lockProviderIdReadingLocale(tx, channel.id, providerMessageId, channel.organizationId);
    const [message] = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.channelId, channel.id), eq(messages.providerMessageId, providerMessageId)))
      .for('update');
    if (!message) {
      // A send whose answer was lost (its worker died after WhatsApp accepted it) is recognised by the
      // message id it carried as callback data: adopt the provider id instead of waiting forever.
      const adopted = await adoptByCallback(tx, channel.id, providerMessageId, report, locale);
      if (adopted) return adopted;
      await tx
        .insert(pendingStatuses)
        .values({
          channelId: channel.id,
          providerMessageId,
          status: report.status,
          occurredAt: report.occurredAt,
          errorCode: report.error?.code ?? null,
          errorTitle: report.error?.title ?? null,
        })
        .onConflictDoNothing();
      return 'pending';
    }
    return (await applyToMessage(tx, message, report, locale)) ? 'applied' : 'unchanged';
  });
}

async function adoptByCallback(tx: Db, channelId: string, providerMessageId: string, report: StatusReport, locale: Locale): Promise<'applied' | null> {
  const id = report.callbackData;
  if (!id || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const [sent] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.channelId, channelId), eq(messages.direction, 'out'), isNull(messages.providerMessageId)))
    .for('update');
  if (!sent) return null;
  await recordProviderId(tx, sent, providerMessageId, report.occurredAt, locale);
  const [current] = await tx.select().from(messages).where(eq(messages.id, id));
  if (current) await applyToMessage(tx, current, report, locale);
  return 'applied';
}

/**
 * Records the provider id a send returned, marks the message sent, and applies any status reports
 * that arrived before it. Call inside a transaction.
 */
export async function recordProviderId(tx: Db, message: Message, providerMessageId: string, sentAt: Date, locale: Locale): Promise<void> {
  await lockProviderId(tx, message.channelId, providerMessageId);
  const [withId] = await tx.update(messages).set({ providerMessageId, updatedAt: new Date() }).where(eq(messages.id, message.id)).returning();
  let current = withId!;
  const updated = await applyToMessage(tx, current, { status: 'sent', occurredAt: sentAt }, locale);
  if (updated) current = updated;
  const parked = await tx
    .delete(pendingStatuses)
    .where(and(eq(pendingStatuses.channelId, message.channelId), eq(pendingStatuses.providerMessageId, providerMessageId)))
    .returning();
  for (const p of parked.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())) {
    const report: StatusReport = {
      status: p.status as DeliveryStatus,
      occurredAt: p.occurredAt,
      error: p.errorCode ? { code: p.errorCode, title: p.errorTitle } : undefined,
    };
    current = (await applyToMessage(tx, current, report, locale)) ?? current;
  }
}

/**
 * Moves one (locked) message forward and emits `message.status`; returns the updated row, or null
 * when the report changed nothing. Timestamps fill in once: `read` also implies `delivered`.
 */
export async function applyToMessage(tx: Db, message: Message, report: StatusReport, locale: Locale): Promise<Message | null> {
  const status = nextStatus(message.status, report.status);
  const at = report.occurredAt;
  const set: Partial<typeof messages.$inferInsert> = {};
  if (status !== message.status) set.status = status;
  const rank = RANK[report.status];
  if (report.status !== 'failed') {
    if (!message.sentAt) set.sentAt = at;
    if (rank >= RANK.delivered && !message.deliveredAt) set.deliveredAt = at;
    if (rank >= RANK.read && !message.readAt) set.readAt = at;
  } else if (status === 'failed') {
    if (!message.failedAt) set.failedAt = at;
    if (report.error) {
      set.errorCode = report.error.code;
      set.errorTitle = report.error.title;
    }
  }
  if (Object.keys(set).length === 0) return null;
  set.updatedAt = new Date();
  // The conversation's assignee (who may see the event) comes back with the updated row.
  const [updated] = await tx
    .update(messages)
    .set(set)
    .where(eq(messages.id, message.id))
    .returning({
      ...getTableColumns(messages),
      assigneeId: sql<string | null>`(select c.assignee_id from conversations c where c.id = messages.conversation_id)`,
    });
  const { assigneeId, ...row } = updated!;
  // Campaign sends are ordinary messages: their recipient follows the message (campaigns module).
  if (isCampaignMessage(row.payload)) await onCampaignMessageStatus(tx, row);
  await publishInboxEvent(tx, {
    type: 'message.status',
    organizationId: message.organizationId,
    conversationId: message.conversationId,
    assigneeId: assigneeId ?? null,
    messageId: message.id,
    isPrivate: message.isPrivate,
    data: presentMessage(row, locale),
  });
  return row;
}

async function lockProviderId(tx: Db, channelId: string, providerMessageId: string) {
  await rowsOf(tx, sql`select pg_advisory_xact_lock(hashtextextended(${`msg:${channelId}:${providerMessageId}`}, 0))`);
}

/** {@link lockProviderId} and the organization's language, in one statement. */
async function lockProviderIdReadingLocale(tx: Db, channelId: string, providerMessageId: string, organizationId: string): Promise<Locale> {
  const [row] = await rowsOf<{ locale: string | null }>(
    tx,
    sql`select pg_advisory_xact_lock(hashtextextended(${`msg:${channelId}:${providerMessageId}`}, 0))::text as locked,
               (select locale from organizations where id = ${organizationId}) as locale`,
  );
  return resolveLocale(row?.locale);
}
