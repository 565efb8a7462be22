import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { MessageTemplate, TemplateStatusUpdate } from '../../adapters/whatsapp-cloud/types.ts';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Channel, channels, type MessageTemplateRow, messageTemplates } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { whatsAppClientFor } from '../channels/whatsapp-client.ts';
import { mapMetaStatus } from './meta-status.ts';

/** What one sync did. */
export interface SyncOutcome {
  created: number;
  updated: number;
  removed: number;
  failedChannels: { channelId: string; message: string }[];
}

const CATEGORIES = new Set(['marketing', 'utility', 'authentication']);

/**
 * Reads every template of each WhatsApp channel's business account from Meta and makes the stored
 * ones match: templates created elsewhere (Meta's manager, another tool) are imported, statuses and
 * contents updated, and templates deleted at Meta removed. A channel that cannot be read is reported
 * and left as it was.
 */
export async function syncTemplates(deps: Pick<Deps, 'database' | 'secrets' | 'logger'>, organizationId: string, channelId?: string): Promise<SyncOutcome> {
  const rows = await deps.database.db
    .select()
    .from(channels)
    .where(and(eq(channels.organizationId, organizationId), eq(channels.type, 'whatsapp'), isNull(channels.deletedAt), channelId ? eq(channels.id, channelId) : undefined));
  const outcome: SyncOutcome = { created: 0, updated: 0, removed: 0, failedChannels: [] };
  for (const channel of rows) {
    try {
      const r = await syncChannelTemplates(deps, channel);
      outcome.created += r.created;
      outcome.updated += r.updated;
      outcome.removed += r.removed;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.warn({ channelId: channel.id, err: message }, 'template sync failed for a channel');
      outcome.failedChannels.push({ channelId: channel.id, message });
    }
  }
  return outcome;
}

/** Syncs one channel (see `syncTemplates`). Throws when Meta cannot be read. */
export async function syncChannelTemplates(deps: Pick<Deps, 'database' | 'secrets'>, channel: Channel): Promise<Omit<SyncOutcome, 'failedChannels'>> {
  const started = new Date();
  const remote = await whatsAppClientFor(deps.secrets, channel).listAllTemplates();
  const db = deps.database.db;
  return db.transaction(async (tx) => {
    // One sync per channel at a time: two would race on inserting the same imported template.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`templates-sync:${channel.id}`}, 0))`);
    const existing = await tx.select().from(messageTemplates).where(eq(messageTemplates.channelId, channel.id));
    const byMetaId = new Map(existing.filter((t) => t.metaTemplateId).map((t) => [t.metaTemplateId!, t]));
    const byName = new Map(existing.map((t) => [`${t.name}\u0000${t.language}`, t]));
    let created = 0;
    let updated = 0;
    const seen = new Set<string>();
    for (const t of remote) {
      const category = t.category.toLowerCase();
      if (!CATEGORIES.has(category)) continue;
      const row = byMetaId.get(t.id) ?? byName.get(`${t.name}\u0000${t.language}`);
      const status = mapMetaStatus(t.status) ?? row?.status ?? 'pending';
      const values = {
        name: t.name,
        language: t.language,
        category: category as MessageTemplateRow['category'],
        parameterFormat: t.parameterFormat === 'NAMED' ? ('named' as const) : ('positional' as const),
        status,
        statusReason: status === 'rejected' ? (t.rejectedReason ?? row?.statusReason ?? null) : status === row?.status ? row.statusReason : null,
        components: t.components,
        unsupportedComponents: t.otherComponents ?? [],
        metaTemplateId: t.id,
        lastSyncedAt: started,
      };
      if (row) {
        seen.add(row.id);
        if (!sameTemplate(row, values)) {
          await tx
            .update(messageTemplates)
            .set({ ...values, statusChangedAt: status !== row.status ? started : row.statusChangedAt, updatedAt: started })
            .where(eq(messageTemplates.id, row.id));
          updated++;
        } else {
          await tx.update(messageTemplates).set({ lastSyncedAt: started }).where(eq(messageTemplates.id, row.id));
        }
      } else {
        await tx.insert(messageTemplates).values({ id: newId(), organizationId: channel.organizationId, channelId: channel.id, ...values, statusChangedAt: started });
        created++;
      }
    }
    // Gone at Meta. Rows created after the list was read (a submission racing the sync) are kept.
    const gone = existing.filter((t) => !seen.has(t.id) && t.createdAt < started).map((t) => t.id);
    let removed = 0;
    for (const id of gone) {
      const deleted = await tx.delete(messageTemplates).where(and(eq(messageTemplates.id, id), lt(messageTemplates.createdAt, started))).returning({ id: messageTemplates.id });
      removed += deleted.length;
    }
    return { created, updated, removed };
  });
}

function sameTemplate(row: MessageTemplateRow, v: Pick<MessageTemplateRow, 'name' | 'category' | 'status' | 'statusReason' | 'parameterFormat' | 'metaTemplateId'> & { components: MessageTemplate['components']; unsupportedComponents: unknown[] }) {
  return (
    row.name === v.name &&
    row.category === v.category &&
    row.status === v.status &&
    row.statusReason === v.statusReason &&
    row.parameterFormat === v.parameterFormat &&
    row.metaTemplateId === v.metaTemplateId &&
    JSON.stringify(row.components) === JSON.stringify(v.components) &&
    JSON.stringify(row.unsupportedComponents) === JSON.stringify(v.unsupportedComponents)
  );
}

/**
 * Applies `message_template_status_update` webhooks of a channel: the new status with Meta's reason,
 * recommendation or pause details; FLAGGED and REINSTATED change the quality; DELETED removes the row.
 * Updates for templates Charla does not know yet are skipped (the next sync imports them).
 * Idempotent: applying the same update twice leaves the same row.
 */
export async function applyTemplateStatusUpdates(db: Db, channel: Pick<Channel, 'id'>, updates: TemplateStatusUpdate[]): Promise<number> {
  let applied = 0;
  for (const u of updates) {
    const where = and(
      eq(messageTemplates.channelId, channel.id),
      or(eq(messageTemplates.metaTemplateId, u.templateId), and(eq(messageTemplates.name, u.name), eq(messageTemplates.language, u.language))),
    );
    const event = u.event.toUpperCase();
    if (event === 'DELETED') {
      applied += (await db.delete(messageTemplates).where(where).returning({ id: messageTemplates.id })).length;
      continue;
    }
    const at = u.timestamp ?? new Date();
    const status = mapMetaStatus(event);
    const quality = event === 'FLAGGED' || event === 'PAUSED' ? 'low' : event === 'REINSTATED' ? 'medium' : undefined;
    const reason = u.rejectionInfo?.reason ?? (u.reason && u.reason !== 'NONE' ? u.reason : null);
    const detail = u.rejectionInfo?.recommendation || u.otherInfo?.description || null;
    if (!status && !quality) continue;
    const set: Partial<typeof messageTemplates.$inferInsert> = { updatedAt: new Date() };
    if (status) Object.assign(set, { status, statusReason: status === 'approved' ? null : reason, statusDetail: status === 'approved' ? null : detail, statusChangedAt: at });
    if (quality) set.quality = quality;
    if (u.category && CATEGORIES.has(u.category.toLowerCase())) set.category = u.category.toLowerCase() as MessageTemplateRow['category'];
    applied += (await db.update(messageTemplates).set(set).where(where).returning({ id: messageTemplates.id })).length;
  }
  return applied;
}
