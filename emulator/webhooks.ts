import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { signWebhookBody } from '../src/adapters/whatsapp-cloud/verify-signature.ts';
import type { DeliveryRecord, EmulatorState, PhoneNumber } from './state.ts';

/**
 * Serializes a payload the way Meta does: every non-ASCII character as a lowercase `\uXXXX` escape
 * (surrogate pairs for emoji) and `/` as `\/`. Receivers that verify the signature over
 * re-serialized JSON instead of the exact bytes fail against the emulator, as they would in production.
 */
export function serializeLikeMeta(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** `{ object, entry: [{ id, changes: [{ value, field }] }] }` for one change. */
export function envelope(wabaId: string, field: string, value: unknown, time?: number): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: wabaId, changes: [{ value, field }] };
  if (time !== undefined) entry.time = time;
  return { object: 'whatsapp_business_account', entry: [entry] };
}

/** `value.metadata` of a phone number. */
export const metadataOf = (phone: PhoneNumber) => ({ display_phone_number: phone.displayPhoneNumber, phone_number_id: phone.phoneNumberId });

/**
 * Delivers signed webhooks to the business: `X-Hub-Signature-256` over the exact bytes sent, only
 * HTTP 200 counts, anything else is retried with exponential backoff (Meta retries for 7 days; the
 * emulator compresses that into `webhookRetry`). Optional duplicate deliveries mimic at-least-once.
 */
export class WebhookDispatcher {
  /** Aborted when the emulator closes: deliveries in flight stop with it. */
  readonly #closing = new AbortController();

  constructor(
    private readonly state: EmulatorState,
    private readonly logger?: FastifyBaseLogger,
  ) {}

  /** Aborts the deliveries in flight; nothing is retried afterwards (see `EmulatorState.close`). */
  close(): void {
    this.#closing.abort();
  }

  /** Queues `payload` for `phone`'s webhook URL after `delayMs`. Returns the delivery id. */
  deliver(phone: PhoneNumber, kind: DeliveryRecord['kind'], payload: unknown, delayMs = 0): string {
    const body = serializeLikeMeta(payload);
    const id = this.#enqueue(phone, kind, body, delayMs);
    if (this.state.config.duplicateProbability > 0 && Math.random() < this.state.config.duplicateProbability) {
      this.#enqueue(phone, kind, body, delayMs + 25);
    }
    return id;
  }

  #enqueue(phone: PhoneNumber, kind: DeliveryRecord['kind'], body: string, delayMs: number): string {
    const record: DeliveryRecord = {
      id: randomUUID(),
      phoneNumberId: phone.phoneNumberId,
      url: phone.webhookUrl,
      kind,
      body,
      attempts: 0,
      state: 'pending',
      createdAt: this.state.now(),
    };
    this.state.addDelivery(record);
    this.state.schedule(delayMs, () => void this.#attempt(record));
    return record.id;
  }

  async #attempt(record: DeliveryRecord): Promise<void> {
    // Use the number's current URL and secret: re-registering it redirects pending retries.
    const phone = this.state.phones.get(record.phoneNumberId);
    if (!phone) {
      record.state = 'failed';
      record.lastError = 'phone number removed';
      return;
    }
    record.url = phone.webhookUrl;
    record.attempts++;
    const retry = this.state.config.webhookRetry;
    try {
      const response = await fetch(phone.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signWebhookBody(record.body, phone.appSecret),
          'user-agent': 'facebookexternalua',
        },
        body: record.body,
        signal: AbortSignal.any([this.#closing.signal, AbortSignal.timeout(retry.timeoutMs)]),
      });
      record.lastStatus = response.status;
      await response.body?.cancel();
      if (response.status === 200) {
        record.state = 'delivered';
        record.deliveredAt = this.state.now();
        return;
      }
      record.lastError = `HTTP ${response.status}`;
    } catch (err) {
      record.lastError = err instanceof Error ? err.message : String(err);
    }
    if (this.#closing.signal.aborted) {
      record.state = 'failed';
      record.lastError = 'the emulator closed';
      return;
    }
    if (record.attempts >= retry.maxAttempts) {
      record.state = 'failed';
      this.logger?.warn({ url: record.url, attempts: record.attempts, lastError: record.lastError }, 'webhook delivery abandoned');
      return;
    }
    const wait = Math.round(retry.baseMs * retry.factor ** (record.attempts - 1));
    this.logger?.debug({ url: record.url, attempts: record.attempts, wait, lastError: record.lastError }, 'webhook delivery failed; retrying');
    this.state.schedule(wait, () => void this.#attempt(record));
  }
}
