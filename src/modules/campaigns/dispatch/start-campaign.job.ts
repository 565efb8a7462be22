import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../../container.ts';
import { campaigns, channels } from '../../../db/schema/index.ts';
import { defineJob, type JobHandler } from '../../../jobs/queue.ts';
import { finishIfDone, publishProgress } from '../campaign-progress.ts';
import { computeStats } from '../campaign-stats.ts';
import { materializeRecipients } from './fan-out.ts';

/**
 * Starts a campaign: a scheduled one whose time has come becomes `sending`; then its recipients are
 * written once and one send job per batch enqueued — all in one transaction, so a crash before the
 * commit leaves nothing half done and a run after it changes nothing.
 */
export const startCampaignJob = defineJob({
  name: 'campaigns.start',
  payload: z.object({ campaignId: z.uuid() }),
  maxAttempts: 10,
  backoff: { baseMs: 5_000, maxMs: 5 * 60_000 },
  leaseMs: 120_000,
});

/** The handler. */
export function startCampaignHandler(deps: Pick<Deps, 'database' | 'queue' | 'logger'>): JobHandler<{ campaignId: string }> {
  return async ({ campaignId }) => {
    const db = deps.database.db;
    const started = await db.transaction(async (tx) => {
      // "Due" on the database's clock, the one the queue claims jobs by (`run_at <= now()`) and the tick
      // finds due campaigns by: on this process's clock, a worker whose clock lags the database's would
      // find the campaign not due yet and complete the job — and the tick's job for it, whose key is
      // taken once per scheduled time — so the campaign would never start.
      const [row] = await tx
        .select({ campaign: campaigns, due: sql<boolean>`${campaigns.scheduledAt} <= now()` })
        .from(campaigns)
        .where(eq(campaigns.id, campaignId))
        .for('update');
      const campaign = row?.campaign;
      if (!campaign || campaign.materializedAt) return null;
      const due = campaign.status === 'scheduled' && row.due === true;
      if (!due && campaign.status !== 'sending') return null;
      const [channel] = await tx.select({ throughputMps: channels.throughputMps }).from(channels).where(eq(channels.id, campaign.channelId));
      const now = new Date();
      const recipients = await materializeRecipients(tx, deps, campaign, channel?.throughputMps ?? 80);
      await tx
        .update(campaigns)
        .set({ status: 'sending', startedAt: campaign.startedAt ?? now, materializedAt: now, updatedAt: now })
        .where(eq(campaigns.id, campaign.id));
      return { campaign, recipients };
    });
    if (!started) return;
    deps.logger.info({ campaignId, recipients: started.recipients }, 'campaign started');
    const finished = await finishIfDone(db, campaignId);
    const status = finished ? 'finished' : 'sending';
    const stats = await computeStats(db, campaignId);
    // Stored at once (lists read the stored totals; the periodic refresh keeps them after this), unless a refresh got there first.
    await db.update(campaigns).set({ stats, statsRefreshedAt: new Date() }).where(and(eq(campaigns.id, campaignId), isNull(campaigns.statsRefreshedAt)));
    await publishProgress(db, { id: campaignId, organizationId: started.campaign.organizationId, status }, stats);
  };
}
