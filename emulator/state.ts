import { EventEmitter } from 'node:events';
import { DEFAULT_EMULATOR_CONFIG, type EmulatorConfig } from './config.ts';
import type { TemplateComponent } from './templates.ts';
import type { Preview } from './preview.ts';

/** A business phone number registered with `POST /_emulator/phone-numbers`. */
export interface PhoneNumber {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
  webhookUrl: string;
  verifyToken?: string;
  /** Digits only, like Meta's `display_phone_number` in webhooks. */
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED';
  createdAt: Date;
}

/** Delivery states of a business message, as the emulator tracks them. */
export type OutboundStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** A message the business sent (what `GET /_emulator/outbox` lists). */
export interface OutboundRecord {
  wamid: string;
  phoneNumberId: string;
  /** The customer's wa_id (digits). */
  to: string;
  /** `to` exactly as the business sent it. */
  input: string;
  type: string;
  /** The request body as received. */
  request: Record<string, unknown>;
  preview: Preview;
  /** Pricing category: `service` for free-form messages, the template's category otherwise. */
  category: string;
  status: OutboundStatus;
  statuses: { status: OutboundStatus; at: Date }[];
  errors?: { code: number; title: string; details: string }[];
  bizOpaqueCallbackData?: string;
  createdAt: Date;
}

/** A message a customer sent (through the control API or the phone page). */
export interface InboundRecord {
  wamid: string;
  phoneNumberId: string;
  from: string;
  name: string;
  type: string;
  /** The `messages[]` object as delivered in the webhook. */
  message: Record<string, unknown>;
  preview: Preview;
  readByBusiness: boolean;
  createdAt: Date;
}

/** An uploaded or inbound media file. */
export interface MediaRecord {
  id: string;
  phoneNumberId: string;
  data: Buffer;
  mimeType: string;
  filename?: string;
  /** Hex digest for `GET /{media-id}`; webhooks carry the base64 digest. */
  sha256Hex: string;
  sha256Base64: string;
  origin: 'upload' | 'inbound';
  createdAt: Date;
  expiresAt: Date;
}

/** A message template of a WABA. */
export interface TemplateRecord {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: string;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  /** Components in Meta's wire format (upper-case types). */
  components: TemplateComponent[];
  status: string;
  rejectedReason?: string;
  createdAt: Date;
}

/** A failure to inject into sends matching `phoneNumberId` and/or `to`. */
export interface FailureRule {
  id: string;
  phoneNumberId?: string;
  to?: string;
  code?: number;
  httpStatus?: number;
  latencyMs?: number;
  details?: string;
  /** How many more sends it applies to; null = until removed. */
  remaining: number | null;
}

/** One webhook and its delivery attempts. */
export interface DeliveryRecord {
  id: string;
  phoneNumberId: string;
  url: string;
  kind: 'message' | 'status' | 'template' | 'error';
  body: string;
  attempts: number;
  state: 'pending' | 'delivered' | 'failed';
  lastStatus?: number;
  lastError?: string;
  createdAt: Date;
  deliveredAt?: Date;
}

/** What the phone page hears about a conversation. */
export type ChatEvent =
  | { type: 'message'; direction: 'in' | 'out'; item: ReturnType<typeof chatItem> }
  | { type: 'status'; wamid: string; status: OutboundStatus }
  | { type: 'read'; wamids: string[] }
  | { type: 'typing'; untilMs: number };

const MAX_DELIVERIES = 2000;
const MAX_CONVERSATIONS = 200_000;

/**
 * All of the emulator's memory. It is a test double, so state lives in memory, but bounded:
 * the oldest messages, deliveries and media are forgotten past the configured limits.
 */
export class EmulatorState {
  config: EmulatorConfig;
  readonly phones = new Map<string, PhoneNumber>();
  readonly outbound = new Map<string, OutboundRecord>();
  readonly inbound = new Map<string, InboundRecord>();
  readonly media = new Map<string, MediaRecord>();
  readonly templates = new Map<string, TemplateRecord>();
  /** `name\0wabaId` → when it was deleted (approved names cannot be reused for 30 days). */
  readonly deletedTemplateNames = new Map<string, Date>();
  readonly failures: FailureRule[] = [];
  readonly deliveries = new Map<string, DeliveryRecord>();
  /** `phoneNumberId:waId` → last time the customer wrote (opens the 24-hour window). */
  readonly lastInboundAt = new Map<string, Date>();
  /** Conversation events for the phone page (`phoneNumberId:waId`) and `*` for everything. */
  readonly events = new EventEmitter();
  #clockOffsetMs = 0;
  #mediaBytes = 0;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;
  readonly #initialConfig: EmulatorConfig;

  constructor(config: EmulatorConfig = DEFAULT_EMULATOR_CONFIG) {
    this.config = config;
    this.#initialConfig = config;
    this.events.setMaxListeners(1000);
  }

