import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import { type Conversation, conversations, type Message, messages } from '../../db/schema/index.ts';
import { coalesceSettled, type Settled, settle } from '../../jobs/coalesce.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { newId } from '../../shared/ids.ts';
import { onInboundsForCampaigns } from '../campaigns/campaign-hooks.ts';
import { contactLockKey, findOrCreateContactsByWaId } from '../contacts/index.ts';
import { lockKey as messageLockKey, lockKeys } from './apply-status.ts';
import { type Routing, routeConversation } from './assignment.ts';
import { loadInboxSettings } from './inbox-settings.ts';
import { downloadMediaJob } from './jobs/download-media.job.ts';
import { presentMessage } from './message-view.ts';
import { type InboxEvent, inboxNotifications, NOTIFICATIONS_PER_STATEMENT } from './realtime.ts';
import { type InboundRecord, type InboundResult, openConversation, PASSIVE_TYPES, previewOf, recordInboundMessage, withoutNul } from './record-inbound.ts';

/** Whether a record can go through the batched path: a new message from a WhatsApp user, with its provider id. */
function batchable(record: InboundRecord): boolean {
  return 'waId' in record.from && record.providerMessageId !== null && record.type !== 'edit' && record.type !== 'revoke';
}

/**
 * {@link recordInboundMessage} as a group commit for the webhook processor: messages handed over by
 * concurrently running jobs are recorded together, one transaction per channel with a fixed number of
 * statements (locks and settings, duplicates, contacts, conversations, messages, conversation updates,
 * events, campaign replies) instead of about ten per message. Edits, deletions and web chat messages
 * take the single path. If a shared transaction fails, its messages are recorded one by one, so each
 * caller gets its own result or its own error.
 */
export function inboundRecorder(deps: Pick<Deps, 'database' | 'queue' | 'logger'>): (record: InboundRecord) => Promise<InboundResult> {
  const one = (record: InboundRecord) => settle(() => recordInboundMessage(deps, record));
  return coalesceSettled(async (records: InboundRecord[]): Promise<Settled<InboundResult>[]> => {
    const settled: Settled<InboundResult>[] = new Array(records.length);
    const byChannel = new Map<string, number[]>();
    for (const [i, r] of records.entries()) {
      if (!batchable(r)) continue;
      byChannel.set(r.channel.id, [...(byChannel.get(r.channel.id) ?? []), i]);
    }
    for (const indexes of byChannel.values()) {
      const group = indexes.map((i) => records[i]!);
      const together = await settle(() => (group.length === 1 ? recordInboundMessage(deps, group[0]!).then((r) => [r]) : recordInboundBatch(deps, group)));
      if (together.ok) {
        for (const [k, i] of indexes.entries()) settled[i] = { ok: true, value: together.value[k]! };
        continue;
      }
      deps.logger.warn({ err: together.error, messages: group.length }, 'recording inbound messages together failed; recording them one by one');
      for (const i of indexes) settled[i] = await one(records[i]!);
    }
    for (const [i, r] of records.entries()) if (!settled[i]) settled[i] = await one(r);
    return settled;
  }, 200);
}

/**
 * Records new WhatsApp messages of ONE channel in one transaction, with the single path's outcome for
 * each: duplicates (already recorded, or repeated in the batch) change nothing; contacts and
 * conversations are found or created (and reopened) by the same rules; the conversation list's
 * preview, unread count and 24-hour window follow the newest message; `message.created` (and any
 * conversation events) are published on commit; media downloads are enqueued; replies count for campaigns.
 */
