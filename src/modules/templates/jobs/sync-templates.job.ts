import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../../container.ts';
import { channels } from '../../../db/schema/index.ts';
import { defineJob, type JobHandler } from '../../../jobs/queue.ts';
import { toJobError } from '../../../adapters/whatsapp-cloud/graph-errors.ts';
import { syncChannelTemplates } from '../sync-templates.ts';

/** The periodic sync: one job per active WhatsApp channel, so one slow or broken account delays no other. */
export const syncAllTemplatesJob = defineJob({ name: 'templates.sync-all', payload: z.object({}), maxAttempts: 3 });

/** Syncs one channel's templates with Meta (imports templates created elsewhere, statuses, deletions). */
export const syncChannelTemplatesJob = defineJob({
  name: 'templates.sync-channel',
  payload: z.object({ channelId: z.uuid() }),
  maxAttempts: 4,
  backoff: { baseMs: 30_000, maxMs: 10 * 60_000 },
});

/** Fans the periodic sync out to every active WhatsApp channel. */
export function syncAllTemplatesHandler(deps: Pick<Deps, 'database' | 'queue'>): JobHandler<Record<string, never>> {
  return async (_payload, ctx) => {
    const rows = await deps.database.db
      .select({ id: channels.id })
      .from(channels)
      .where(and(eq(channels.type, 'whatsapp'), eq(channels.status, 'active'), isNull(channels.deletedAt)));
    await deps.queue.enqueueMany(
      syncChannelTemplatesJob,
      rows.map((r) => ({ payload: { channelId: r.id }, options: { idempotencyKey: `${ctx.jobId}:${r.id}` } })),
    );
  };
}

/** The per-channel handler; Meta's failures are retried (temporary) or end the job (credentials, permissions). */
export function syncChannelTemplatesHandler(deps: Pick<Deps, 'database' | 'secrets'>): JobHandler<{ channelId: string }> {
  return async ({ channelId }) => {
    const [channel] = await deps.database.db
      .select()
      .from(channels)
      .where(and(eq(channels.id, channelId), eq(channels.type, 'whatsapp'), isNull(channels.deletedAt)));
    if (channel?.status !== 'active') return;
    try {
      await syncChannelTemplates(deps, channel);
    } catch (err) {
      throw toJobError(err);
    }
  };
}
