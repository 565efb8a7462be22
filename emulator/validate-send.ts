/**
 * Meta's checks on `POST /{phone-number-id}/messages` (reference §3 and §9.2): required fields,
 * length and count limits, media ids, templates. Each failure throws Meta's error code.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { type MediaCategory, mimeFitsMessageType } from './media-types.ts';
import { metaError } from './meta-errors.ts';
import { mediaSource, type Preview } from './preview.ts';
import type { InteractiveBody, MediaObject, SendBody } from './send-schemas.ts';
import type { EmulatorState, PhoneNumber } from './state.ts';
import { checkTemplateSend } from './templates.ts';

/** A send that passed validation. */
export interface ValidatedSend {
  /** The customer's wa_id (digits). */
  waId: string;
  preview: Preview;
  /** `service` for free-form messages, else the template's category (lower case). */
  category: string;
  isTemplate: boolean;
}

const SUPPORTED = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction'];

const tooLong = (param: string, max: number) => metaError(131009, `Param ${param} must be at most ${max} characters long.`);
const required = (param: string) => metaError(131008, `The parameter ${param} is required.`);

/**
 * Resolves `to` like Meta: formatting characters are dropped and, when `+` is missing, the
 * business number's country calling code is prepended (reference §3.1).
 */
export function resolveRecipient(to: string, phone: PhoneNumber): string {
  const cleaned = to.replace(/[\s\-().]/g, '');
  let digits: string;
  if (cleaned.startsWith('+')) digits = cleaned.slice(1);
  else {
    const business = parsePhoneNumberFromString(`+${phone.displayPhoneNumber}`);
    digits = `${business?.countryCallingCode ?? ''}${cleaned}`;
  }
  if (!/^\d{7,15}$/.test(digits)) throw metaError(100, `Invalid parameter: "${to}" is not a valid phone number.`);
  return digits;
}

/** Validates a parsed send body; throws Meta's error, or returns what to record. */
export function validateSend(body: SendBody, state: EmulatorState, phone: PhoneNumber): ValidatedSend {
  if (body.messaging_product !== 'whatsapp') throw metaError(100, 'The parameter messaging_product must be "whatsapp".');
  if (body.recipient_type === 'group') throw metaError(131009, 'Group messaging is not enabled for this phone number.');
  if (!SUPPORTED.includes(body.type)) throw metaError(131051, `Message type "${body.type}" is not supported.`);
  const waId = resolveRecipient(body.to, phone);
  if (waId === phone.displayPhoneNumber) throw metaError(131021, 'The recipient is the sender phone number.');
  if (body.biz_opaque_callback_data !== undefined && body.biz_opaque_callback_data.length > 512) throw tooLong('biz_opaque_callback_data', 512);
  const service = (preview: Preview): ValidatedSend => ({ waId, preview, category: 'service', isTemplate: false });

  switch (body.type) {
    case 'text': {
      if (!body.text) throw required('text');
      if (!body.text.body.trim()) throw required("text['body']");
      if (body.text.body.length > 4096) throw tooLong("text['body']", 4096);
      return service({ kind: 'text', text: body.text.body });
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const type: MediaCategory = body.type;
      const media = body[type];
      if (!media) throw required(type);
      checkMedia(type, media, state, phone);
      return service({ kind: 'media', mediaType: type, ...mediaSource(media), caption: media.caption, filename: media.filename, voice: media.voice });
    }
    case 'location': {
      const l = body.location;
      if (!l) throw required('location');
      if (Math.abs(l.latitude) > 90 || Math.abs(l.longitude) > 180) throw metaError(131009, 'Param location has an invalid latitude or longitude.');
      return service({ kind: 'location', latitude: l.latitude, longitude: l.longitude, name: l.name, address: l.address });
    }
    case 'contacts': {
      const c = body.contacts;
      if (!c?.length) throw required('contacts');
      if (c.length > 257) throw metaError(131009, 'Param contacts must have at most 257 items.');
      return service({ kind: 'contacts', names: c.map((x) => x.name.formatted_name) });
    }
    case 'reaction': {
      const r = body.reaction;
      if (!r) throw required('reaction');
      if (!r.message_id) throw required("reaction['message_id']");
      // One emoji can span many code units (skin tones, ZWJ sequences); only absurd lengths are refused.
      if (r.emoji.length > 32) throw metaError(131009, "Param reaction['emoji'] must be a single emoji.");
      return service({ kind: 'reaction', messageId: r.message_id, emoji: r.emoji });
    }
    case 'interactive': {
      if (!body.interactive) throw required('interactive');
      return service(checkInteractive(body.interactive, state, phone));
    }
    default: {
      if (!body.template) throw required('template');
      const t = body.template;
      const template = [...state.templates.values()].find((x) => x.wabaId === phone.wabaId && x.name === t.name && x.language === t.language.code);
      const preview = checkTemplateSend(template, t);
      return { waId, preview, category: (template?.category ?? 'marketing').toLowerCase(), isTemplate: true };
    }
  }
}

function checkMedia(type: MediaCategory, media: MediaObject, state: EmulatorState, phone: PhoneNumber, param: string = type): void {
  if (!media.id === !media.link) throw metaError(131009, `Param ${param} must have exactly one of 'id' or 'link'.`);
  if (media.link !== undefined && !/^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(media.link)) {
    throw metaError(131009, `Param ${param}['link'] is not a valid URL.`);
  }
  if (media.id !== undefined) {
    const stored = state.media.get(media.id);
    const owner = stored && state.phones.get(stored.phoneNumberId);
    if (!stored || owner?.wabaId !== phone.wabaId || stored.expiresAt < state.now()) {
      throw metaError(131053, `Media id ${media.id} was not found or has expired.`);
    }
    if (!mimeFitsMessageType(stored.mimeType, type)) {
      throw metaError(131053, `Uploaded media type ${stored.mimeType} cannot be sent as ${type}.`);
    }
  }
  if (media.caption !== undefined) {
    if (type === 'audio' || type === 'sticker') throw metaError(131009, `Param ${param}['caption'] is not allowed for ${type}.`);
    if (media.caption.length > 1024) throw tooLong(`${param}['caption']`, 1024);
  }
  if (media.filename !== undefined && type !== 'document') throw metaError(131009, `Param ${param}['filename'] is only allowed for documents.`);
  if (media.filename !== undefined && media.filename.length > 240) throw tooLong(`${param}['filename']`, 240);
}

