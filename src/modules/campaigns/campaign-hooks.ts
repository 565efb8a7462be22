import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { pausesCampaign } from './error-policy.ts';

/**
 * How the inbox tells campaigns about their messages. Campaign sends are ordinary outbound messages
 * (payload `campaign: { id, recipientId }`), so the inbox's status pipeline keeps them monotonic; these
 * hooks, called inside the inbox's transactions, copy the result onto the recipient and count replies.
 */

const campaignLink = z.object({ id: z.uuid(), recipientId: z.uuid() }).loose();

/** Whether a message was sent by a campaign. */
export function isCampaignMessage(payload: Record<string, unknown>): boolean {
  return campaignLink.safeParse(payload.campaign).success;
}

const RECIPIENT_STATUS = sql`(case m.status when 'sent' then 'sent' when 'delivered' then 'delivered' when 'read' then 'read'
  when 'played' then 'read' when 'failed' then 'failed' else r.status::text end)::campaign_recipient_status`;

/** A recipient a status sync changed. */
export interface SyncedRecipient {
  id: string;
  campaign_id: string;
  status: string;
  error_code: string | null;
  error_title: string | null;
}

/**
 * Copies the state of their latest message onto recipients matching `condition` (on `r` and `m`).
 * A recipient waiting for a resend moves only when the old message turns out delivered after all
 * (then it is not sent again). An in-doubt send's deadline (`next_attempt_at` of a `sending`
 * recipient) ends with the doubt: if its message turns out failed, the resend plan decides afresh
 * (a deadline kept on a failed recipient would read as a resend already due). Returns the recipients
 * that changed.
 */
export async function syncRecipientsWithMessages(tx: Db, condition: SQL): Promise<SyncedRecipient[]> {
  return rowsOf(tx, recipientSync(condition, sql`messages`));
}

/**
 * The update of {@link syncRecipientsWithMessages}, reading the messages' delivery fields from
 * `source` (`messages`, or the `returning` of an update of them earlier in the same statement, whose
 * new values the table itself does not show yet); returns {@link SyncedRecipient} rows.
 */
export function recipientSync(condition: SQL, source: SQL): SQL {
  return sql`update campaign_recipients r set
          status = ${RECIPIENT_STATUS},
          sent_at = coalesce(r.sent_at, m.sent_at),
          delivered_at = coalesce(r.delivered_at, m.delivered_at),
          read_at = coalesce(r.read_at, m.read_at),
          failed_at = case when m.status = 'failed' then coalesce(m.failed_at, now()) else null end,
          error_code = case when m.status = 'failed' then m.error_code else null end,
          error_title = case when m.status = 'failed' then m.error_title else null end,
          next_attempt_at = case when m.status = 'failed' and r.status = 'failed' then r.next_attempt_at else null end,
          updated_at = now()
        from ${source} m
        where r.message_id = m.id and m.status <> 'queued' and (${condition})
          and (r.status in ('sending', 'sent', 'delivered', 'read', 'failed')
               or (r.status = 'pending' and m.status in ('sent', 'delivered', 'read', 'played')))
          and (r.status is distinct from ${RECIPIENT_STATUS} or r.error_code is distinct from m.error_code
               or (m.delivered_at is not null and r.delivered_at is null) or (m.read_at is not null and r.read_at is null))
        returning r.id, r.campaign_id, r.status, r.error_code, r.error_title`;
}

/**
 * Of the outbound messages statuses just changed, those whose campaign recipients follow them — all
 * campaign messages but those now `sent` (recorded with the send itself, and a send adopted after a
 * crash is settled by its batch). The inbox syncs them with {@link recipientSync} in the statement
 * that changes the messages, then calls {@link onCampaignRecipientsSynced}.
 */
export function campaignMessagesToSync(changed: { id: string; status: string; payload: Record<string, unknown> }[]): string[] {
  return changed.filter((m) => m.status !== 'sent' && isCampaignMessage(m.payload)).map((m) => m.id);
}

/** After recipients followed their messages: a failure that concerns the whole account or template pauses the campaign. */
export async function onCampaignRecipientsSynced(tx: Db, recipients: Pick<SyncedRecipient, 'campaign_id' | 'status' | 'error_code' | 'error_title'>[]): Promise<void> {
  const paused = new Set<string>();
  for (const r of recipients) {
    if (r.status !== 'failed' || !pausesCampaign(r.error_code) || paused.has(r.campaign_id)) continue;
    paused.add(r.campaign_id);
    await pauseForError(tx, r.campaign_id, r.error_code ?? '', r.error_title);
  }
}

/** Pauses a sending campaign because of an account-level failure, keeping Meta's code and words. */
export async function pauseForError(tx: Db, campaignId: string, code: string, detail: string | null): Promise<boolean> {
  const rows = await rowsOf(
    tx,
    sql`update campaigns set status = 'paused', paused_at = now(), pause_reason_code = ${code}, pause_reason_detail = ${detail}, updated_at = now()
        where id = ${campaignId} and status = 'sending' returning id`,
  );
  return rows.length > 0;
}

/**
 * Called by the inbox after recording a contact's message: the campaign message it answers (quoted,
 * like a quick-reply tap) or else the latest campaign message of the conversation in the last three
 * days counts as replied — once.
 */
export async function onInboundForCampaigns(tx: Db, inbound: { conversationId: string; replyToMessageId: string | null; occurredAt: Date }): Promise<void> {
  await onInboundsForCampaigns(tx, [inbound]);
}

/** {@link onInboundForCampaigns} for many messages in one statement (the earliest reply counts). */
export async function onInboundsForCampaigns(tx: Db, inbounds: { conversationId: string; replyToMessageId: string | null; occurredAt: Date }[]): Promise<void> {
  if (inbounds.length === 0) return;
  const rows = inbounds.map((i) => ({ conversation_id: i.conversationId, reply_to: i.replyToMessageId, at: i.occurredAt.toISOString() }));
  // Two indexed lookups per message (by message, then by conversation) rather than one OR the planner cannot index.
  await tx.execute(sql`update campaign_recipients cr set replied_at = x.at, updated_at = now()
    from (
      select distinct on (rid) rid, at from (
        select coalesce(
                 (select id from campaign_recipients where message_id = r.reply_to limit 1),
                 (select id from campaign_recipients
                  where conversation_id = r.conversation_id and sent_at <= r.at and sent_at > r.at - interval '3 days'
                  order by sent_at desc limit 1)
               ) as rid, r.at
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(conversation_id uuid, reply_to uuid, at timestamptz)
      ) s
      where rid is not null
      order by rid, at
    ) x
    where cr.id = x.rid and cr.replied_at is null`);
}
