import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../../container.ts';
import { campaigns, channels } from '../../../db/schema/index.ts';
import { rowsOf, sqlTextArray } from '../../../jobs/pg-queue.ts';
import { defineJob, type JobHandler } from '../../../jobs/queue.ts';
import { finishIfDone, publishProgress } from '../campaign-progress.ts';
import { refreshActiveStats } from '../campaign-stats.ts';
import { orgCampaignContext } from '../campaigns.repository.ts';
import { rebatchPending } from '../dispatch/fan-out.ts';
import { DISPATCH_PRIORITY, sendBatchJob } from '../dispatch/send-batch.job.ts';
import { startCampaignJob } from '../dispatch/start-campaign.job.ts';
import { RESENDABLE_CODES } from '../error-policy.ts';

/**
 * The campaigns' clock (every 15 seconds): starts scheduled campaigns whose time came, plans and
 * starts automatic resends at the organization's intervals, finalizes failures (moving contacts to
 * the failed group when configured), recovers sends a dead worker left behind, finishes campaigns and
 * refreshes their totals (each change is a `campaign.progress` event). Every step is set-based and
 * idempotent, so two workers running it at once do no harm.
 */
export const campaignTickJob = defineJob({ name: 'campaigns.tick', payload: z.object({}), maxAttempts: 2, leaseMs: 120_000 });

/** The handler. */
export function campaignTickHandler(deps: Pick<Deps, 'database' | 'queue' | 'logger' | 'config'>): JobHandler<Record<string, never>> {
  return async () => {
    await startDueCampaigns(deps);
    await planResends(deps);
    await startDueResends(deps);
    await moveFinalFailures(deps);
    await recoverStuckSends(deps);
    const db = deps.database.db;
    const sending = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.status, 'sending'));
    for (const c of sending) await finishIfDone(db, c.id);
    for (const changed of await refreshActiveStats(db)) await publishProgress(db, changed, changed.stats);
  };
}

/** Scheduled campaigns whose time has come (the start job enqueued at scheduling time is the fast path). */
async function startDueCampaigns(deps: Pick<Deps, 'database' | 'queue'>) {
  const due = await deps.database.rows<{ id: string; at: string }>(
    sql`select id, scheduled_at::text as at from campaigns where status = 'scheduled' and scheduled_at <= now()`,
  );
  for (const c of due) await deps.queue.enqueue(startCampaignJob, { campaignId: c.id }, { idempotencyKey: `${c.id}:${c.at}`, priority: DISPATCH_PRIORITY });
}

/**
 * For each new failure: a resend time when the code is temporary, resends are on and attempts remain
 * (first attempt + the organization's n-th interval), else the failure is final. Cancelled campaigns
 * resend nothing; paused ones wait until they resume.
 */
async function planResends(deps: Pick<Deps, 'database'>) {
  const db = deps.database.db;
  const pending = await deps.database.rows<{ id: string; organization_id: string; status: string }>(
    sql`select c.id, c.organization_id, c.status from campaigns c
        where c.status in ('sending', 'finished', 'cancelled')
          and exists (select 1 from campaign_recipients r where r.campaign_id = c.id and r.status = 'failed' and r.finalized_at is null and r.next_attempt_at is null)`,
  );
  for (const c of pending) {
    const { settings } = await orgCampaignContext(db, c.organization_id);
    const enabled = settings.resendEnabled && c.status !== 'cancelled';
    const hours = `{${settings.retryIntervalsHours.join(',')}}`;
    await db.execute(sql`update campaign_recipients set
        next_attempt_at = case when resend then greatest(coalesce(first_attempt_at, now()) + (${hours}::float8[])[attempts] * interval '1 hour', now()) end,
        finalized_at = case when resend then null else now() end,
        updated_at = now()
      from (select id as rid, (${enabled} and error_code = any(${sqlTextArray(RESENDABLE_CODES)}) and attempts <= ${settings.retryIntervalsHours.length}) as resend
            from campaign_recipients where campaign_id = ${c.id} and status = 'failed' and finalized_at is null and next_attempt_at is null) plan
      where id = plan.rid`);
  }
}

