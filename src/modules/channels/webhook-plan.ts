import { type InboundMessage, parseWebhook, type StatusUpdate, type TemplateStatusUpdate } from '../../adapters/whatsapp-cloud/index.ts';

/** What a stored WhatsApp delivery asks of Charla, read once (pure). */
export interface WebhookPlan {
  /** Customers' messages for this channel's number. */
  inbound: InboundMessage[];
  /** Status reports of the business's messages sent from this channel's number. */
  statuses: StatusUpdate[];
  templateUpdates: TemplateStatusUpdate[];
  /** What could not be used, in English, for the stored delivery's `notes` (without template outcomes). */
  notes: string[];
  /**
   * Nothing in it but status reports (and notes): it can be applied in the transaction that stores it
   * — a campaign's webhooks are almost all of this kind — instead of by a processing job.
   */
  statusesOnly: boolean;
}

/**
 * Reads a delivery for the channel with number `phoneNumberId`: parts for another number (a WABA with
 * several numbers posts to each number's channel alike) become notes, as do Meta's out-of-band
 * errors, fields Charla does not handle and anything malformed.
 */
export function planWebhook(phoneNumberId: string, payload: unknown): WebhookPlan {
  const parsed = parseWebhook(payload);
  const notes = [...parsed.malformed];
  const inbound = parsed.messages.filter((message) => {
    if (message.phoneNumberId === phoneNumberId) return true;
    notes.push(`message ${message.wamid} is for phone number ${message.phoneNumberId}, not this channel's`);
    return false;
  });
  const statuses = parsed.statuses.filter((status) => {
    if (status.phoneNumberId === phoneNumberId) return true;
    notes.push(`status of ${status.wamid} is for phone number ${status.phoneNumberId}, not this channel's`);
    return false;
  });
  for (const error of parsed.errors) notes.push(`WhatsApp reported error ${error.code}: ${error.title}${error.details ? ` (${error.details})` : ''}`);
  for (const unknown of parsed.unknownFields) notes.push(`field "${unknown.field}" is not handled`);
  return { inbound, statuses, templateUpdates: parsed.templateUpdates, notes, statusesOnly: inbound.length === 0 && parsed.templateUpdates.length === 0 };
}

/** A delivery's notes as stored (at most 50), or null when there are none. */
export function storedNotes(notes: string[]): string[] | null {
  return notes.length ? notes.slice(0, 50) : null;
}
