import { and, eq, isNull } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type CampaignAudience, type CampaignRow, type CampaignVariableSource, campaigns, channels } from '../../db/schema/index.ts';
import { AppError, conflict, validationError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { getGroup } from '../contacts/index.ts';
import { enqueueStart, startNow } from './campaign-lifecycle.ts';
import { publishProgress } from './campaign-progress.ts';
import { EMPTY_STATS } from './campaign-stats.ts';
import { audienceCounts, audienceGroupIds, customFieldKeys, loadCampaignTemplate } from './campaign-template.ts';
import { checkMapping } from './campaign-variables.ts';
import { findCampaign, orgCampaignContext } from './campaigns.repository.ts';
import type { CreateCampaignBody, UpdateCampaignBody } from './campaigns.schemas.ts';
import { parseScheduledAt } from './schedule-time.ts';

/** Scheduled times must be at least this far ahead. */
const MIN_LEAD_MS = 60_000;

/** What a campaign will send, checked: every refusal a person can fix, with a clear code. */
interface ReadyCheck {
  templateId: string;
  variables: Record<string, CampaignVariableSource>;
  audience: CampaignAudience;
}

/**
 * Refuses what cannot be sent: no approved template (422 `template_not_approved`), unmapped or
 * invalid variables (400 `variables_unmapped`, per parameter), unknown groups (400), an audience
 * that reaches nobody (422 `audience_empty`, with the exclusions), a disabled channel.
 */
async function checkReady(db: Db, organizationId: string, input: ReadyCheck): Promise<Awaited<ReturnType<typeof loadCampaignTemplate>> & { channelId: string }> {
  const t = await loadCampaignTemplate(db, organizationId, input.templateId, true);
  const issues = checkMapping(t.parameters, input.variables, await customFieldKeys(db, organizationId));
  if (issues.length) throw validationError('Map every variable of the template to a value', issues, 'variables_unmapped');
  await checkGroups(db, organizationId, input.audience);
  const [channel] = await db.select().from(channels).where(and(eq(channels.id, t.row.channelId), isNull(channels.deletedAt)));
  if (channel?.status !== 'active') throw new AppError('unprocessable', 'channel_unavailable', 'The template\'s WhatsApp channel is disabled or deleted');
  const counts = await audienceCounts(db, organizationId, input.audience, t.snapshot.category);
  if (counts.recipients === 0) {
    const why = [`${counts.total} contacts match`, counts.excludedNoPhone ? `${counts.excludedNoPhone} without a WhatsApp number` : '', counts.excludedNoConsent ? `${counts.excludedNoConsent} without ${t.snapshot.category === 'marketing' ? 'marketing consent' : 'consent (revoked)'}` : '']
      .filter(Boolean)
      .join(', ');
    throw new AppError('unprocessable', 'audience_empty', `The audience reaches nobody (${why})`);
  }
  return { ...t, channelId: channel.id };
}

async function checkGroups(db: Db, organizationId: string, audience: CampaignAudience) {
  for (const [i, groupId] of audienceGroupIds(audience).entries()) {
    try {
      await getGroup(db, organizationId, groupId);
    } catch (err) {
      if (!(err instanceof AppError) || err.kind !== 'not_found') throw err;
      const path = audience.kind === 'groups' ? `audience.groupIds.${i}` : `audience.filter.groupIds.${i}`;
      throw validationError('No such group', [{ path, message: 'Not a group of this organization' }], 'group_not_found');
    }
  }
}

async function scheduledInstant(db: Db, organizationId: string, value: string | null | undefined, required: boolean): Promise<Date | null> {
  if (!value) {
    if (required) throw validationError('Choose when to send', [{ path: 'scheduledAt', message: 'Required to schedule' }], 'schedule_required');
    return null;
  }
  const { timezone } = await orgCampaignContext(db, organizationId);
  const at = parseScheduledAt(value, timezone);
  if (!at) throw validationError('Invalid date and time', [{ path: 'scheduledAt', message: 'Not a valid date and time' }], 'schedule_invalid');
  if (at.getTime() < Date.now() + MIN_LEAD_MS) {
    throw validationError('The time is in the past', [{ path: 'scheduledAt', message: `Choose a time at least a minute from now (in ${timezone}), or send now` }], 'schedule_in_past');
  }
  return at;
}

/** Creates a campaign as a draft, scheduled, or sending now. */
export async function createCampaign(deps: Pick<Deps, 'database' | 'queue'>, organizationId: string, body: CreateCampaignBody, actor: AuditActor): Promise<CampaignRow> {
  const db = deps.database.db;
  const ready = body.action !== 'draft';
  const t = ready ? await checkReady(db, organizationId, body) : { ...(await loadCampaignTemplate(db, organizationId, body.templateId, false)), channelId: '' };
  if (!ready) await checkGroups(db, organizationId, body.audience);
  const scheduledAt = await scheduledInstant(db, organizationId, body.scheduledAt, body.action === 'schedule');
  const now = new Date();
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(campaigns)
      .values({
        id: newId(),
        organizationId,
        channelId: t.channelId || t.row.channelId,
        templateId: t.row.id,
        template: t.snapshot,
        name: body.name,
        status: 'draft',
        audience: body.audience,
        variables: body.variables,
        scheduledAt,
        stats: EMPTY_STATS,
        createdByLabel: actor.label ?? actor.principal?.label ?? '',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    let current = created!;
    if (body.action === 'schedule' && scheduledAt) {
      [current = current] = await tx.update(campaigns).set({ status: 'scheduled' }).where(eq(campaigns.id, current.id)).returning();
      await enqueueStart(tx, deps, current, scheduledAt);
    } else if (body.action === 'send') {
      [current = current] = await tx.update(campaigns).set(await startNow(tx, deps, current)).where(eq(campaigns.id, current.id)).returning();
    }
    await recordAudit(tx, { organizationId, actor, action: 'campaign.created', targetType: 'campaign', targetId: current!.id, data: { name: body.name, action: body.action } });
    return current!;
  });
  await publishProgress(db, row, EMPTY_STATS);
  return row;
}

/** Edits a draft or scheduled campaign (a scheduled one is checked again as if scheduled anew). */
export async function updateCampaign(deps: Pick<Deps, 'database' | 'queue'>, organizationId: string, id: string, body: UpdateCampaignBody, actor: AuditActor): Promise<CampaignRow> {
  const db = deps.database.db;
  const row = await findCampaign(db, organizationId, id);
  if (row.status !== 'draft' && row.status !== 'scheduled') throw conflict(`A ${row.status} campaign cannot be edited`, 'campaign_not_editable');
  const next = { templateId: body.templateId ?? row.templateId ?? '', variables: body.variables ?? row.variables, audience: body.audience ?? row.audience };
  if (!next.templateId) throw validationError('Choose a template', [{ path: 'templateId', message: 'Required' }], 'template_required');
  const t = row.status === 'scheduled' ? await checkReady(db, organizationId, next) : await loadCampaignTemplate(db, organizationId, next.templateId, false);
  if (row.status === 'draft') await checkGroups(db, organizationId, next.audience);
  const scheduledAt = body.scheduledAt === undefined ? row.scheduledAt : await scheduledInstant(db, organizationId, body.scheduledAt, row.status === 'scheduled');
  return db.transaction(async (tx) => {
    const locked = await findCampaign(tx, organizationId, id, { lock: true });
    if (locked.status !== row.status) throw conflict('The campaign changed meanwhile; reload it', 'campaign_not_editable');
    const [updated] = await tx
      .update(campaigns)
      .set({
        name: body.name ?? row.name,
        templateId: t.row.id,
        template: t.snapshot,
        channelId: t.row.channelId,
        variables: next.variables,
        audience: next.audience,
        scheduledAt,
        updatedAt: new Date(),
      })
      .where(eq(campaigns.id, id))
      .returning();
    // A moved schedule gets its own start job; the old one finds the time changed and does nothing.
    if (row.status === 'scheduled' && scheduledAt && scheduledAt.getTime() !== row.scheduledAt?.getTime()) await enqueueStart(tx, deps, updated!, scheduledAt);
    await recordAudit(tx, { organizationId, actor, action: 'campaign.updated', targetType: 'campaign', targetId: id, data: { name: updated!.name } });
    return updated!;
  });
}

/** Schedules a draft (or moves a scheduled campaign) to a time in the organization's time zone. */
export async function scheduleCampaign(deps: Pick<Deps, 'database' | 'queue'>, organizationId: string, id: string, when: string, actor: AuditActor): Promise<CampaignRow> {
  const db = deps.database.db;
  const row = await findCampaign(db, organizationId, id);
  if (row.status !== 'draft' && row.status !== 'scheduled') throw conflict(`A ${row.status} campaign cannot be scheduled`, 'campaign_state_conflict');
  await checkReady(db, organizationId, { templateId: row.templateId ?? '', variables: row.variables, audience: row.audience });
  const at = (await scheduledInstant(db, organizationId, when, true))!;
  return db.transaction(async (tx) => {
    const locked = await findCampaign(tx, organizationId, id, { lock: true });
    if (locked.status !== 'draft' && locked.status !== 'scheduled') throw conflict(`A ${locked.status} campaign cannot be scheduled`, 'campaign_state_conflict');
    const [updated] = await tx.update(campaigns).set({ status: 'scheduled', scheduledAt: at, updatedAt: new Date() }).where(eq(campaigns.id, id)).returning();
    await enqueueStart(tx, deps, updated!, at);
    await recordAudit(tx, { organizationId, actor, action: 'campaign.scheduled', targetType: 'campaign', targetId: id, data: { scheduledAt: at.toISOString() } });
    return updated!;
  });
}

/** Sends a draft or scheduled campaign now. */
export async function sendCampaignNow(deps: Pick<Deps, 'database' | 'queue'>, organizationId: string, id: string, actor: AuditActor): Promise<CampaignRow> {
  const db = deps.database.db;
  const row = await findCampaign(db, organizationId, id);
  if (row.status !== 'draft' && row.status !== 'scheduled') throw conflict(`A ${row.status} campaign cannot be sent`, 'campaign_state_conflict');
  await checkReady(db, organizationId, { templateId: row.templateId ?? '', variables: row.variables, audience: row.audience });
  const updated = await db.transaction(async (tx) => {
    const locked = await findCampaign(tx, organizationId, id, { lock: true });
    const [after] = await tx.update(campaigns).set({ ...(await startNow(tx, deps, locked)), updatedAt: new Date() }).where(eq(campaigns.id, id)).returning();
    await recordAudit(tx, { organizationId, actor, action: 'campaign.sent', targetType: 'campaign', targetId: id, data: { name: locked.name } });
    return after!;
  });
  await publishProgress(db, updated, EMPTY_STATS);
  return updated;
}

/** Deletes a campaign that is not sending (its messages stay in the conversations). */
export async function deleteCampaign(deps: Pick<Deps, 'database'>, organizationId: string, id: string, actor: AuditActor): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    const row = await findCampaign(tx, organizationId, id, { lock: true });
    if (row.status === 'sending' || row.status === 'paused') throw conflict('Cancel the campaign before deleting it', 'campaign_state_conflict');
    await tx.delete(campaigns).where(eq(campaigns.id, id));
    await recordAudit(tx, { organizationId, actor, action: 'campaign.deleted', targetType: 'campaign', targetId: id, data: { name: row.name } });
  });
}