  /** The emulator's clock: real time plus what `POST /_emulator/clock` advanced. */
  now(): Date {
    return new Date(Date.now() + this.#clockOffsetMs);
  }

  /** Moves the clock forward (to test the 24-hour window and URL expiry without waiting). */
  advanceClock(ms: number): void {
    this.#clockOffsetMs += ms;
  }

  /** Runs `fn` after `ms`; the timer is cancelled by `reset()` and `close()` (and none is set after `close()`). */
  schedule(ms: number, fn: () => void): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** Forgets everything (phone numbers included) and restores the initial configuration. */
  reset(): void {
    this.cancelTimers();
    this.phones.clear();
    this.outbound.clear();
    this.inbound.clear();
    this.media.clear();
    this.templates.clear();
    this.deletedTemplateNames.clear();
    this.failures.length = 0;
    this.deliveries.clear();
    this.lastInboundAt.clear();
    this.#clockOffsetMs = 0;
    this.#mediaBytes = 0;
    this.config = this.#initialConfig;
  }

  /** Stops every pending timer (status webhooks, retries, template reviews). */
  cancelTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /**
   * The emulator stopped: cancels every timer and sets no new one, so a delivery that was in flight
   * does not schedule retries against a business that may be gone too.
   */
  close(): void {
    this.#closed = true;
    this.cancelTimers();
  }

  /** The phone number whose access token this is, when it is one. */
  phoneByToken(token: string): PhoneNumber | undefined {
    for (const phone of this.phones.values()) if (phone.accessToken === token) return phone;
    return undefined;
  }

  /** Every registered number of a WABA. */
  phonesOfWaba(wabaId: string): PhoneNumber[] {
    return [...this.phones.values()].filter((p) => p.wabaId === wabaId);
  }

  addOutbound(record: OutboundRecord): void {
    this.outbound.set(record.wamid, record);
    this.#trimMessages();
    this.emit(record.phoneNumberId, record.to, { type: 'message', direction: 'out', item: chatItem(record) });
  }

  addInbound(record: InboundRecord): void {
    this.inbound.set(record.wamid, record);
    const key = conversationKey(record.phoneNumberId, record.from);
    // Re-insert so the Map's order is "least recently written first", then forget the oldest windows.
    this.lastInboundAt.delete(key);
    this.lastInboundAt.set(key, record.createdAt);
    if (this.lastInboundAt.size > MAX_CONVERSATIONS) {
      const oldest = this.lastInboundAt.keys().next().value;
      if (oldest !== undefined) this.lastInboundAt.delete(oldest);
    }
    this.#trimMessages();
    this.emit(record.phoneNumberId, record.from, { type: 'message', direction: 'in', item: chatItem(record) });
  }

  addMedia(record: MediaRecord): void {
    this.media.set(record.id, record);
    this.#mediaBytes += record.data.length;
    // Evict the oldest files beyond the byte budget (Map iterates in insertion order).
    for (const [id, old] of this.media) {
      if (this.#mediaBytes <= this.config.maxMediaBytes || id === record.id) break;
      this.media.delete(id);
      this.#mediaBytes -= old.data.length;
    }
  }

  deleteMedia(id: string): void {
    const record = this.media.get(id);
    if (!record) return;
    this.media.delete(id);
    this.#mediaBytes -= record.data.length;
  }

  addDelivery(record: DeliveryRecord): void {
    this.deliveries.set(record.id, record);
    if (this.deliveries.size > MAX_DELIVERIES) {
      const oldest = this.deliveries.keys().next().value;
      if (oldest !== undefined) this.deliveries.delete(oldest);
    }
  }

  /** Publishes a conversation event to the phone page(s) watching it. */
  emit(phoneNumberId: string, waId: string, event: ChatEvent): void {
    this.events.emit(conversationKey(phoneNumberId, waId), event);
    this.events.emit('*', { phoneNumberId, waId, event });
  }

  /** Both directions of one conversation, oldest first (for the phone page). */
  conversation(phoneNumberId: string, waId: string): ReturnType<typeof chatItem>[] {
    const items = [
      ...[...this.inbound.values()].filter((m) => m.phoneNumberId === phoneNumberId && m.from === waId).map(chatItem),
      ...[...this.outbound.values()].filter((m) => m.phoneNumberId === phoneNumberId && m.to === waId).map(chatItem),
    ];
    return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  #trimMessages(): void {
    const max = this.config.maxMessages;
    while (this.inbound.size + this.outbound.size > max) {
      const oldestIn = this.inbound.values().next().value;
      const oldestOut = this.outbound.values().next().value;
      if (oldestIn && (!oldestOut || oldestIn.createdAt <= oldestOut.createdAt)) this.inbound.delete(oldestIn.wamid);
      else if (oldestOut) this.outbound.delete(oldestOut.wamid);
      else break;
    }
  }
}

/** The key of a conversation between a business number and a customer. */
export const conversationKey = (phoneNumberId: string, waId: string): string => `${phoneNumberId}:${waId}`;

/** A message as the phone page shows it. */
export function chatItem(record: InboundRecord | OutboundRecord) {
  const outbound = 'to' in record;
  return {
    wamid: record.wamid,
    direction: outbound ? ('out' as const) : ('in' as const),
    type: record.type,
    preview: record.preview,
    status: outbound ? record.status : record.readByBusiness ? 'read' : 'delivered',
    errors: outbound ? record.errors : undefined,
    createdAt: record.createdAt.toISOString(),
  };
}
