/** Reads the type-specific part of an inbound message (text, media, location, interactive…). */
import type { z } from 'zod';
import { type ContactCard, INBOUND_MESSAGE_TYPES, type InboundMessage, type InboundMessageType } from './types.ts';
import {
  buttonSchema,
  type contactCardSchema,
  contactsSchema,
  editSchema,
  interactiveSchema,
  locationSchema,
  mediaSchema,
  orderSchema,
  reactionSchema,
  revokeSchema,
  systemSchema,
  textSchema,
} from './webhook-schemas.ts';

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/** Fills the type-specific fields; leaves `type: 'unsupported'` when the content is missing or unknown. */
export function readContent(type: string, m: Record<string, unknown>, message: InboundMessage): void {
  const known = INBOUND_MESSAGE_TYPES.find((t) => t === type);
  if (!known) return;
  const set = (t: InboundMessageType) => {
    message.type = t;
  };
  const content = m[type];
  if (type === 'text') {
    const p = textSchema.safeParse(content);
    if (p.success) {
      set('text');
      message.text = p.data.body;
    }
  } else if (MEDIA_TYPES.has(type)) {
    const p = mediaSchema.safeParse(content);
    if (p.success) {
      set(known);
      const d = p.data;
      message.media = { id: d.id, mimeType: d.mime_type, sha256: d.sha256, caption: d.caption, filename: d.filename, voice: d.voice, animated: d.animated, url: d.url };
    }
  } else if (type === 'location') {
    const p = locationSchema.safeParse(content);
    if (p.success) {
      set('location');
      message.location = p.data;
    }
  } else if (type === 'contacts') {
    const p = contactsSchema.safeParse(content);
    if (p.success) {
      set('contacts');
      message.contacts = p.data.map(toContactCard);
    }
  } else if (type === 'interactive') {
    const p = interactiveSchema.safeParse(content);
    if (!p.success) return;
    const i = p.data;
    if (i.type === 'button_reply' && i.button_reply) message.interactive = { kind: 'button_reply', id: i.button_reply.id, title: i.button_reply.title };
    else if (i.type === 'list_reply' && i.list_reply)
      message.interactive = { kind: 'list_reply', id: i.list_reply.id, title: i.list_reply.title, description: i.list_reply.description };
    else if (i.type === 'nfm_reply' && i.nfm_reply)
      message.interactive = { kind: 'nfm_reply', id: i.nfm_reply.name ?? '', title: i.nfm_reply.body ?? '', responseJson: i.nfm_reply.response_json };
    if (message.interactive) set('interactive');
  } else if (type === 'button') {
    const p = buttonSchema.safeParse(content);
    if (p.success) {
      set('button');
      message.button = p.data;
    }
  } else if (type === 'reaction') {
    const p = reactionSchema.safeParse(content);
    if (p.success) {
      set('reaction');
      message.reaction = { messageId: p.data.message_id, emoji: p.data.emoji };
    }
  } else if (type === 'order') {
    const p = orderSchema.safeParse(content);
    if (p.success) {
      set('order');
      message.order = {
        catalogId: p.data.catalog_id,
        text: p.data.text,
        items: p.data.product_items.map((x) => ({ productRetailerId: x.product_retailer_id, quantity: x.quantity, itemPrice: x.item_price, currency: x.currency })),
      };
      message.text = p.data.text;
    }
  } else if (type === 'system') {
    const p = systemSchema.safeParse(content);
    if (p.success) {
      set('system');
      message.system = { kind: p.data.type, body: p.data.body, newWaId: p.data.new_wa_id ?? p.data.wa_id };
      message.text = p.data.body;
    }
  } else if (type === 'revoke') {
    const p = revokeSchema.safeParse(content);
    if (p.success) {
      set('revoke');
      message.originalMessageId = p.data.original_message_id;
    }
  } else if (type === 'edit') {
    const p = editSchema.safeParse(content);
    if (!p.success) return;
    const inner = p.data.message;
    const innerType = typeof inner?.type === 'string' ? inner.type : undefined;
    // The edited content is a nested message; read it into this message's fields.
    if (inner && innerType && innerType !== 'edit') readContent(innerType, inner, message);
    set('edit');
    message.originalMessageId = p.data.original_message_id;
  }
}

function toContactCard(c: z.infer<typeof contactCardSchema>): ContactCard {
  const n = c.name;
  const formattedName = n.formatted_name ?? ([n.first_name, n.last_name].filter(Boolean).join(' ') || c.phones?.[0]?.phone || '');
  return {
    name: { formattedName, firstName: n.first_name, lastName: n.last_name, middleName: n.middle_name, prefix: n.prefix, suffix: n.suffix },
    phones: c.phones?.map((p) => ({ phone: p.phone, waId: p.wa_id, type: p.type })),
    emails: c.emails,
    urls: c.urls,
    addresses: c.addresses?.map(({ country_code, ...rest }) => ({ ...rest, countryCode: country_code })),
    org: c.org,
    birthday: c.birthday,
  };
}
