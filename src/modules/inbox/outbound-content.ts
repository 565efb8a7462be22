import { z } from 'zod';
import type { OutboundMessage, TemplateComponentInput, TemplateParameter } from '../../adapters/whatsapp-cloud/index.ts';
import type { StoredFile } from '../../db/schema/index.ts';
import { unprocessable } from '../../shared/errors.ts';
import { interactiveInput, type OutboundBody, templateInput } from './inbox.schemas.ts';

/** What an outbound message stores: its type, readable text and the content needed to send it. */
export interface StoredContent {
  type: string;
  body: string | null;
  payload: Record<string, unknown>;
  fileId: string | null;
}

/** WhatsApp's accepted formats and sizes per media type (Cloud API media reference). */
const MEDIA_RULES: Record<string, { mimes: RegExp; maxBytes: number }> = {
  image: { mimes: /^image\/(jpeg|png)$/, maxBytes: 5 * 1024 * 1024 },
  video: { mimes: /^video\/(mp4|3gpp)$/, maxBytes: 16 * 1024 * 1024 },
  audio: { mimes: /^audio\/(aac|amr|mpeg|mp4|ogg)$/, maxBytes: 16 * 1024 * 1024 },
  document: { mimes: /^(text\/plain|application\/(pdf|msword|vnd\.ms-excel|vnd\.ms-powerpoint|vnd\.openxmlformats-officedocument\..+))$/, maxBytes: 100 * 1024 * 1024 },
  sticker: { mimes: /^image\/webp$/, maxBytes: 500 * 1024 },
};

/**
 * Turns a validated request into what the message row stores. Uploaded files are checked against
 * WhatsApp's formats and sizes here, so the person gets a clear 422 instead of a failed message later.
 */
export function storedContentOf(body: Exclude<OutboundBody, { type: 'reaction' }>, file: StoredFile | null, channelType: 'whatsapp' | 'webchat'): StoredContent {
  switch (body.type) {
    case 'text':
      return { type: 'text', body: body.text, payload: body.previewUrl ? { previewUrl: true } : {}, fileId: null };
    case 'media': {
      if (file && channelType === 'whatsapp') {
        const rule = MEDIA_RULES[body.mediaType]!;
        // Parameters do not matter to WhatsApp: an Ogg voice note is `audio/ogg; codecs=opus`.
        if (!rule.mimes.test(file.mimeType.split(';')[0]!.trim().toLowerCase())) {
          throw unprocessable(`WhatsApp does not accept ${file.mimeType} as ${body.mediaType}`, 'unsupported_media_type');
        }
        if (file.size > rule.maxBytes) {
          throw unprocessable(`The file is larger than WhatsApp allows for ${body.mediaType} (${Math.round(rule.maxBytes / 1024)} KB)`, 'media_too_large');
        }
      }
      const media = {
        state: 'ready',
        link: body.link ?? null,
        mimeType: file?.mimeType ?? null,
        filename: body.filename ?? file?.filename ?? null,
        size: file?.size ?? null,
      };
      return { type: body.mediaType, body: body.caption ?? null, payload: { media }, fileId: file?.id ?? null };
    }
    case 'template':
      return { type: 'template', body: body.template.preview ?? `[${body.template.name}]`, payload: { template: body.template }, fileId: null };
    case 'interactive':
      return { type: 'interactive', body: body.interactive.body, payload: { interactive: body.interactive }, fileId: null };
  }
}

const storedMedia = z.object({ link: z.string().nullable().optional(), filename: z.string().nullable().optional(), providerMediaId: z.string().optional() }).loose();

/**
 * Builds the WhatsApp message from a stored row. `mediaId` is the id of an uploaded file, when the
 * message carries one. Throws when the stored content cannot be sent (it was validated on the way in,
 * so that means the row was changed by hand).
 */
export function whatsAppMessageOf(
  row: { type: string; body: string | null; payload: Record<string, unknown> },
  refs: { mediaId?: string; replyToWamid?: string; reactionTargetWamid?: string; callbackData: string },
): OutboundMessage {
  const common = { replyTo: refs.replyToWamid, bizOpaqueCallbackData: refs.callbackData };
  switch (row.type) {
    case 'text':
      return { ...common, type: 'text', body: row.body ?? '', previewUrl: row.payload.previewUrl === true };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const media = storedMedia.parse(row.payload.media ?? {});
      const ref = refs.mediaId ? { id: refs.mediaId } : media.link ? { link: media.link } : null;
      if (!ref) throw new Error('The message has no media to send');
      if (row.type === 'image' || row.type === 'video') return { ...common, type: row.type, media: ref, caption: row.body ?? undefined };
      if (row.type === 'document') return { ...common, type: 'document', media: ref, caption: row.body ?? undefined, filename: media.filename ?? undefined };
      if (row.type === 'audio') return { ...common, type: 'audio', media: ref, ...(media.voice === true ? { voice: true } : {}) };
      return { ...common, type: row.type, media: ref };
    }
    case 'template': {
      const t = templateInput.parse(row.payload.template);
      return { ...common, type: 'template', name: t.name, languageCode: t.language, components: t.components?.map(toComponent) };
    }
    case 'interactive': {
      const i = interactiveInput.parse(row.payload.interactive);
      if (i.kind === 'buttons') {
        return { ...common, type: 'buttons', body: i.body, header: i.header ? { type: 'text', text: i.header } : undefined, footer: i.footer, buttons: i.buttons };
      }
      return { ...common, type: 'list', body: i.body, header: i.header, footer: i.footer, buttonText: i.buttonText, sections: i.sections };
    }
    case 'reaction':
      if (!refs.reactionTargetWamid) throw new Error('The reacted message was never delivered to WhatsApp');
      return { type: 'reaction', messageId: refs.reactionTargetWamid, emoji: row.body ?? '' };
    default:
      throw new Error(`Cannot send a message of type ${row.type}`);
  }
}

type ComponentIn = NonNullable<z.infer<typeof templateInput>['components']>[number];

function toComponent(c: ComponentIn): TemplateComponentInput {
  if (c.type === 'button') return c;
  return { type: c.type, parameters: c.parameters.map(toParameter) };
}

function toParameter(p: Extract<ComponentIn, { parameters: unknown }>['parameters'][number]): TemplateParameter {
  switch (p.type) {
    case 'image':
    case 'video':
      return { type: p.type, media: { link: p.link } };
    case 'document':
      return { type: 'document', media: { link: p.link }, filename: p.filename };
    default:
      return p;
  }
}
