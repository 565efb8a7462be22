import { z } from 'zod';
import { describeGraphError } from '../../adapters/whatsapp-cloud/index.ts';
import type { Message } from '../../db/schema/index.ts';
import type { Locale } from '../../shared/i18n.ts';
import { isOwnFailureCode, ti } from './inbox.i18n.ts';

const iso = z.iso.datetime();

/** Media attached to a message, as the API shows it. */
export const messageMediaSchema = z.object({
  state: z.enum(['pending', 'ready', 'failed']).describe('Inbound media is downloaded from the provider right after it arrives.'),
  fileId: z.uuid().nullable().describe('The stored file (see `GET /api/v1/files/{id}`); null until the media is downloaded.'),
  url: z.string().nullable().describe('Authenticated download URL (same credentials as the API).'),
  mimeType: z.string().nullable().describe('The media\'s MIME type, e.g. `image/jpeg`; null when not known yet.'),
  filename: z.string().nullable().describe('The file name, for documents; null when it has none.'),
  size: z.number().int().nullable().describe('Size in bytes; null when not known yet.'),
});

/** A message as the API shows it. */
export const messageSchema = z.object({
  id: z.uuid().describe('Message id.'),
  conversationId: z.uuid().describe('The conversation it belongs to.'),
  channelId: z.uuid().describe('The channel it came in or went out on.'),
  direction: z.enum(['in', 'out']).describe('`in`: from the contact; `out`: to the contact (or an internal note).'),
  type: z.string().describe('text, image, audio, video, document, sticker, location, contacts, interactive, button, reaction, template, order, system, unsupported…'),
  body: z.string().nullable().describe('The readable text (body, caption, chosen option, template preview).'),
  payload: z.record(z.string(), z.unknown()).describe('Type-specific content.'),
  private: z.boolean().describe('An internal note: never sent to the contact.'),
  author: z
    .object({
      type: z.enum(['contact', 'member', 'assistant', 'system']).describe('`contact`, a team `member`, the AI `assistant` or the `system` (automations, campaigns, API keys).'),
      membershipId: z.uuid().nullable().describe('The team member\'s membership id; null for other authors.'),
      name: z.string().nullable().describe('The author\'s display name; null when unknown.'),
    })
    .describe('Who wrote the message.'),
  status: z
    .enum(['received', 'queued', 'sent', 'delivered', 'read', 'played', 'failed'])
    .describe('Inbound: `received`. Outbound: `queued`, then `sent`, `delivered`, `read` (or `played` for voice notes), or `failed`.'),
  error: z
    .object({
      code: z.string().describe('The error code: WhatsApp\'s numeric code, or one of Charla\'s own codes.'),
      title: z.string().nullable().describe('The provider\'s short title of the error; null when it gave none.'),
      message: z.string().describe('What went wrong, in words.'),
    })
    .nullable()
    .describe('Why sending failed; null unless `status` is `failed`.'),
  media: messageMediaSchema.nullable().describe('The attached media; null for messages without media.'),
  replyToId: z.uuid().nullable().describe('The message this one quotes; null when it quotes none.'),
  providerMessageId: z.string().nullable().describe('The channel\'s id for the message (WhatsApp `wamid`, `wc:…` on web chat); null for notes and messages not sent yet.'),
  sentAt: iso.nullable().describe('When the provider accepted it; null until then.'),
  deliveredAt: iso.nullable().describe('When it reached the contact\'s device; null until then.'),
  readAt: iso.nullable().describe('When the contact read it; null until then (or when read receipts are off).'),
  failedAt: iso.nullable().describe('When it failed; null unless it failed.'),
  createdAt: iso.describe('When the message was received or written.'),
});
/** A presented message. */
export type MessageView = z.infer<typeof messageSchema>;

const mediaPayload = z.object({
  state: z.enum(['pending', 'ready', 'failed']).default('pending'),
  mimeType: z.string().nullable().optional(),
  filename: z.string().nullable().optional(),
  size: z.number().int().nullable().optional(),
});

/** Presents a message row; `authorName` comes from a join with the member, when there is one. */
export function presentMessage(row: Message, locale: Locale, authorName: string | null = null): MessageView {
  const media = mediaPayload.safeParse(row.payload.media);
  const hasMedia = row.fileId !== null || media.success;
  return {
    id: row.id,
    conversationId: row.conversationId,
    channelId: row.channelId,
    direction: row.direction,
    type: row.type,
    body: row.body,
    payload: row.payload,
    private: row.isPrivate,
    author: { type: row.authorType, membershipId: row.authorMembershipId, name: authorName },
    status: row.status,
    error: row.errorCode ? { code: row.errorCode, title: row.errorTitle, message: errorMessage(row.errorCode, row.errorTitle, locale) } : null,
    media: hasMedia
      ? {
          state: row.fileId ? 'ready' : media.success ? media.data.state : 'pending',
          fileId: row.fileId,
          url: row.fileId ? `/api/v1/files/${row.fileId}/content` : null,
          mimeType: media.success ? (media.data.mimeType ?? null) : null,
          filename: media.success ? (media.data.filename ?? null) : null,
          size: media.success ? (media.data.size ?? null) : null,
        }
      : null,
    replyToId: row.replyToMessageId,
    providerMessageId: row.providerMessageId,
    sentAt: row.sentAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    readAt: row.readAt?.toISOString() ?? null,
    failedAt: row.failedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Failure reasons in words: Meta's codes through the adapter's catalog, our own codes as stored. */
function errorMessage(code: string, title: string | null, locale: Locale): string {
  if (/^-?\d+$/.test(code)) return describeGraphError(Number(code), locale);
  if (isOwnFailureCode(code)) return ti(locale, code);
  return title ?? code;
}
