import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { CampaignStats } from '../../db/schema/index.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';

/** Empty totals (a campaign before its recipients are written). */
export const EMPTY_STATS: CampaignStats = { total: 0, pending: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0, cancelled: 0, replied: 0, retrying: 0 };

const STATS_SELECT = sql`count(*)::int as total,
  count(*) filter (where status in ('pending', 'sending'))::int as pending,
  count(*) filter (where status in ('sent', 'delivered', 'read'))::int as sent,
  count(*) filter (where status in ('delivered', 'read'))::int as delivered,
  count(*) filter (where status = 'read')::int as read,
  count(*) filter (where status = 'failed')::int as failed,
  count(*) filter (where status = 'skipped')::int as skipped,
  count(*) filter (where status = 'cancelled')::int as cancelled,
  count(*) filter (where replied_at is not null)::int as replied,
  count(*) filter (where status = 'failed' and next_attempt_at is not null)::int as retrying`;

/** The live totals of one campaign (one pass over its recipients, by the campaign index). */
export async function computeStats(db: Db, campaignId: string): Promise<CampaignStats> {
  const [row] = await rowsOf<CampaignStats>(db, sql`select ${STATS_SELECT} from campaign_recipients where campaign_id = ${campaignId}`);
  return row ?? EMPTY_STATS;
}

/**
 * Recomputes the stored totals of the campaigns still changing (sending, paused, or finished in the
 * last week: deliveries, reads and replies keep arriving) and returns those whose totals changed —
 * lists read the stored totals, and each change becomes a `campaign.progress` event.
 */
export async function refreshActiveStats(db: Db): Promise<{ id: string; organizationId: string; status: string; stats: CampaignStats }[]> {
  return rowsOf(
    db,
    sql`with active as (
          select id from campaigns
          where materialized_at is not null
            and (status in ('sending', 'paused') or (status in ('finished', 'cancelled') and coalesce(finished_at, cancelled_at, updated_at) > now() - interval '7 days'))
        ), fresh as (
          select r.campaign_id as id, jsonb_build_object(
            'total', count(*), 'pending', count(*) filter (where r.status in ('pending', 'sending')),
            'sent', count(*) filter (where r.status in ('sent', 'delivered', 'read')),
            'delivered', count(*) filter (where r.status in ('delivered', 'read')),
            'read', count(*) filter (where r.status = 'read'), 'failed', count(*) filter (where r.status = 'failed'),
            'skipped', count(*) filter (where r.status = 'skipped'), 'cancelled', count(*) filter (where r.status = 'cancelled'),
            'replied', count(*) filter (where r.replied_at is not null),
            'retrying', count(*) filter (where r.status = 'failed' and r.next_attempt_at is not null)) as stats
          from campaign_recipients r join active a on a.id = r.campaign_id group by r.campaign_id
        )
        update campaigns c set stats = fresh.stats, stats_refreshed_at = now()
        from fresh where c.id = fresh.id and c.stats is distinct from fresh.stats
        returning c.id, c.organization_id as "organizationId", c.status, c.stats`,
  );
}

/** A rate as the list shows it: `33.33% 1/3`. */
export function rateOf(count: number, total: number) {
  const percent = total > 0 ? Math.round((count / total) * 10_000) / 100 : 0;
  return { percent, count, total, label: `${percent.toFixed(2)}% ${count}/${total}` };
}

/** Delivery, read and reply rates over every recipient. */
export function ratesOf(stats: CampaignStats) {
  return { delivery: rateOf(stats.delivered, stats.total), read: rateOf(stats.read, stats.total), replied: rateOf(stats.replied, stats.total) };
}

/** Stored totals with every key present (older rows, or a campaign never refreshed). */
export function statsOf(stored: Partial<CampaignStats> | Record<string, never>): CampaignStats {
  return { ...EMPTY_STATS, ...stored };
}
