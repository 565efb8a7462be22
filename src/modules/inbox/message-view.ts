import { z } from 'zod';
import { describeGraphError } from '../../adapters/whatsapp-cloud/index.ts';
import type { Message } from '../../db/schema/index.ts';
import type { Locale } from '../../shared/i18n.ts';
import { isOwnFailureCode, ti } from './inbox.i18n.ts';

const iso = z.iso.datetime();

/** Media attached to a message, as the API shows it. */
export const messageMediaSchema = z.object({
  state: z.enum(['pending', 'ready', 'failed']).describe('Inbound media is downloaded from the provider right after it arrives.'),
  fileId: z.uuid().nullable(),
  url: z.string().nullable().describe('Authenticated download URL (same credentials as the API).'),
  mimeType: z.string().nullable(),
  filename: z.string().nullable(),
  size: z.number().int().nullable(),
});

/** A message as the API shows it. */
export const messageSchema = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  channelId: z.uuid(),
  direction: z.enum(['in', 'out']),
  type: z.string().describe('text, image, audio, video, document, sticker, location, contacts, interactive, button, reaction, template, order, system, unsupported…'),
  body: z.string().nullable().describe('The readable text (body, caption, chosen option, template preview).'),
  payload: z.record(z.string(), z.unknown()).describe('Type-specific content.'),
  private: z.boolean().describe('An internal note: never sent to the contact.'),
  author: z.object({
    type: z.enum(['contact', 'member', 'assistant', 'system']),
    membershipId: z.uuid().nullable(),
    name: z.string().nullable(),
  }),
  status: z.enum(['received', 'queued', 'sent', 'delivered', 'read', 'played', 'failed']),
  error: z
    .object({ code: z.string(), title: z.string().nullable(), message: z.string().describe('What went wrong, in words.') })
    .nullable(),
  media: messageMediaSchema.nullable(),
  replyToId: z.uuid().nullable(),
  providerMessageId: z.string().nullable(),
  sentAt: iso.nullable(),
  deliveredAt: iso.nullable(),
  readAt: iso.nullable(),
  failedAt: iso.nullable(),
  createdAt: iso,
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
