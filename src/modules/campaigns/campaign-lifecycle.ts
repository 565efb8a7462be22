import { eq, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type CampaignRow, campaigns, channels } from '../../db/schema/index.ts';
import { conflict } from '../../shared/errors.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { publishProgress } from './campaign-progress.ts';
import { computeStats } from './campaign-stats.ts';
import { findCampaign } from './campaigns.repository.ts';
import { rebatchPending } from './dispatch/fan-out.ts';
import { DISPATCH_PRIORITY } from './dispatch/send-batch.job.ts';
import { startCampaignJob } from './dispatch/start-campaign.job.ts';

/** Enqueues the start of a campaign (now, or at its scheduled time) inside the caller's transaction. */
export async function enqueueStart(tx: Db, deps: Pick<Deps, 'queue'>, campaign: Pick<CampaignRow, 'id'>, runAt?: Date): Promise<void> {
  await deps.queue.enqueue(startCampaignJob, { campaignId: campaign.id }, { idempotencyKey: `${campaign.id}:${runAt?.toISOString() ?? 'now'}`, runAt, tx, priority: DISPATCH_PRIORITY });
}

function stateConflict(row: CampaignRow, action: string): Error {
  return conflict(`A ${row.status} campaign cannot be ${action}`, 'campaign_state_conflict');
}

/** Changes a campaign under a row lock, records it in the audit log, and tells dashboards. */
async function transition(
  deps: Pick<Deps, 'database' | 'queue'>,
  organizationId: string,
  id: string,
  actor: AuditActor,
  action: string,
  change: (tx: Db, row: CampaignRow) => Promise<Partial<typeof campaigns.$inferInsert>>,
): Promise<CampaignRow> {
  const db = deps.database.db;
  const updated = await db.transaction(async (tx) => {
    const row = await findCampaign(tx, organizationId, id, { lock: true });
    const set = await change(tx, row);
    const [after] = await tx.update(campaigns).set({ ...set, updatedAt: new Date() }).where(eq(campaigns.id, id)).returning();
    await recordAudit(tx, { organizationId, actor, action: `campaign.${action}`, targetType: 'campaign', targetId: id, data: { name: row.name } });
    return after!;
  });
  await publishProgress(db, updated, await computeStats(db, id));
  return updated;
}

/** Pauses a sending campaign: batches stop before their next sends; what is in flight completes. */
export function pauseCampaign(deps: Pick<Deps, 'database' | 'queue'>, organizationId: string, id: string, actor: AuditActor) {
  return transition(deps, organizationId, id, actor, 'paused', async (_tx, row) => {
    if (row.status !== 'sending') throw stateConflict(row, 'paused');
    return { status: 'paused', pausedAt: new Date(), pauseReasonCode: null, pauseReasonDetail: null };
  });
}

/**
 * Resumes a paused campaign: pending recipients go into new batches (nobody already sent is sent
 * again); a campaign paused before its recipients were written starts from the beginning.
 */
export function resumeCampaign(deps: Pick<Deps, 'database' | 'queue'>, organizationId: string, id: string, actor: AuditActor) {
  return transition(deps, organizationId, id, actor, 'resumed', async (tx, row) => {
    if (row.status !== 'paused') throw stateConflict(row, 'resumed');
    await tx.update(campaigns).set({ status: 'sending' }).where(eq(campaigns.id, row.id));
    if (!row.materializedAt) await enqueueStart(tx, deps, row);
    else {
      const [channel] = await tx.select({ mps: channels.throughputMps }).from(channels).where(eq(channels.id, row.channelId));
      await rebatchPending(tx, deps, row, channel?.mps ?? 80);
    }
    return { status: 'sending', pausedAt: null, pauseReasonCode: null, pauseReasonDetail: null, finishedAt: null };
  });
}

/** Cancels a campaign that has not finished: nothing more is sent and no resend happens. */
export function cancelCampaign(deps: Pick<Deps, 'database' | 'queue'>, organizationId: string, id: string, actor: AuditActor) {
  return transition(deps, organizationId, id, actor, 'cancelled', async (tx, row) => {
    if (!['draft', 'scheduled', 'sending', 'paused'].includes(row.status)) throw stateConflict(row, 'cancelled');
    await tx.execute(sql`update campaign_recipients set status = 'cancelled', updated_at = now() where campaign_id = ${row.id} and status = 'pending'`);
    await tx.execute(sql`update campaign_recipients set next_attempt_at = null, finalized_at = coalesce(finalized_at, now()), updated_at = now()
                         where campaign_id = ${row.id} and status = 'failed'`);
    return { status: 'cancelled', cancelledAt: new Date() };
  });
}

/** Starts a draft or scheduled campaign now ("skip scheduling and send now"). Checks are the caller's. */
export async function startNow(tx: Db, deps: Pick<Deps, 'queue'>, row: CampaignRow): Promise<Partial<typeof campaigns.$inferInsert>> {
  if (!['draft', 'scheduled'].includes(row.status)) throw stateConflict(row, 'sent');
  await enqueueStart(tx, deps, row);
  return { status: 'sending', scheduledAt: null, startedAt: new Date() };
}