function checkInteractive(i: InteractiveBody, state: EmulatorState, phone: PhoneNumber): Preview {
  const body = i.body?.text;
  const footer = i.footer?.text;
  if (footer !== undefined && footer.length > 60) throw tooLong("interactive['footer']['text']", 60);
  let header: string | undefined;
  if (i.header) {
    const h = i.header;
    if (h.type === 'text') {
      if (!h.text) throw required("interactive['header']['text']");
      if (h.text.length > 60) throw tooLong("interactive['header']['text']", 60);
      header = h.text;
    } else if (h.type === 'image' || h.type === 'video' || h.type === 'document') {
      if (i.type === 'list') throw metaError(131009, 'List messages only support a text header.');
      const media = h[h.type];
      if (!media) throw required(`interactive['header']['${h.type}']`);
      checkMedia(h.type, media, state, phone, `interactive['header']['${h.type}']`);
    } else {
      throw metaError(131009, `Param interactive['header']['type'] "${h.type}" is not valid.`);
    }
  }
  if (!body?.trim()) throw required("interactive['body']['text']");

  if (i.type === 'button') {
    const buttons = i.action.buttons ?? [];
    if (buttons.length < 1 || buttons.length > 3) throw metaError(131009, "Param interactive['action']['buttons'] must have between 1 and 3 elements.");
    if (body.length > 1024) throw tooLong("interactive['body']['text']", 1024);
    const titles = new Set<string>();
    const ids = new Set<string>();
    for (const b of buttons) {
      if (b.type !== 'reply') throw metaError(131009, "Param interactive['action']['buttons'][]['type'] must be 'reply'.");
      if (!b.reply.title.trim()) throw required("interactive['action']['buttons'][]['reply']['title']");
      if (b.reply.title.length > 20) throw tooLong("interactive['action']['buttons'][]['reply']['title']", 20);
      if (!b.reply.id) throw required("interactive['action']['buttons'][]['reply']['id']");
      if (b.reply.id.length > 256) throw tooLong("interactive['action']['buttons'][]['reply']['id']", 256);
      if (titles.has(b.reply.title)) throw metaError(131009, 'Button titles must be unique.');
      if (ids.has(b.reply.id)) throw metaError(131009, 'Button ids must be unique.');
      titles.add(b.reply.title);
      ids.add(b.reply.id);
    }
    return { kind: 'buttons', header, body, footer, buttons: buttons.map((b) => ({ id: b.reply.id, title: b.reply.title })) };
  }

  if (i.type === 'list') {
    const button = i.action.button;
    if (!button?.trim()) throw required("interactive['action']['button']");
    if (button.length > 20) throw tooLong("interactive['action']['button']", 20);
    if (body.length > 4096) throw tooLong("interactive['body']['text']", 4096);
    const sections = i.action.sections ?? [];
    if (sections.length < 1 || sections.length > 10) throw metaError(131009, "Param interactive['action']['sections'] must have between 1 and 10 elements.");
    const rows = sections.flatMap((s) => s.rows);
    if (rows.length < 1 || rows.length > 10) throw metaError(131009, 'A list message must have between 1 and 10 rows in total.');
    if (sections.length > 1 && sections.some((s) => !s.title)) throw required("interactive['action']['sections'][]['title']");
    for (const s of sections) if (s.title && s.title.length > 24) throw tooLong("interactive['action']['sections'][]['title']", 24);
    const ids = new Set<string>();
    for (const r of rows) {
      if (!r.title.trim()) throw required("interactive['action']['sections'][]['rows'][]['title']");
      if (r.title.length > 24) throw tooLong("interactive['action']['sections'][]['rows'][]['title']", 24);
      if (r.description !== undefined && r.description.length > 72) throw tooLong("interactive['action']['sections'][]['rows'][]['description']", 72);
      if (!r.id || r.id.length > 200) throw metaError(131009, "Param interactive['action']['sections'][]['rows'][]['id'] needs 1 to 200 characters.");
      if (ids.has(r.id)) throw metaError(131009, 'Row ids must be unique.');
      ids.add(r.id);
    }
    return { kind: 'list', header, body, footer, button, sections: sections.map((s) => ({ title: s.title, rows: s.rows })) };
  }

  if (i.type === 'cta_url') {
    const p = i.action.parameters;
    if (i.action.name !== 'cta_url' || !p) throw required("interactive['action']['parameters']");
    if (!p.display_text.trim()) throw required("interactive['action']['parameters']['display_text']");
    if (p.display_text.length > 20) throw tooLong("interactive['action']['parameters']['display_text']", 20);
    if (!/^https?:\/\//i.test(p.url)) throw metaError(131009, "Param interactive['action']['parameters']['url'] is not a valid URL.");
    if (body.length > 1024) throw tooLong("interactive['body']['text']", 1024);
    return { kind: 'cta', header, body, footer, displayText: p.display_text, url: p.url };
  }
  throw metaError(131009, `Interactive type "${i.type}" is not supported by the emulator (button, list, cta_url).`);
}