/** Resends that fell due: the recipients go back to `pending` and into new batches; the campaign sends again. */
async function startDueResends(deps: Pick<Deps, 'database' | 'queue' | 'logger'>) {
  const due = await deps.database.rows<{ id: string }>(
    sql`select distinct r.campaign_id as id from campaign_recipients r join campaigns c on c.id = r.campaign_id
        where r.status = 'failed' and r.next_attempt_at <= now() and c.status in ('sending', 'finished')`,
  );
  for (const { id } of due) {
    const n = await deps.database.db.transaction(async (tx) => {
      const [campaign] = await tx.select().from(campaigns).where(eq(campaigns.id, id)).for('update');
      if (!campaign || !['sending', 'finished'].includes(campaign.status)) return 0;
      const moved = await rowsOf(
        tx,
        sql`update campaign_recipients set status = 'pending', next_attempt_at = null, updated_at = now()
            where campaign_id = ${id} and status = 'failed' and next_attempt_at <= now() returning id`,
      );
      if (!moved.length) return 0;
      await tx.update(campaigns).set({ status: 'sending', finishedAt: null, updatedAt: new Date() }).where(eq(campaigns.id, id));
      const [channel] = await tx.select({ mps: channels.throughputMps }).from(channels).where(eq(channels.id, campaign.channelId));
      await rebatchPending(tx, deps, campaign, channel?.mps ?? 80);
      return moved.length;
    });
    if (n) deps.logger.info({ campaignId: id, recipients: n }, 'campaign resend started');
  }
}

/**
 * Final failures go to the organization's "failed contacts" group when that setting is on (failures
 * finalized in the last day: the tick runs every 15 seconds, so nothing waits longer than that).
 */
async function moveFinalFailures(deps: Pick<Deps, 'database'>) {
  const db = deps.database.db;
  const orgs = await deps.database.rows<{ organization_id: string }>(
    sql`select distinct organization_id from campaign_recipients
        where status = 'failed' and moved_to_group_at is null and finalized_at > now() - interval '1 day'`,
  );
  for (const { organization_id: orgId } of orgs) {
    const { settings } = await orgCampaignContext(db, orgId);
    if (!settings.moveFailedToGroup || !settings.failedGroupId) continue;
    await db.transaction(async (tx) => {
      const moved = await rowsOf<{ contact_id: string }>(
        tx,
        sql`update campaign_recipients set moved_to_group_at = now()
            where organization_id = ${orgId} and status = 'failed' and moved_to_group_at is null and finalized_at > now() - interval '1 day'
              and exists (select 1 from contact_groups g where g.id = ${settings.failedGroupId} and g.organization_id = ${orgId})
            returning contact_id`,
      );
      if (!moved.length) return;
      await tx.execute(sql`insert into contact_group_members (organization_id, group_id, contact_id)
                           select ${orgId}::uuid, ${settings.failedGroupId}::uuid, x.id
                           from unnest(${`{${[...new Set(moved.map((m) => m.contact_id))].join(',')}}`}::uuid[]) as x(id)
                           on conflict do nothing`);
    });
  }
}

/**
 * Batches with recipients stuck in `sending` past the in-doubt grace (their job gave up, or the
 * campaign was paused mid-send and resumed) are run again; the batch job settles them.
 */
async function recoverStuckSends(deps: Pick<Deps, 'database' | 'queue' | 'config'>) {
  const graceMs = deps.config.campaigns.inDoubtGraceMs;
  const stuck = await deps.database.rows<{ campaign_id: string; batch: number }>(
    sql`select distinct r.campaign_id, r.batch from campaign_recipients r
        join campaigns c on c.id = r.campaign_id and c.status = 'sending'
        join messages m on m.id = r.message_id
        where r.status = 'sending' and r.updated_at < now() - make_interval(secs => ${(graceMs * 2) / 1000})
          and not exists (select 1 from jobs j where j.name = ${sendBatchJob.name} and j.state in ('queued', 'running')
                          and j.payload->>'campaignId' = r.campaign_id::text and (j.payload->>'batch')::int = r.batch)`,
  );
  const slot = Math.floor(Date.now() / graceMs);
  for (const s of stuck) {
    await deps.queue.enqueue(sendBatchJob, { campaignId: s.campaign_id, batch: s.batch }, { idempotencyKey: `${s.campaign_id}:${s.batch}:recover:${slot}`, priority: DISPATCH_PRIORITY });
  }
}
