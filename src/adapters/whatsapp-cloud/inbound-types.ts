/** Inbound webhook content, normalized: what `parseWebhook` returns. */

/** Message types Charla understands; anything else arrives as `unsupported`. */
export const INBOUND_MESSAGE_TYPES = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'revoke',
  'edit',
  'unsupported',
] as const;
/** The normalized type of an inbound message. */
export type InboundMessageType = (typeof INBOUND_MESSAGE_TYPES)[number];

/** A WhatsApp error object as it appears in webhooks (`errors[]`) and in failed statuses. */
export interface WhatsAppErrorDetail {
  code: number;
  title: string;
  message?: string;
  /** `error_data.details`: Meta's longer explanation. */
  details?: string;
  href?: string;
}

/** Media attached to an inbound message; download it with `getMedia(id)` then `downloadMedia(url)`. */
export interface InboundMedia {
  /** Media id (valid for 7 days for inbound media). */
  id: string;
  mimeType: string;
  /** Base64 SHA-256 of the file (not hex). */
  sha256?: string;
  caption?: string;
  /** Documents only. */
  filename?: string;
  /** Audio only: true for a recorded voice note. */
  voice?: boolean;
  /** Stickers only. */
  animated?: boolean;
  /** Lookaside URL included directly in some webhooks since late 2025; still needs the token. */
  url?: string;
}

/** A shared location or place. */
export interface Location {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
  url?: string;
}

/** A contact card (vCard-like), inbound or outbound. */
export interface ContactCard {
  name: { formattedName: string; firstName?: string; lastName?: string; middleName?: string; prefix?: string; suffix?: string };
  phones?: { phone?: string; waId?: string; type?: string }[];
  emails?: { email: string; type?: string }[];
  urls?: { url: string; type?: string }[];
  addresses?: { street?: string; city?: string; state?: string; zip?: string; country?: string; countryCode?: string; type?: string }[];
  org?: { company?: string; department?: string; title?: string };
  birthday?: string;
}

/** A tap on an interactive reply button / list row, or a WhatsApp Flow answer. */
export interface InteractiveReply {
  kind: 'button_reply' | 'list_reply' | 'nfm_reply';
  /** The id the business gave the button or row (empty for Flow answers). */
  id: string;
  title: string;
  description?: string;
  /** Flows only: the raw `response_json` string. */
  responseJson?: string;
}

/** Click-to-WhatsApp ad referral. */
export interface Referral {
  sourceUrl?: string;
  sourceId?: string;
  sourceType?: string;
  headline?: string;
  body?: string;
  mediaType?: string;
  imageUrl?: string;
  videoUrl?: string;
  thumbnailUrl?: string;
  ctwaClid?: string;
}

/** An inbound customer message, normalized. `wamid` is the idempotency key. */
export interface InboundMessage {
  /** Message id (`wamid.…`): dedupe on it. */
  wamid: string;
  /** The customer's WhatsApp id (digits, no `+`). Falls back to the BSUID for username users. */
  from: string;
  /** Business-scoped user id (2026+), when present. */
  userId?: string;
  /** The customer's WhatsApp profile name, from `contacts[].profile.name`. */
  profileName?: string;
  timestamp: Date;
  type: InboundMessageType;
  /** The original `type` string when it is not one Charla knows (then `type` is `unsupported`). */
  rawType?: string;
  /** Text body; also the text of an edited message, an order note or a system message. */
  text?: string;
  media?: InboundMedia;
  location?: Location;
  contacts?: ContactCard[];
  interactive?: InteractiveReply;
  /** A tap on a template quick-reply button. */
  button?: { payload: string; text: string };
  /** An empty `emoji` means the customer removed their reaction. */
  reaction?: { messageId: string; emoji: string };
  order?: { catalogId: string; text?: string; items: { productRetailerId: string; quantity: number; itemPrice: number; currency: string }[] };
  system?: { kind: string; body: string; newWaId?: string };
  /** `revoke` (deleted by the customer) and `edit` point at the original message. */
  originalMessageId?: string;
  context?: { messageId?: string; from?: string; forwarded?: boolean; frequentlyForwarded?: boolean };
  referral?: Referral;
  errors?: WhatsAppErrorDetail[];
  /** Which of our numbers received it (route by this: one WABA can hold several numbers). */
  phoneNumberId: string;
  displayPhoneNumber: string;
  /** The message object exactly as Meta sent it, for storage and debugging. */
  raw: Record<string, unknown>;
}

/** Delivery states of an outbound message. */
export const MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const;
/** A status reported by Meta for a message Charla sent. */
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** A status webhook for a message Charla sent. Dedupe on `(wamid, status)`; never downgrade. */
export interface StatusUpdate {
  wamid: string;
  /** The customer's WhatsApp id (or group id). */
  recipientId: string;
  status: MessageStatus;
  timestamp: Date;
  /** Present on `failed`. */
  errors?: WhatsAppErrorDetail[];
  conversation?: { id: string; expiresAt?: Date; originType?: string };
  pricing?: { billable?: boolean; pricingModel?: string; type?: string; category?: string };
  /** Echo of `bizOpaqueCallbackData` given when sending. */
  bizOpaqueCallbackData?: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

/** Template review events (`message_template_status_update`). */
export const TEMPLATE_STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'FLAGGED',
  'REINSTATED',
  'LIMIT_EXCEEDED',
  'ARCHIVED',
  'UNARCHIVED',
  'LOCKED',
] as const;
/** A template's review status, or the event that moved it there. */
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/** A template's review status changed. */
export interface TemplateStatusUpdate {
  wabaId: string;
  templateId: string;
  name: string;
  language: string;
  /** Meta's event; unknown future values are passed through as strings. */
  event: TemplateStatus | (string & {});
  /** e.g. `INVALID_FORMAT`, `PROMOTIONAL`, `NONE`; null when scheduled for deletion. */
  reason?: string | null;
  category?: string;
  rejectionInfo?: { reason?: string; recommendation?: string };
  /** Pause details, e.g. `{ title: 'FIRST_PAUSE', description }`. */
  otherInfo?: { title?: string; description?: string };
  disableDate?: string;
  timestamp?: Date;
}

/** An out-of-band error reported in `value.errors[]` (not tied to a message). */
export interface WebhookErrorEvent extends WhatsAppErrorDetail {
  phoneNumberId?: string;
  wabaId: string;
}

/** Everything one webhook POST carried: every entry, change, message and status. */
export interface ParsedWebhook {
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  templateUpdates: TemplateStatusUpdate[];
  errors: WebhookErrorEvent[];
  /** Changes for fields Charla does not handle (e.g. `account_update`), kept for logging. */
  unknownFields: { wabaId: string; field: string; value: unknown }[];
  /** Parts that could not be read (missing ids, wrong shapes), described in English for logs. */
  malformed: string[];
}
