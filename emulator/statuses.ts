import { randomBytes } from 'node:crypto';
import { webhookError } from './meta-errors.ts';
import type { EmulatorState, OutboundRecord, OutboundStatus, PhoneNumber } from './state.ts';
import { envelope, metadataOf, type WebhookDispatcher } from './webhooks.ts';

const RANK: Record<OutboundStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, played: 4, failed: 5 };

type WireStatus = Exclude<OutboundStatus, 'accepted'>;

/**
 * Moves business messages through sent → delivered → read (→ played) with status webhooks, the way
 * Meta does: pricing on `sent` and on exactly one of delivered/read, `conversation` only for
 * webhook versions ≤ v23, asynchronous `failed` statuses for 131026/131047-type errors.
 */
export class StatusEmitter {
  /** wamids whose statuses are deliberately delivered out of order (then lower states still go out). */
  readonly #reordered = new Set<string>();

  constructor(
    private readonly state: EmulatorState,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  /** Schedules the statuses that follow an accepted send. */
  scheduleAfterSend(record: OutboundRecord, phone: PhoneNumber, asyncFailure?: { code: number; details: string }): void {
    const cfg = this.state.config;
    const d = cfg.statusDelaysMs;
    if (asyncFailure) {
      this.state.schedule(d.sent, () => this.emit(record, phone, 'failed', asyncFailure));
      return;
    }
    const plan: WireStatus[] = ['sent'];
    // A reaction only ever gets `sent` (reference §6.5).
    if (record.type !== 'reaction') {
      const skipDelivered = cfg.autoRead && Math.random() < cfg.skipDeliveredProbability;
      if (!skipDelivered) plan.push('delivered');
      if (cfg.autoRead) plan.push('read');
      const voice = record.type === 'audio' && record.preview.kind === 'media' && record.preview.voice === true;
      if (cfg.autoRead && voice) plan.push('played');
    }
    const delays = plan.map((s) => d[s === 'failed' ? 'sent' : s]);
    if (plan.length > 1 && cfg.reorderProbability > 0 && Math.random() < cfg.reorderProbability) {
      // Deliver the same statuses in reverse order: the last one first.
      this.#reordered.add(record.wamid);
      delays.sort((a, b) => a - b);
      plan.reverse();
      this.state.schedule((delays.at(-1) ?? 0) + 1, () => this.#reordered.delete(record.wamid));
    }
    for (const [i, status] of plan.entries()) this.state.schedule(delays[i] ?? 0, () => this.emit(record, phone, status));
  }

  /** The customer read the business's messages (phone page or auto-read): `read` for each unread one. */
  markReadByCustomer(phoneNumberId: string, waId: string): string[] {
    const phone = this.state.phones.get(phoneNumberId);
    if (!phone) return [];
    const read: string[] = [];
    for (const record of this.state.outbound.values()) {
      if (record.phoneNumberId !== phoneNumberId || record.to !== waId) continue;
      if (record.type === 'reaction' || RANK[record.status] >= RANK.read || record.status === 'accepted') continue;
      this.emit(record, phone, 'read');
      read.push(record.wamid);
    }
    return read;
  }

  /** Records a status and sends its webhook (unless it would downgrade an in-order message). */
  emit(record: OutboundRecord, phone: PhoneNumber, status: WireStatus, failure?: { code: number; details: string }): void {
    const reordered = this.#reordered.has(record.wamid);
    if (!reordered && record.status !== 'accepted' && RANK[status] <= RANK[record.status]) return;
    if (record.status === 'failed') return;
    const at = this.state.now();
    if (RANK[status] > RANK[record.status] || status === 'failed') record.status = status;
    record.statuses.push({ status, at });
    if (failure) record.errors = [{ code: failure.code, title: webhookError(failure.code, failure.details).title, details: failure.details }];
    this.state.emit(record.phoneNumberId, record.to, { type: 'status', wamid: record.wamid, status: record.status });

    const wire: Record<string, unknown> = {
      id: record.wamid,
      status,
      timestamp: String(Math.floor(at.getTime() / 1000)),
      recipient_id: record.to,
    };
    if (this.#carriesConversation() && status !== 'failed') {
      const conversation: Record<string, unknown> = { id: conversationId(record), origin: { type: record.category } };
      if (status === 'sent') conversation.expiration_timestamp = String(Math.floor(at.getTime() / 1000) + 24 * 3600);
      wire.conversation = conversation;
    }
    if (this.#carriesPricing(record, status)) wire.pricing = this.#pricing(record);
    if (record.bizOpaqueCallbackData !== undefined) wire.biz_opaque_callback_data = record.bizOpaqueCallbackData;
    if (failure) wire.errors = [webhookError(failure.code, failure.details)];

    const value = { messaging_product: 'whatsapp', metadata: metadataOf(phone), statuses: [wire] };
    this.webhooks.deliver(phone, 'status', envelope(phone.wabaId, 'messages', value));
  }

  /** `pricing` goes on `sent` and on the first of delivered/read, never on failed. */
  #carriesPricing(record: OutboundRecord, status: WireStatus): boolean {
    if (status === 'sent') return true;
    if (status !== 'delivered' && status !== 'read') return false;
    return !record.statuses.slice(0, -1).some((s) => s.status === 'delivered' || s.status === 'read');
  }

  #pricing(record: OutboundRecord) {
    const key = `${record.phoneNumberId}:${record.to}`;
    const last = this.state.lastInboundAt.get(key);
    const windowOpen = last !== undefined && record.createdAt.getTime() - last.getTime() <= this.state.config.windowMs;
    const free = record.category === 'service' || (record.category === 'utility' && windowOpen);
    const type = free ? 'free_customer_service' : 'regular';
    return { billable: type === 'regular', pricing_model: 'PMP', type, category: record.category };
  }

  #carriesConversation(): boolean {
    const major = Number(/^v(\d+)/.exec(this.state.config.webhookVersion)?.[1] ?? '25');
    return major <= 23;
  }
}

const conversationIds = new WeakMap<OutboundRecord, string>();
function conversationId(record: OutboundRecord): string {
  let id = conversationIds.get(record);
  if (!id) {
    id = randomBytes(16).toString('hex');
    conversationIds.set(record, id);
  }
  return id;
}
