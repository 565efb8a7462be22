import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { CampaignStats } from '../../db/schema/index.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { publishInboxEvent } from '../inbox/realtime.ts';
import { computeStats } from './campaign-stats.ts';

/**
 * Tells dashboards how a campaign stands (`campaign.progress` on the organization's event stream;
 * only campaign managers receive it). Inside a transaction it goes out on commit.
 */
export async function publishProgress(db: Db, campaign: { id: string; organizationId: string; status: string }, stats: CampaignStats): Promise<void> {
  await publishInboxEvent(db, {
    type: 'campaign.progress',
    organizationId: campaign.organizationId,
    conversationId: '',
    assigneeId: null,
    data: { campaignId: campaign.id, status: campaign.status, stats },
  });
}

const lastPublished = new Map<string, number>();

/**
 * How often a sending campaign's progress is published: every second, less often for big campaigns —
 * each publication counts all the recipients (~0.7 ms of database time per thousand), and a
 * 100,000-recipient campaign counted every second took about 7 % of a core while it sent — at most every 5 s.
 */
export function progressIntervalMs(recipients: number): number {
  return Math.min(5000, Math.max(1000, Math.round(recipients / 20)));
}

/**
 * Publishes progress at most once per {@link progressIntervalMs} per campaign from this process
 * (batches finish many times a second on a fast number); the periodic refresh catches whatever this skips.
 */
export async function publishProgressThrottled(db: Db, campaign: { id: string; organizationId: string; status: string; stats?: Partial<CampaignStats> }): Promise<void> {
  const now = Date.now();
  if (now - (lastPublished.get(campaign.id) ?? 0) < progressIntervalMs(campaign.stats?.total ?? 0)) return;
  lastPublished.set(campaign.id, now);
  if (lastPublished.size > 1000) lastPublished.clear();
  await publishProgress(db, campaign, await computeStats(db, campaign.id));
}

/**
 * Marks a sending campaign finished once none of its recipients is pending or being sent. Safe to call
 * from every batch: only the first call that finds it done changes it.
 */
export async function finishIfDone(db: Db, campaignId: string): Promise<{ id: string; organization_id: string; status: string } | undefined> {
  const [row] = await rowsOf<{ id: string; organization_id: string; status: string }>(
    db,
    sql`update campaigns set status = 'finished', finished_at = now(), updated_at = now()
        where id = ${campaignId} and status = 'sending' and materialized_at is not null
          and not exists (select 1 from campaign_recipients where campaign_id = ${campaignId} and status in ('pending', 'sending'))
        returning id, organization_id, status`,
  );
  return row;
}
