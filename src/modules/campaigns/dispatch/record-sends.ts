import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { type CampaignRow, messages } from '../../../db/schema/index.ts';
import type { Locale } from '../../../shared/i18n.ts';
import { applyReports, lockKey, lockKeys, PARKED_COLUMNS, type ParkedRow, parkedOf, parkedReports } from '../../inbox/apply-status.ts';
import { rowsOf } from '../../../jobs/pg-queue.ts';

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/** A send Meta accepted. */
export interface AcceptedSend {
  messageId: string;
  wamid: string;
  at: Date;
}

/** A send Meta refused (synchronously). */
export interface RefusedSend {
  messageId: string;
  code: string;
  title: string | null;
}

/**
 * Records the WhatsApp ids of accepted sends in one transaction: messages become `sent`, their
 * recipients too, and status webhooks that arrived before the id was known (parked by the inbox) are
 * applied now. Takes the inbox's per-id advisory locks (sorted, so batches never deadlock), the same
 * ones a status webhook takes, so a report is never parked after its message was recorded.
 */
export async function recordAccepted(tx: Db, campaign: Pick<CampaignRow, 'channelId'>, accepted: AcceptedSend[], locale: Locale): Promise<void> {
  if (accepted.length === 0) return;
  const wamids = accepted.map((a) => a.wamid).sort();
  const rows = accepted.map((a) => ({ id: a.messageId, wamid: a.wamid, at: a.at.toISOString() }));
  await lockKeys(
    tx,
    wamids.map((w) => lockKey(campaign.channelId, w)),
  );
  // One statement (after the locks, so its snapshot sees every report parked before them): the
  // messages and their recipients become `sent`, and the reports parked for these ids are taken.
  const parked = parkedReports(
    await rowsOf<ParkedRow>(
      tx,
      sql`with x as (select * from jsonb_to_recordset(${json(rows)}) as x(id uuid, wamid text, at timestamptz)),
          sent as (
            update messages m set provider_message_id = x.wamid,
              status = case when m.status = 'queued' then 'sent'::message_status else m.status end,
              sent_at = coalesce(m.sent_at, x.at), updated_at = now()
            from x where m.id = x.id and m.provider_message_id is null
            returning 1
          ),
          recipients as (
            update campaign_recipients r set status = 'sent', sent_at = coalesce(r.sent_at, x.at), updated_at = now()
            from x where r.message_id = x.id and r.status = 'sending'
            returning 1
          )
          delete from pending_statuses ${parkedOf(campaign.channelId, wamids)} returning ${PARKED_COLUMNS}`,
    ),
  );
  if (parked.size === 0) return;
  const byWamid = new Map(accepted.map((a) => [a.wamid, a.messageId]));
  const ids = [...parked.keys()].map((w) => byWamid.get(w)).filter((id): id is string => Boolean(id));
  const locked = await tx.select().from(messages).where(inArray(messages.id, ids)).for('update');
  await applyReports(
    tx,
    locked.map((message) => ({ message, reports: parked.get(message.providerMessageId ?? '') ?? [], locale })),
  );
}

/** Marks refused sends failed (message and recipient) with Meta's code, in one statement each. */
export async function recordRefused(tx: Db, refused: RefusedSend[]): Promise<void> {
  if (refused.length === 0) return;
  await tx.execute(sql`update messages m set status = 'failed', failed_at = now(), error_code = x.code, error_title = x.title, updated_at = now()
                       from jsonb_to_recordset(${json(refused)}) as x("messageId" uuid, code text, title text)
                       where m.id = x."messageId" and m.status = 'queued'`);
  await tx.execute(sql`update campaign_recipients r set status = 'failed', failed_at = now(), error_code = x.code, error_title = x.title, updated_at = now()
                       from jsonb_to_recordset(${json(refused)}) as x("messageId" uuid, code text, title text)
                       where r.message_id = x."messageId" and r.status = 'sending'`);
}

/**
 * Gives back sends that were claimed but never handed to Meta (the campaign was paused or cancelled
 * meanwhile): their queued messages are removed from the conversations and the recipients return to
 * `pending` (or become `cancelled`), without counting the attempt.
 */
export async function releaseUnsent(tx: Db, campaignId: string, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  const ids = sql`${`{${messageIds.join(',')}}`}::uuid[]`;
  await tx.execute(sql`update campaign_recipients r
                       set status = (case when c.status = 'cancelled' then 'cancelled' else 'pending' end)::campaign_recipient_status,
                           attempts = greatest(r.attempts - 1, 0), message_id = null, updated_at = now()
                       from campaigns c
                       where c.id = ${campaignId} and r.campaign_id = c.id and r.status = 'sending' and r.message_id = any(${ids})`);
  await tx.execute(sql`delete from messages where id = any(${ids}) and status = 'queued' and provider_message_id is null`);
}
