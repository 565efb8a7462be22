import { eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../../container.ts';
import type { Database } from '../../../db/client.ts';
import { channels, webhookEvents } from '../../../db/schema/index.ts';
import { coalesce } from '../../../jobs/coalesce.ts';
import { defineJob, type JobHandler } from '../../../jobs/queue.ts';
import { statusApplier } from '../../inbox/apply-status.ts';
import { inboundRecorder } from '../../inbox/record-inbound-batch.ts';
import { applyTemplateStatusUpdates } from '../../templates/index.ts';
import { onInboundMessage } from '../../assistant/index.ts';
import { planWebhook, storedNotes, type WebhookPlan } from '../webhook-plan.ts';
import { toInboundRecord, toStatusReport } from '../whatsapp-inbound.ts';

/**
 * Processes stored webhook deliveries — the ones stored in one ingest transaction (`eventIds`; a single
 * `eventId` from earlier versions too): every entry, change, message and status in them. Idempotent:
 * messages are deduplicated on their wamid and statuses only move forward, so running it again after
 * a crash (or for a delivery Meta repeated with different bytes) changes nothing, and a delivery
 * already processed is skipped.
 */
export const processWebhookJob = defineJob({
  name: 'channels.process-webhook',
  payload: z.union([z.object({ eventIds: z.array(z.uuid()).min(1).max(1_000) }), z.object({ eventId: z.uuid() })]),
  maxAttempts: 10,
  backoff: { baseMs: 2_000, maxMs: 10 * 60_000 },
});

/** The handler. */
export function processWebhookHandler(deps: Pick<Deps, 'database' | 'queue' | 'logger'>): JobHandler<{ eventIds: string[] } | { eventId: string }> {
  const db = deps.database.db;
  // Deliveries claimed together are loaded, and marked processed, with one statement per batch
  // (instead of two per delivery); each job still waits for its own row to be stored.
  const load = coalesce(async (ids: string[]) => {
    // Only the channel's columns processing needs (its credentials and settings are not read here).
    const rows = await db
      .select({ event: webhookEvents, channel: { id: channels.id, organizationId: channels.organizationId, type: channels.type, phoneNumberId: channels.phoneNumberId } })
      .from(webhookEvents)
      .innerJoin(channels, eq(channels.id, webhookEvents.channelId))
      .where(inArray(webhookEvents.id, ids));
    const byId = new Map(rows.map((r) => [r.event.id, r]));
    return ids.map((id) => byId.get(id));
  });
  const markProcessed = coalesce(async (items: { id: string; notes: string[] | null }[]) => {
    await db.execute(
      sql`update webhook_events w set processed_at = now(), notes = r.notes
          from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as r(id uuid, notes jsonb)
          where w.id = r.id`,
    );
    return items.map(() => undefined);
  });
  // Statuses of deliveries processed at the same time share one transaction (a campaign's webhooks
  // are mostly statuses: a handful of statements per batch instead of several per status).
  const applyStatus = statusApplier(deps);
  // Likewise new customers' messages: one transaction per channel and batch (inbox module).
  const recordInbound = inboundRecorder(deps);
  // The deliveries of a job are processed side by side, so their messages and statuses share the
  // batched transactions above; one that fails does not stop the others (the job's retry skips those
  // already processed).
  return async (payload) => {
    const ids = 'eventIds' in payload ? payload.eventIds : [payload.eventId];
    const failed = (await Promise.allSettled(ids.map(processEvent))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  async function processEvent(eventId: string): Promise<void> {
    const row = await load(eventId);
    if (!row || row.event.processedAt) return;
    const { event, channel } = row;
    let plan: WebhookPlan;
    try {
      plan = planWebhook(channel.phoneNumberId ?? '', JSON.parse(event.body ?? ''));
    } catch {
      const empty = planWebhook(channel.phoneNumberId ?? '', undefined);
      plan = { ...empty, notes: ['body is not JSON', ...empty.notes] };
    }
    const { notes } = plan;
    // Also on a duplicate: if a crash came between recording and enqueueing, this enqueues it (same key).
    await Promise.all(plan.inbound.map(async (message) => onInboundMessage(deps, await recordInbound(toInboundRecord(channel, message)))));
    await Promise.all(plan.statuses.map((status) => applyStatus({ channel, providerMessageId: status.wamid, report: toStatusReport(status) })));
    if (plan.templateUpdates.length) {
      const applied = await applyTemplateStatusUpdates(db, channel, plan.templateUpdates);
      if (applied < plan.templateUpdates.length) notes.push(`${plan.templateUpdates.length - applied} template update(s) for templates not synced yet`);
    }
    if (notes.length) deps.logger.info({ eventId, channelId: channel.id, notes }, 'webhook processed with notes');

    await markProcessed({ id: eventId, notes: storedNotes(notes) });
    await recordWebhookSeen(deps.database, channel.id);
  }
}

/**
 * Notes that the channel's webhooks arrive (`last_webhook_at`). At most once a minute per channel and
 * process: a busy number sends thousands of webhooks per minute, so this process does not even ask
 * more often than that.
 */
export async function recordWebhookSeen(database: Database, channelId: string): Promise<void> {
  if (!lastWebhookTouch.due(database, channelId)) return;
  await database.db
    .update(channels)
    .set({ lastWebhookAt: sql`now()` })
    .where(sql`${channels.id} = ${channelId} and (${channels.lastWebhookAt} is null or ${channels.lastWebhookAt} < now() - interval '1 minute')`);
}

/** When this process last recorded a channel's `last_webhook_at` (per database handle). */
const lastWebhookTouch = {
  byDatabase: new WeakMap<Database, Map<string, number>>(),
  /** True (and noted) when the channel was not touched by this process in the last minute. */
  due(database: Database, channelId: string): boolean {
    let touched = this.byDatabase.get(database);
    if (!touched) {
      touched = new Map();
      this.byDatabase.set(database, touched);
    }
    const now = Date.now();
    const last = touched.get(channelId);
    if (last !== undefined && now - last < 60_000) return false;
    if (touched.size > 10_000) touched.clear();
    touched.set(channelId, now);
    return true;
  },
};
