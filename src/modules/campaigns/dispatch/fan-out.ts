import { eq, sql } from 'drizzle-orm';
import type { Deps } from '../../../container.ts';
import type { Db } from '../../../db/client.ts';
import { type CampaignRow, campaigns } from '../../../db/schema/index.ts';
import { rowsOf } from '../../../jobs/pg-queue.ts';
import { recipientsWhere } from '../campaign-template.ts';
import { SQL_NEW_ID } from '../campaigns.repository.ts';
import { PACING_HEADROOM } from './deliver-batch.ts';
import { DISPATCH_PRIORITY, sendBatchJob } from './send-batch.job.ts';

/**
 * Recipients per send batch: about a quarter of a second of the number's throughput (25 at 80/s, 250
 * at 1,000/s), so one batch job keeps the number busy for a moment and a few in parallel fill it.
 */
export function batchSizeFor(throughputMps: number): number {
  return Math.min(250, Math.max(25, Math.round(throughputMps / 4)));
}

/**
 * How long before its first send is due a batch job becomes runnable: enough to be picked up (the
 * runner polls for delayed jobs every second) and to claim its recipients, so the number never idles
 * between batches.
 */
export const BATCH_LEAD_MS = 2_000;

/**
 * Batch jobs become due at the number's pace — batch n about n × (size / rate) after the first, less
 * {@link BATCH_LEAD_MS} — instead of all at once: only the few batches that can send now hold worker
 * slots (the status webhooks and other jobs keep theirs), and recipients are claimed moments before
 * their sends, not while queueing for seconds behind other batches. Batches that fall behind simply
 * run as soon as a worker is free; the shared rate limiter keeps the actual sends at the number's rate.
 */
export function batchRunAt(index: number, batchSize: number, throughputMps: number, now = Date.now()): Date {
  const spanMs = (batchSize * 1000) / Math.max(1, throughputMps * PACING_HEADROOM);
  return new Date(now + Math.max(0, Math.round(index * spanMs) - BATCH_LEAD_MS));
}

/**
 * Writes the campaign's recipients once — one INSERT … SELECT over the audience, unique per campaign
 * and contact, so running it again adds nobody — numbered into send batches, and enqueues one job per
 * batch (paced, see {@link batchRunAt}) in the same transaction. Returns how many recipients were written.
 */
export async function materializeRecipients(tx: Db, deps: Pick<Deps, 'queue'>, campaign: CampaignRow, throughputMps: number): Promise<number> {
  const batchSize = batchSizeFor(throughputMps);
  const where = await recipientsWhere(tx, campaign.organizationId, campaign.audience, campaign.template.category);
  const seq = campaign.batchSeq;
  const [row] = await rowsOf<{ n: number; max: number }>(
    tx,
    sql`with ins as (
          insert into campaign_recipients (id, organization_id, campaign_id, contact_id, phone, batch, status)
          select ${SQL_NEW_ID}, ${campaign.organizationId}::uuid, ${campaign.id}::uuid, contacts.id,
                 coalesce(contacts.phone, '+' || contacts.wa_id),
                 ${seq} + 1 + ((row_number() over (order by contacts.id)) - 1) / ${batchSize},
                 'pending'
          from contacts where ${where}
          on conflict (campaign_id, contact_id) do nothing
          returning batch
        )
        select count(*)::int as n, coalesce(max(batch), ${seq})::int as max from ins`,
  );
  await enqueueBatches(tx, deps, campaign.id, seq, row?.max ?? seq, batchSize, throughputMps);
  return row?.n ?? 0;
}

/**
 * Hands every `pending` recipient of the campaign to new send batches (after a resume, or when resends
 * fall due) and enqueues them. New batch numbers mean new job keys, so nothing waits on a job that
 * already ran. Call inside the transaction that changed the campaign; returns how many were batched.
 */
export async function rebatchPending(tx: Db, deps: Pick<Deps, 'queue'>, campaign: Pick<CampaignRow, 'id'>, throughputMps: number): Promise<number> {
  const batchSize = batchSizeFor(throughputMps);
  const [current] = await tx.select({ seq: campaigns.batchSeq }).from(campaigns).where(eq(campaigns.id, campaign.id)).for('update');
  const seq = current?.seq ?? 0;
  const [row] = await rowsOf<{ n: number; max: number }>(
    tx,
    sql`with p as (
          select id, row_number() over (order by id) - 1 as rn from campaign_recipients
          where campaign_id = ${campaign.id} and status = 'pending'
        ), u as (
          update campaign_recipients r set batch = ${seq} + 1 + p.rn / ${batchSize}, updated_at = now()
          from p where r.id = p.id returning r.batch
        )
        select count(*)::int as n, coalesce(max(batch), ${seq})::int as max from u`,
  );
  await enqueueBatches(tx, deps, campaign.id, seq, row?.max ?? seq, batchSize, throughputMps);
  return row?.n ?? 0;
}

async function enqueueBatches(tx: Db, deps: Pick<Deps, 'queue'>, campaignId: string, from: number, to: number, batchSize: number, throughputMps: number): Promise<void> {
  if (to <= from) return;
  await tx.update(campaigns).set({ batchSeq: to }).where(eq(campaigns.id, campaignId));
  const items = [];
  const now = Date.now();
  for (let batch = from + 1; batch <= to; batch++) {
    const runAt = batchRunAt(batch - from - 1, batchSize, throughputMps, now);
    items.push({ payload: { campaignId, batch }, options: { idempotencyKey: `${campaignId}:${batch}`, runAt, priority: DISPATCH_PRIORITY } });
  }
  for (let i = 0; i < items.length; i += 1000) await deps.queue.enqueueMany(sendBatchJob, items.slice(i, i + 1000), tx);
}
