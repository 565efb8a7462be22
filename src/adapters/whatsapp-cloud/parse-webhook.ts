import type { z } from 'zod';
import { readContent } from './read-message-content.ts';
import type { InboundMessage, ParsedWebhook, StatusUpdate, TemplateStatusUpdate, WhatsAppErrorDetail } from './types.ts';
import {
  envelopeSchema,
  errorDetailSchema,
  messageBaseSchema,
  messagesValueSchema,
  statusSchema,
  templateStatusValueSchema,
} from './webhook-schemas.ts';

/**
 * Converts a whole webhook notification into Charla's types: every entry, every change, every
 * message, status and error. Pure and total: it never throws; parts it cannot read are listed in
 * `malformed`, and message types it does not know become `unsupported` (with `rawType`).
 */
export function parseWebhook(payload: unknown): ParsedWebhook {
  const out: ParsedWebhook = { messages: [], statuses: [], templateUpdates: [], errors: [], unknownFields: [], malformed: [] };
  const envelope = envelopeSchema.safeParse(payload);
  if (!envelope.success) {
    out.malformed.push(`not a WhatsApp webhook envelope: ${summarize(envelope.error)}`);
    return out;
  }
  if (envelope.data.object !== undefined && envelope.data.object !== 'whatsapp_business_account') {
    out.malformed.push(`unexpected object "${envelope.data.object}"`);
    return out;
  }
  for (const entry of envelope.data.entry) {
    for (const [index, change] of entry.changes.entries()) {
      const where = `entry ${entry.id} change ${index}`;
      if (change.field === 'messages') readMessagesChange(entry.id, change.value, where, out);
      else if (change.field === 'message_template_status_update') readTemplateChange(entry.id, entry.time, change.value, where, out);
      else out.unknownFields.push({ wabaId: entry.id, field: change.field, value: change.value });
    }
  }
  return out;
}

function readMessagesChange(wabaId: string, raw: unknown, where: string, out: ParsedWebhook): void {
  const value = messagesValueSchema.safeParse(raw);
  if (!value.success) {
    out.malformed.push(`${where}: ${summarize(value.error)}`);
    return;
  }
  const { metadata, contacts = [] } = value.data;
  const phoneNumberId = metadata.phone_number_id;
  const displayPhoneNumber = metadata.display_phone_number;

  for (const item of value.data.errors ?? []) {
    const error = readError(item);
    if (error) out.errors.push({ ...error, phoneNumberId, wabaId });
    else out.malformed.push(`${where}: unreadable error`);
  }

  for (const [i, item] of (value.data.messages ?? []).entries()) {
    const base = messageBaseSchema.safeParse(item);
    if (!base.success) {
      out.malformed.push(`${where} message ${i}: ${summarize(base.error)}`);
      continue;
    }
    const m = base.data;
    // Match the sender's profile by wa_id; a single contact block belongs to the single sender.
    const contact = contacts.find((c) => c.wa_id !== undefined && c.wa_id === m.from) ?? (contacts.length === 1 ? contacts[0] : undefined);
    const message: InboundMessage = {
      wamid: m.id,
      from: m.from ?? contact?.wa_id ?? m.from_user_id ?? contact?.user_id ?? '',
      userId: m.from_user_id ?? contact?.user_id,
      profileName: contact?.profile?.name,
      timestamp: unixToDate(m.timestamp),
      type: 'unsupported',
      phoneNumberId,
      displayPhoneNumber,
      raw: m,
    };
    if (m.context) {
      message.context = {
        messageId: m.context.id,
        from: m.context.from,
        forwarded: m.context.forwarded || m.context.frequently_forwarded || undefined,
        frequentlyForwarded: m.context.frequently_forwarded,
      };
    }
    if (m.referral) {
      const r = m.referral;
      message.referral = {
        sourceUrl: r.source_url,
        sourceId: r.source_id,
        sourceType: r.source_type,
        headline: r.headline,
        body: r.body,
        mediaType: r.media_type,
        imageUrl: r.image_url,
        videoUrl: r.video_url,
        thumbnailUrl: r.thumbnail_url,
        ctwaClid: r.ctwa_clid,
      };
    }
    const errors = (m.errors ?? []).map(readError).filter((e): e is WhatsAppErrorDetail => e !== undefined);
    if (errors.length) message.errors = errors;
    readContent(m.type, m, message);
    if (message.type === 'unsupported' && m.type !== 'unsupported') message.rawType = m.type;
    out.messages.push(message);
  }

  for (const [i, item] of (value.data.statuses ?? []).entries()) {
    const parsed = statusSchema.safeParse(item);
    if (!parsed.success) {
      out.malformed.push(`${where} status ${i}: ${summarize(parsed.error)}`);
      continue;
    }
    const s = parsed.data;
    const status: StatusUpdate = {
      wamid: s.id,
      recipientId: s.recipient_id,
      status: s.status,
      timestamp: unixToDate(s.timestamp),
      phoneNumberId,
      displayPhoneNumber,
    };
    const errors = (s.errors ?? []).map(readError).filter((e): e is WhatsAppErrorDetail => e !== undefined);
    if (errors.length) status.errors = errors;
    if (s.conversation) {
      status.conversation = {
        id: s.conversation.id,
        expiresAt: s.conversation.expiration_timestamp === undefined ? undefined : unixToDate(s.conversation.expiration_timestamp),
        originType: s.conversation.origin?.type,
      };
    }
    if (s.pricing) {
      status.pricing = { billable: s.pricing.billable, pricingModel: s.pricing.pricing_model, type: s.pricing.type, category: s.pricing.category };
    }
    if (s.biz_opaque_callback_data !== undefined) status.bizOpaqueCallbackData = s.biz_opaque_callback_data;
    out.statuses.push(status);
  }
}

function readTemplateChange(wabaId: string, time: number | undefined, raw: unknown, where: string, out: ParsedWebhook): void {
  const p = templateStatusValueSchema.safeParse(raw);
  if (!p.success) {
    out.malformed.push(`${where}: ${summarize(p.error)}`);
    return;
  }
  const v = p.data;
  const update: TemplateStatusUpdate = {
    wabaId,
    templateId: v.message_template_id,
    name: v.message_template_name,
    language: v.message_template_language,
    event: v.event,
    reason: v.reason,
    category: v.message_template_category,
    rejectionInfo: v.rejection_info,
    otherInfo: v.other_info,
    disableDate: v.disable_info?.disable_date,
    timestamp: time === undefined ? undefined : unixToDate(time),
  };
  out.templateUpdates.push(update);
}

function readError(raw: unknown): WhatsAppErrorDetail | undefined {
  const p = errorDetailSchema.safeParse(raw);
  if (!p.success) return undefined;
  const e = p.data;
  return { code: e.code, title: e.title ?? e.message ?? `Error ${e.code}`, message: e.message, details: e.error_data?.details, href: e.href };
}

/** Meta timestamps are Unix seconds (as strings on the wire). */
function unixToDate(seconds: number): Date {
  return new Date(seconds * 1000);
}

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