export async function recordInboundBatch(deps: Pick<Deps, 'queue' | 'database'>, inputs: InboundRecord[]): Promise<InboundResult[]> {
  const records = inputs.map(withoutNul);
  const channel = records[0]!.channel;
  if (records.some((r) => r.channel.id !== channel.id || !batchable(r))) throw new Error('recordInboundBatch takes new WhatsApp messages of one channel');
  const waIdOf = (r: InboundRecord) => ('waId' in r.from ? r.from.waId.replace(/\D/g, '') : '');

  return deps.database.db.transaction(async (tx) => {
    // The same locks as the single path (message ids, first contact), all at once and sorted.
    await lockKeys(tx, [...records.map((r) => messageLockKey(channel.id, r.providerMessageId!)), ...records.map((r) => contactLockKey(channel.organizationId, waIdOf(r)))]);
    const settings = await loadInboxSettings(tx, channel.organizationId);

    // Duplicates: recorded before, or earlier in this batch.
    const known = await tx
      .select({ id: messages.id, conversationId: messages.conversationId, providerMessageId: messages.providerMessageId })
      .from(messages)
      .where(and(eq(messages.channelId, channel.id), inArray(messages.providerMessageId, [...new Set(records.map((r) => r.providerMessageId!))])));
    const seen = new Map(known.map((k) => [k.providerMessageId!, { messageId: k.id, conversationId: k.conversationId }]));
    const results: (InboundResult | undefined)[] = records.map((r) => {
      const before = seen.get(r.providerMessageId!);
      return before ? { duplicate: true, ...before } : undefined;
    });
    const fresh: { index: number; record: InboundRecord; id: string }[] = [];
    const claimed = new Set<string>();
    for (const [index, record] of records.entries()) {
      if (results[index] || claimed.has(record.providerMessageId!)) continue;
      claimed.add(record.providerMessageId!);
      fresh.push({ index, record, id: newId() });
    }

    if (fresh.length) {
      const contactIds = await findOrCreateContactsByWaId(
        tx,
        channel.organizationId,
        fresh.map((f) => ({ waId: waIdOf(f.record), name: 'waId' in f.record.from ? f.record.from.name : null })),
      );
      const contactOf = (f: (typeof fresh)[number]) => contactIds.get(waIdOf(f.record))!.id;

      // Conversations: existing ones locked in id order; first contacts and reopenings by the single path's rules.
      const wanted = [...new Set(fresh.map(contactOf))];
      const locked = await tx
        .select()
        .from(conversations)
        .where(and(eq(conversations.channelId, channel.id), inArray(conversations.contactId, wanted)))
        .orderBy(asc(conversations.id))
        .for('update');
      const byContact = new Map<string, Conversation>(locked.map((c) => [c.contactId, c]));
      const conversationEvents: InboxEvent[] = [];
      const announce = (c: Conversation, types: InboxEvent['type'][]) => {
        for (const type of types) conversationEvents.push({ type, organizationId: channel.organizationId, conversationId: c.id, assigneeId: c.assigneeId, data: { status: c.status, assigneeId: c.assigneeId } });
      };
      // First contacts: their conversations in one insert (unique per channel and contact, so a
      // concurrent creator's row is simply found), routed by the ticket rules — one by one only when
      // round-robin assignment has to pick an agent for each.
      const missing = wanted.filter((contactId) => !byContact.has(contactId));
      if (missing.length) {
        const roundRobin = settings.tickets.enabled && settings.tickets.autoAssignment === 'round_robin';
        const routes: { id: string; contact_id: string; status: Routing['status']; assignee_id: string | null }[] = [];
        let shared: Routing | undefined;
        for (const contactId of missing) {
          if (roundRobin || !shared) shared = await routeConversation(tx, channel.organizationId, settings.tickets, { kind: 'created' });
          const routing = shared;
          routes.push({ id: newId(), contact_id: contactId, status: routing.status, assignee_id: routing.assigneeId });
        }
        await tx.execute(sql`insert into conversations (id, organization_id, channel_id, contact_id, status, assignee_id)
          select r.id, ${channel.organizationId}, ${channel.id}, r.contact_id, r.status::conversation_status, r.assignee_id
          from jsonb_to_recordset(${JSON.stringify(routes)}::jsonb) as r(id uuid, contact_id uuid, status text, assignee_id uuid)
          order by r.contact_id
          on conflict do nothing`);
        const created = await tx
          .select()
          .from(conversations)
          .where(and(eq(conversations.channelId, channel.id), inArray(conversations.contactId, missing)))
          .orderBy(asc(conversations.id))
          .for('update');
        for (const c of created) {
          byContact.set(c.contactId, c);
          announce(c, c.assigneeId ? ['conversation.updated', 'conversation.assigned'] : ['conversation.updated']);
        }
      }
      // Closed conversations reopen by the single path's rules (previous agent, reassignment).
      for (const contactId of wanted) {
        const existing = byContact.get(contactId)!;
        const active = fresh.some((f) => contactOf(f) === contactId && !PASSIVE_TYPES.has(f.record.type));
        if (existing.status !== 'closed' || !active) continue;
        const opened = await openConversation(tx, channel, contactId, settings.tickets, false);
        byContact.set(contactId, opened.conversation);
        announce(opened.conversation, opened.events);
      }
      const conversationOf = (f: (typeof fresh)[number]) => byContact.get(contactOf(f))!;

      // What each message replies to: recorded before, or earlier in this batch.
      const replyIds = [...new Set(fresh.map((f) => f.record.replyToProviderId).filter((id): id is string => Boolean(id)))];
      const quoted = new Map(fresh.map((f) => [f.record.providerMessageId!, f.id]));
      if (replyIds.length) {
        const rows = await tx
          .select({ id: messages.id, providerMessageId: messages.providerMessageId })
          .from(messages)
          .where(and(eq(messages.channelId, channel.id), inArray(messages.providerMessageId, replyIds)));
        for (const r of rows) quoted.set(r.providerMessageId!, r.id);
      }

      const now = new Date();
      const inserted = await tx
        .insert(messages)
        .values(
          fresh.map((f) => {
            const { record, id } = f;
            return {
              id,
              organizationId: channel.organizationId,
              conversationId: conversationOf(f).id,
              channelId: channel.id,
              direction: 'in' as const,
              type: record.type,
              body: record.body,
              payload: record.media ? { ...record.payload, media: { ...record.media, state: 'pending' } } : record.payload,
              authorType: 'contact' as const,
              providerMessageId: record.providerMessageId,
              status: 'received' as const,
              replyToMessageId: (record.replyToProviderId && quoted.get(record.replyToProviderId)) || null,
              createdAt: record.occurredAt,
              updatedAt: now,
            };
          }),
        )
        .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
        .returning();
      const byId = new Map<string, Message>(inserted.map((m) => [m.id, m]));

      // Conversation list fields follow the newest message; unread counts add up.
      const perConversation = new Map<string, { last: Date; lastInbound: Date | null; preview: string | null; previewAt: Date | null; unread: number }>();
      const events: InboxEvent[] = [];
      for (const f of fresh) {
        const message = byId.get(f.id);
        const conversation = conversationOf(f);
        if (!message) {
          // Recorded meanwhile by a writer outside these locks: the one recorded first is the answer.
          results[f.index] = { duplicate: true, messageId: null, conversationId: conversation.id };
          continue;
        }
        results[f.index] = { duplicate: false, messageId: f.id, conversationId: conversation.id };
        events.push({
          type: 'message.created',
          organizationId: channel.organizationId,
          conversationId: conversation.id,
          assigneeId: conversation.assigneeId,
          messageId: f.id,
          isPrivate: false,
          data: presentMessage(message, settings.locale),
        });
        const at = f.record.occurredAt;
        const passive = PASSIVE_TYPES.has(f.record.type);
        const agg = perConversation.get(conversation.id) ?? { last: at, lastInbound: null, preview: null, previewAt: null, unread: 0 };
        if (at > agg.last) agg.last = at;
        if (f.record.type !== 'system' && (!agg.lastInbound || at > agg.lastInbound)) agg.lastInbound = at;
        if (!passive) {
          agg.unread++;
          if (!agg.previewAt || at >= agg.previewAt) {
            agg.previewAt = at;
            agg.preview = previewOf(f.record.type, f.record.body);
          }
        }
        perConversation.set(conversation.id, agg);
      }
      if (perConversation.size) {
        const rows = [...perConversation].map(([id, a]) => ({
          id,
          last: a.last.toISOString(),
          last_inbound: a.lastInbound?.toISOString() ?? null,
          preview: a.preview,
          preview_at: a.previewAt?.toISOString() ?? null,
          unread: a.unread,
        }));
        // A late delivery of an older message must not replace the preview of a newer one.
        await tx.execute(sql`update conversations c set
            last_message_at = greatest(c.last_message_at, r.last),
            last_inbound_at = case when r.last_inbound is null then c.last_inbound_at else greatest(c.last_inbound_at, r.last_inbound) end,
            last_message_preview = case when r.preview is not null and (c.last_message_at is null or c.last_message_at <= r.preview_at)
                                        then r.preview else c.last_message_preview end,
            unread_count = c.unread_count + r.unread,
            updated_at = now()
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as r(id uuid, last timestamptz, last_inbound timestamptz, preview text, preview_at timestamptz, unread int)
          where c.id = r.id`);
      }
      // Delivered by PostgreSQL after the commit, in order: conversation changes, then the messages.
      const published = [...conversationEvents, ...events];
      for (let i = 0; i < published.length; i += NOTIFICATIONS_PER_STATEMENT) await rowsOf(tx, sql`select ${inboxNotifications(published.slice(i, i + NOTIFICATIONS_PER_STATEMENT))}`);

      const media = fresh.filter((f) => f.record.media && byId.has(f.id));
      if (media.length) {
        await deps.queue.enqueueMany(
          downloadMediaJob,
          media.map((f) => ({ payload: { messageId: f.id }, options: { idempotencyKey: f.id } })),
          tx,
        );
      }
      // Replies (and quick-reply taps) to campaign messages count for those campaigns (campaigns module).
      const answers = fresh.filter((f) => byId.has(f.id) && !PASSIVE_TYPES.has(f.record.type));
      await onInboundsForCampaigns(
        tx,
        answers.map((f) => ({ conversationId: conversationOf(f).id, replyToMessageId: byId.get(f.id)!.replyToMessageId, occurredAt: f.record.occurredAt })),
      );
    }

    // Repeats within the batch answer like the single path: the message recorded first.
    return records.map((r, i) => {
      if (results[i]) return results[i]!;
      const first = fresh.find((f) => f.record.providerMessageId === r.providerMessageId);
      const original = first ? results[first.index] : undefined;
      return { duplicate: true, messageId: original?.messageId ?? null, conversationId: original?.conversationId ?? null };
    });
  });
}
