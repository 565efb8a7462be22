import { z } from 'zod';
import type { EmulatorContext } from './context.ts';
import { storeMedia } from './graph-media.routes.ts';
import { newWamid } from './ids.ts';
import { DEFAULT_INBOUND_MIME, PLACEHOLDER_PNG, type MediaCategory } from './media-types.ts';
import { webhookError } from './meta-errors.ts';
import type { Preview } from './preview.ts';
import type { InboundRecord, PhoneNumber } from './state.ts';
import { envelope, metadataOf } from './webhooks.ts';

const str = z.string();

/** Body of `POST /_emulator/inbound`: a customer's message, in friendly terms. */
export const inboundSchema = z.strictObject({
  phoneNumberId: str.min(1),
  /** The customer's number (E.164, `+` optional). */
  from: str.regex(/^\+?\d{7,15}$/, 'must be a phone number in international format'),
  name: str.max(256).default(''),
  type: z
    .enum(['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'reaction', 'unsupported'])
    .default('text'),
  text: str.max(65_536).optional(),
  media: z
    .strictObject({
      mimeType: str.optional(),
      filename: str.max(240).optional(),
      /** The file, base64; a small placeholder is used when absent. */
      data: str.optional(),
      caption: str.max(1024).optional(),
      voice: z.boolean().optional(),
    })
    .optional(),
  interactive: z
    .strictObject({ type: z.enum(['button_reply', 'list_reply']), id: str, title: str, description: str.optional() })
    .optional(),
  button: z.strictObject({ payload: str, text: str }).optional(),
  location: z.strictObject({ latitude: z.number(), longitude: z.number(), name: str.optional(), address: str.optional() }).optional(),
  reaction: z.strictObject({ messageId: str, emoji: str }).optional(),
  contacts: z.array(z.strictObject({ name: str.min(1), phone: str.min(1), email: str.optional() })).min(1).optional(),
  context: z.strictObject({ messageId: str.optional(), forwarded: z.boolean().optional() }).optional(),
});
/** A parsed inbound request. */
export type InboundInput = z.infer<typeof inboundSchema>;

/** A problem with an inbound request, answered as 400 by the control API. */
export class InboundError extends Error {
  override name = 'InboundError';
}

/** Builds the customer's message exactly as Meta would deliver it, stores it and sends the signed webhook. */
export function receiveInbound(ctx: EmulatorContext, phone: PhoneNumber, input: InboundInput): InboundRecord {
  const from = input.from.replace(/^\+/, '');
  const now = ctx.state.now();
  const wamid = newWamid(from, 'in');
  const message: Record<string, unknown> = { from, id: wamid, timestamp: String(Math.floor(now.getTime() / 1000)), type: input.type };
  let preview: Preview;

  switch (input.type) {
    case 'text': {
      if (!input.text?.trim()) throw new InboundError('text is required for type "text"');
      message.text = { body: input.text };
      preview = { kind: 'text', text: input.text };
      break;
    }
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker': {
      const type: MediaCategory = input.type;
      const m = input.media ?? {};
      const data = m.data ? Buffer.from(m.data, 'base64') : type === 'image' ? PLACEHOLDER_PNG : Buffer.from(`emulated ${type} from ${from}`);
      const mimeType = m.mimeType ?? DEFAULT_INBOUND_MIME[type];
      const stored = storeMedia(ctx, { phoneNumberId: phone.phoneNumberId, data, mimeType, filename: m.filename, origin: 'inbound' });
      const wire: Record<string, unknown> = { mime_type: mimeType, sha256: stored.sha256Base64, id: stored.id };
      if (m.caption && (type === 'image' || type === 'video' || type === 'document')) wire.caption = m.caption;
      if (type === 'document') wire.filename = m.filename ?? 'document';
      if (type === 'audio') wire.voice = m.voice ?? true;
      if (type === 'sticker') wire.animated = false;
      message[type] = wire;
      preview = { kind: 'media', mediaType: type, mediaId: stored.id, caption: m.caption, filename: m.filename, voice: type === 'audio' ? (m.voice ?? true) : undefined };
      break;
    }
    case 'location': {
      if (!input.location) throw new InboundError('location is required for type "location"');
      message.location = input.location;
      preview = { kind: 'location', ...input.location };
      break;
    }
    case 'contacts': {
      if (!input.contacts) throw new InboundError('contacts is required for type "contacts"');
      message.contacts = input.contacts.map((c) => {
        const [first = c.name, ...last] = c.name.split(' ');
        const card: Record<string, unknown> = {
          name: { formatted_name: c.name, first_name: first, ...(last.length ? { last_name: last.join(' ') } : {}) },
          phones: [{ phone: c.phone, wa_id: c.phone.replace(/\D/g, ''), type: 'CELL' }],
        };
        if (c.email) card.emails = [{ email: c.email, type: 'HOME' }];
        return card;
      });
      preview = { kind: 'contacts', names: input.contacts.map((c) => c.name) };
      break;
    }
    case 'interactive': {
      const i = input.interactive;
      if (!i) throw new InboundError('interactive is required for type "interactive"');
      message.interactive =
        i.type === 'button_reply'
          ? { type: 'button_reply', button_reply: { id: i.id, title: i.title } }
          : { type: 'list_reply', list_reply: { id: i.id, title: i.title, ...(i.description ? { description: i.description } : {}) } };
      preview = { kind: 'choice', id: i.id, title: i.title, description: i.description };
      break;
    }
    case 'button': {
      if (!input.button) throw new InboundError('button is required for type "button"');
      message.button = { payload: input.button.payload, text: input.button.text };
      preview = { kind: 'choice', id: input.button.payload, title: input.button.text, payload: input.button.payload };
      break;
    }
    case 'reaction': {
      if (!input.reaction) throw new InboundError('reaction is required for type "reaction"');
      message.reaction = { message_id: input.reaction.messageId, emoji: input.reaction.emoji };
      preview = { kind: 'reaction', messageId: input.reaction.messageId, emoji: input.reaction.emoji };
      break;
    }
    default: {
      message.errors = [webhookError(131051, 'Message type is currently not supported.')];
      preview = { kind: 'unsupported' };
    }
  }

  // Replies to interactive messages and template buttons always quote the business message.
  const quoted = input.context?.messageId ?? (input.type === 'interactive' || input.type === 'button' ? lastBusinessPrompt(ctx, phone, from, input.type) : undefined);
  if (quoted) message.context = { from: phone.displayPhoneNumber, id: quoted };
  else if (input.context?.forwarded) message.context = { forwarded: true };

  const record: InboundRecord = { wamid, phoneNumberId: phone.phoneNumberId, from, name: input.name, type: input.type, message, preview, readByBusiness: false, createdAt: now };
  ctx.state.addInbound(record);
  const value = {
    messaging_product: 'whatsapp',
    metadata: metadataOf(phone),
    contacts: [{ profile: { name: input.name }, wa_id: from }],
    messages: [message],
  };
  ctx.webhooks.deliver(phone, 'message', envelope(phone.wabaId, 'messages', value));
  return record;
}

/** The latest business message the tap answers: interactive buttons/list, or a template with buttons. */
function lastBusinessPrompt(ctx: EmulatorContext, phone: PhoneNumber, waId: string, type: 'interactive' | 'button'): string | undefined {
  let found: string | undefined;
  for (const m of ctx.state.outbound.values()) {
    if (m.phoneNumberId !== phone.phoneNumberId || m.to !== waId) continue;
    const k = m.preview.kind;
    if (type === 'interactive' ? k === 'buttons' || k === 'list' : k === 'template') found = m.wamid;
  }
  return found;
}
