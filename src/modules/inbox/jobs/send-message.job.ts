import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { GraphApiError } from '../../../adapters/whatsapp-cloud/index.ts';
import type { Deps } from '../../../container.ts';
import { channels, contacts, conversations, files, type Message, messages } from '../../../db/schema/index.ts';
import { defineJob, type JobContext, type JobHandler } from '../../../jobs/queue.ts';
import { RetryableError } from '../../../shared/errors.ts';
import { whatsAppClientFor } from '../../channels/whatsapp-client.ts';
import { applyToMessage, recordProviderId } from '../apply-status.ts';
import { loadInboxSettings } from '../inbox-settings.ts';
import { whatsAppMessageOf } from '../outbound-content.ts';

/**
 * Sends one queued outbound message to WhatsApp. The job's idempotency key is the message id and the
 * handler does nothing for a message that is no longer queued, so a message is handed to Meta once
 * per successful run. (Meta has no request idempotency key: if a worker dies after Meta accepted the
 * message but before its id was stored, the retry sends it again — the window is one HTTP answer.)
 */
export const sendMessageJob = defineJob({
  name: 'inbox.send-message',
  payload: z.object({ messageId: z.uuid() }),
  maxAttempts: 8,
  backoff: { baseMs: 2_000, maxMs: 5 * 60_000 },
});

/** Rate limits that concern the whole number (not one recipient): the next sends on it wait too. */
const NUMBER_WIDE_LIMITS = new Set([130429, 80007, 4, 613, 131057]);

/** The handler. */
export function sendMessageHandler(deps: Pick<Deps, 'database' | 'secrets' | 'storage' | 'rateLimiter' | 'logger'>): JobHandler<{ messageId: string }> {
  return async ({ messageId }, ctx) => {
    const db = deps.database.db;
    const [row] = await db
      .select({ message: messages, channel: channels, contact: contacts, conversation: conversations })
      .from(messages)
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(eq(messages.id, messageId));
    if (row?.message.status !== 'queued' || row.message.direction !== 'out') return;
    const { message, channel, contact } = row;
    const lastAttempt = ctx.attempt >= (sendMessageJob.maxAttempts ?? 1);

    if (channel.type !== 'whatsapp' || channel.status !== 'active' || channel.deletedAt) return fail(deps, message, 'channel_unavailable');
    const to = contact.waId ?? contact.phone?.replace(/\D/g, '');
    if (!to) return fail(deps, message, '131026', 'The contact has no WhatsApp number');

    let client: ReturnType<typeof whatsAppClientFor>;
    try {
      client = whatsAppClientFor(deps.secrets, channel);
    } catch {
      return fail(deps, message, 'credentials_unreadable');
    }
    const key = `wa:${channel.id}`;
    try {
      const mediaId = await uploadIfNeeded(deps, client, message);
      if (mediaId === null) return fail(deps, message, 'media_unavailable');
      const refs = await providerRefs(deps, message);
      const outbound = whatsAppMessageOf(message, { mediaId, ...refs, callbackData: message.id });
      await deps.rateLimiter.acquire(key, channel.throughputMps, 1, 1, ctx.signal);
      const result = await client.sendMessage(to, outbound);
      const { locale } = await loadInboxSettings(db, message.organizationId);
      await db.transaction((tx) => recordProviderId(tx, message, result.wamid, new Date(), locale));
    } catch (err) {
      await handleSendError(deps, message, err, key, ctx, lastAttempt);
    }
  };
}

async function handleSendError(deps: Pick<Deps, 'database' | 'rateLimiter' | 'logger'>, message: Message, err: unknown, key: string, ctx: JobContext, lastAttempt: boolean) {
  if (!(err instanceof GraphApiError)) {
    if (lastAttempt) return fail(deps, message, 'send_attempts_exhausted');
    throw err;
  }
  if (err.classification === 'rate_limited') {
    // Throughput limits slow every send on the number; a pair limit (131056) only this recipient.
    if (NUMBER_WIDE_LIMITS.has(err.code) && err.retryAfterMs) await deps.rateLimiter.penalize(key, err.retryAfterMs);
    if (lastAttempt) return fail(deps, message, String(err.code), err.title ?? null);
    throw new RetryableError(`WhatsApp rate limit ${err.code}`, err.retryAfterMs);
  }
  if (err.classification === 'retryable') {
    if (lastAttempt) return fail(deps, message, String(err.code), err.title ?? null);
    deps.logger.warn({ messageId: message.id, code: err.code, attempt: ctx.attempt }, 'WhatsApp send failed; will retry');
    throw new RetryableError(`WhatsApp temporary error ${err.code}: ${err.message}`);
  }
  return fail(deps, message, String(err.code), [err.title, err.details].filter(Boolean).join(': ') || null);
}

/** Marks the message failed (with a code the API explains in words) and tells the dashboards. */
async function fail(deps: Pick<Deps, 'database'>, message: Message, code: string, title: string | null = null): Promise<void> {
  const { locale } = await loadInboxSettings(deps.database.db, message.organizationId);
  await deps.database.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(messages).where(eq(messages.id, message.id)).for('update');
    if (locked?.status !== 'queued') return;
    await applyToMessage(tx, locked, { status: 'failed', occurredAt: new Date(), error: { code, title } }, locale);
  });
}

/**
 * Uploads an attached file to WhatsApp once and remembers the media id (valid 30 days) on the message,
 * so retries do not upload again. Returns undefined for link media, null when the file is gone.
 */
async function uploadIfNeeded(deps: Pick<Deps, 'database' | 'storage'>, client: ReturnType<typeof whatsAppClientFor>, message: Message): Promise<string | null | undefined> {
  if (!message.fileId) return undefined;
  const media = z.record(z.string(), z.unknown()).catch({}).parse(message.payload.media);
  if (typeof media.providerMediaId === 'string') return media.providerMediaId;
  const [file] = await deps.database.db.select().from(files).where(eq(files.id, message.fileId));
  if (!file) return null;
  let data: Buffer;
  try {
    data = await deps.storage.read(file.storageKey);
  } catch {
    return null;
  }
  const { id } = await client.uploadMedia(data, file.mimeType, file.filename ?? `file-${file.id}`);
  await deps.database.db
    .update(messages)
    .set({ payload: { ...message.payload, media: { ...media, providerMediaId: id } } })
    .where(eq(messages.id, message.id));
  return id;
}

/** Provider ids of the quoted or reacted-to message. */
async function providerRefs(deps: Pick<Deps, 'database'>, message: Message): Promise<{ replyToWamid?: string; reactionTargetWamid?: string }> {
  if (!message.replyToMessageId) return {};
  const [target] = await deps.database.db.select({ wamid: messages.providerMessageId }).from(messages).where(eq(messages.id, message.replyToMessageId));
  const wamid = target?.wamid ?? undefined;
  return message.type === 'reaction' ? { reactionTargetWamid: wamid } : { replyToWamid: wamid };
}
