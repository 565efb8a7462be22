import type { InboundMessage, StatusUpdate } from '../../adapters/whatsapp-cloud/index.ts';
import type { Channel } from '../../db/schema/index.ts';
import type { StatusReport } from '../inbox/apply-status.ts';
import type { InboundRecord } from '../inbox/record-inbound.ts';

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/** Converts a normalized WhatsApp message into the inbox's channel-neutral inbound record. Pure. */
export function toInboundRecord(channel: Pick<Channel, 'id' | 'organizationId' | 'type'>, m: InboundMessage): InboundRecord {
  const payload: Record<string, unknown> = {};
  if (m.context?.forwarded) payload.forwarded = true;
  if (m.context?.frequentlyForwarded) payload.frequentlyForwarded = true;
  if (m.referral) payload.referral = m.referral;
  if (m.errors?.length) payload.errors = m.errors;
  if (m.rawType) payload.rawType = m.rawType;
  let body: string | null = m.text ?? null;
  let replyTo = m.context?.messageId;
  let media: InboundRecord['media'];

  if (MEDIA_TYPES.has(m.type) && m.media) {
    body = m.media.caption ?? null;
    media = { providerMediaId: m.media.id, mimeType: m.media.mimeType };
    payload.media = {
      mimeType: m.media.mimeType,
      filename: m.media.filename ?? null,
      sha256: m.media.sha256 ?? null,
      ...(m.media.voice ? { voice: true } : {}),
      ...(m.media.animated ? { animated: true } : {}),
    };
  } else if (m.type === 'location' && m.location) {
    payload.location = m.location;
    body = [m.location.name, m.location.address].filter(Boolean).join(' — ') || `${m.location.latitude}, ${m.location.longitude}`;
  } else if (m.type === 'contacts' && m.contacts) {
    payload.contacts = m.contacts;
    body = m.contacts.map((c) => c.name.formattedName).join(', ');
  } else if (m.type === 'interactive' && m.interactive) {
    payload.interactive = m.interactive;
    body = m.interactive.title || null;
  } else if (m.type === 'button' && m.button) {
    payload.button = m.button;
    body = m.button.text || m.button.payload;
  } else if (m.type === 'reaction' && m.reaction) {
    payload.reaction = { emoji: m.reaction.emoji, messageId: m.reaction.messageId };
    body = m.reaction.emoji || null;
    replyTo = m.reaction.messageId;
  } else if (m.type === 'order' && m.order) {
    payload.order = m.order;
    body = m.order.text ?? null;
  } else if (m.type === 'system' && m.system) {
    payload.system = m.system;
    body = m.system.body;
  } else if (m.type === 'revoke' || m.type === 'edit') {
    replyTo = m.originalMessageId;
  }

  return {
    channel,
    from: { waId: m.from, name: m.profileName },
    providerMessageId: m.wamid,
    occurredAt: m.timestamp,
    type: m.type,
    body,
    payload,
    replyToProviderId: replyTo,
    media,
  };
}

/** Converts a WhatsApp status webhook into the inbox's status report. Pure. */
export function toStatusReport(s: StatusUpdate): StatusReport {
  const error = s.errors?.[0];
  return {
    status: s.status,
    occurredAt: s.timestamp,
    error: error ? { code: String(error.code), title: [error.title, error.details].filter(Boolean).join(': ') || null } : undefined,
    callbackData: s.bizOpaqueCallbackData,
  };
}
