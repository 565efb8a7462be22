import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { GraphApiError } from '../../../adapters/whatsapp-cloud/index.ts';
import type { Deps } from '../../../container.ts';
import { channels, messages } from '../../../db/schema/index.ts';
import { defineJob, type JobHandler } from '../../../jobs/queue.ts';
import { RetryableError } from '../../../shared/errors.ts';
import { whatsAppClientFor } from '../../channels/whatsapp-client.ts';

/**
 * Tells WhatsApp an inbound message (and every earlier one) was read, so the customer sees blue
 * ticks once an agent opened the conversation. Best effort: a permanent refusal is logged, not retried.
 */
export const markReadJob = defineJob({
  name: 'inbox.mark-read',
  payload: z.object({ messageId: z.uuid() }),
  maxAttempts: 4,
  backoff: { baseMs: 5_000, maxMs: 60_000 },
});

/** The handler. */
export function markReadHandler(deps: Pick<Deps, 'database' | 'secrets' | 'logger'>): JobHandler<{ messageId: string }> {
  return async ({ messageId }) => {
    const [row] = await deps.database.db
      .select({ message: messages, channel: channels })
      .from(messages)
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .where(eq(messages.id, messageId));
    if (!row?.message.providerMessageId || row.channel.type !== 'whatsapp' || row.channel.status !== 'active' || row.channel.deletedAt) return;
    try {
      await whatsAppClientFor(deps.secrets, row.channel).markRead(row.message.providerMessageId);
    } catch (err) {
      if (err instanceof GraphApiError && err.retryable) throw new RetryableError(`mark as read: ${err.message}`, err.retryAfterMs);
      deps.logger.warn({ err, messageId }, 'WhatsApp refused to mark a message read');
    }
  };
}
