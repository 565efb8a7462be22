import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { GraphApiError } from '../../../adapters/whatsapp-cloud/index.ts';
import type { Deps } from '../../../container.ts';
import { channels, conversations, messages } from '../../../db/schema/index.ts';
import { defineJob, type JobHandler } from '../../../jobs/queue.ts';
import { RetryableError } from '../../../shared/errors.ts';
import { whatsAppClientFor } from '../../channels/whatsapp-client.ts';
import { storeFile } from '../files.service.ts';
import { loadInboxSettings } from '../inbox-settings.ts';
import { presentMessage } from '../message-view.ts';
import { publishInboxEvent } from '../realtime.ts';

/**
 * Fetches the media of an inbound message into Charla's storage. Enqueued in the same transaction
 * that records the message, so it runs right away: the download URL Meta hands out lives only five
 * minutes, which is why each attempt asks for a fresh URL (the media id itself lasts seven days).
 */
export const downloadMediaJob = defineJob({
  name: 'inbox.download-media',
  payload: z.object({ messageId: z.uuid() }),
  maxAttempts: 8,
  backoff: { baseMs: 3_000, maxMs: 10 * 60_000 },
  leaseMs: 180_000,
});

const mediaRef = z.object({ providerMediaId: z.string().min(1), mimeType: z.string().optional(), filename: z.string().optional() }).loose();

/** The handler: idempotent (a message that already has its file is left alone). */
export function downloadMediaHandler(deps: Pick<Deps, 'database' | 'secrets' | 'storage' | 'logger'>): JobHandler<{ messageId: string }> {
  return async ({ messageId }, ctx) => {
    const db = deps.database.db;
    const [row] = await db
      .select({ message: messages, channel: channels })
      .from(messages)
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .where(eq(messages.id, messageId));
    if (!row || row.message.fileId || row.channel.type !== 'whatsapp') return;
    const ref = mediaRef.safeParse(row.message.payload.media);
    if (!ref.success) return;
    const { message, channel } = row;

    let media: { data: Buffer; mimeType: string };
    try {
      media = await whatsAppClientFor(deps.secrets, channel).fetchMedia(ref.data.providerMediaId);
    } catch (err) {
      const lastAttempt = ctx.attempt >= (downloadMediaJob.maxAttempts ?? 1);
      if (err instanceof GraphApiError && ((!err.retryable && ctx.attempt >= 2) || lastAttempt)) {
        // Expired or unknown media cannot be fetched later either. (The first permanent answer is
        // retried once, in case the media was still being processed on Meta's side.)
        await markMedia(deps, message.id, { state: 'failed', errorCode: String(err.code) });
        return;
      }
      if (err instanceof GraphApiError) throw new RetryableError(`media download: ${err.message}`, err.retryAfterMs);
      throw err;
    }
    const file = await storeFile(deps, db, {
      organizationId: message.organizationId,
      data: media.data,
      mimeType: media.mimeType,
      filename: ref.data.filename ?? null,
      source: 'inbound',
      conversationId: message.conversationId,
    });
    await markMedia(deps, message.id, { state: 'ready', fileId: file.id, size: file.size, mimeType: file.mimeType });
  };
}

async function markMedia(
  deps: Pick<Deps, 'database'>,
  messageId: string,
  change: { state: 'ready' | 'failed'; fileId?: string; size?: number; mimeType?: string; errorCode?: string },
) {
  const db = deps.database.db;
  await db.transaction(async (tx) => {
    const [current] = await tx.select().from(messages).where(eq(messages.id, messageId)).for('update');
    if (!current || current.fileId) return;
    const previous = z.record(z.string(), z.unknown()).catch({}).parse(current.payload.media);
    const media = {
      ...previous,
      state: change.state,
      ...(change.size !== undefined ? { size: change.size } : {}),
      ...(change.mimeType ? { mimeType: change.mimeType } : {}),
      ...(change.errorCode ? { errorCode: change.errorCode } : {}),
    };
    const [updated] = await tx
      .update(messages)
      .set({ fileId: change.fileId ?? null, payload: { ...current.payload, media }, updatedAt: new Date() })
      .where(eq(messages.id, messageId))
      .returning();
    const [conversation] = await tx
      .select({ assigneeId: conversations.assigneeId })
      .from(conversations)
      .where(and(eq(conversations.id, current.conversationId), eq(conversations.organizationId, current.organizationId)));
    const { locale } = await loadInboxSettings(tx, current.organizationId);
    await publishInboxEvent(tx, {
      type: 'message.status',
      organizationId: current.organizationId,
      conversationId: current.conversationId,
      assigneeId: conversation?.assigneeId ?? null,
      messageId,
      isPrivate: false,
      data: presentMessage(updated!, locale),
    });
  });
}
