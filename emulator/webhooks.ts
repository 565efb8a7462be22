import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { signWebhookBody } from '../src/adapters/whatsapp-cloud/verify-signature.ts';
import { Fifo } from '../src/shared/fifo.ts';
import { DeliveryThread } from './delivery-worker.ts';
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

/** The deliveries waiting for a free place at one receiver, and how many are in flight there. */
class DeliveryQueue extends Fifo<DeliveryRecord> {
  active = 0;
}

/**
 * Delivers signed webhooks to the business: `X-Hub-Signature-256` over the exact bytes sent, only
 * HTTP 200 counts, anything else is retried with exponential backoff (Meta retries for 7 days; the
 * emulator compresses that into `webhookRetry`). Optional duplicate deliveries mimic at-least-once.
 * At most `webhookConcurrency` deliveries are in flight per receiving URL, on as many connections at
 * most; the others wait in order (the wait does not count towards a delivery's timeout: that is the
 * request's own). A campaign's thousands of pending deliveries once opened a connection each, which
 * overflowed the receiver's listen queue and got connections reset.
 */
export class WebhookDispatcher {
  #closed = false;
  /** The HTTP requests themselves, on a thread of their own (requests in flight are aborted when the emulator closes). */
  readonly #thread = new DeliveryThread();
  /** Waiting deliveries, per receiving URL. */
  readonly #queues = new Map<string, DeliveryQueue>();
  #delivered = 0;
  #failed = 0;

  constructor(
    private readonly state: EmulatorState,
    private readonly logger?: FastifyBaseLogger,
  ) {}

  /** Aborts the deliveries in flight; nothing is retried afterwards (see `EmulatorState.close`). */
  close(): void {
    this.#closed = true;
    this.#thread.close();
    this.#queues.clear();
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
    this.state.schedule(delayMs, () => this.#queue(record));
    return record.id;
  }

  /** Queues a (first or retried) attempt behind the receiver's deliveries in flight. */
  #queue(record: DeliveryRecord): void {
    if (this.#closed) return;
    const url = this.state.phones.get(record.phoneNumberId)?.webhookUrl ?? record.url;
    let queue = this.#queues.get(url);
    if (!queue) {
      queue = new DeliveryQueue();
      this.#queues.set(url, queue);
    }
    queue.push(record);
    this.#pump(url, queue);
  }

  /** Deliveries due and waiting for a place, in flight, delivered and abandoned since the start (or the last reset). */
  stats(): { waiting: number; inFlight: number; delivered: number; failed: number } {
    let waiting = 0;
    let inFlight = 0;
    for (const queue of this.#queues.values()) {
      waiting += queue.size;
      inFlight += queue.active;
    }
    return { waiting, inFlight, delivered: this.#delivered, failed: this.#failed };
  }

  /** Forgets the counts (`POST /_emulator/reset`). */
  resetStats(): void {
    this.#delivered = 0;
    this.#failed = 0;
  }

  #pump(url: string, queue: DeliveryQueue): void {
    while (queue.active < this.state.config.webhookConcurrency) {
      const next = queue.shift();
      if (!next) break;
      queue.active++;
      void this.#attempt(next).finally(() => {
        queue.active--;
        if (queue.size > 0) this.#pump(url, queue);
        else if (queue.active === 0 && this.#queues.get(url) === queue) this.#queues.delete(url);
      });
    }
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
    const answer = await this.#thread.request({
      url: phone.webhookUrl,
      body: record.body,
      signature: signWebhookBody(record.body, phone.appSecret),
      timeoutMs: retry.timeoutMs,
      concurrency: this.state.config.webhookConcurrency,
    });
    if ('status' in answer) {
      record.lastStatus = answer.status;
      if (answer.status === 200) {
        this.#delivered++;
        record.state = 'delivered';
        record.deliveredAt = this.state.now();
        return;
      }
      record.lastError = `HTTP ${answer.status}`;
    } else {
      record.lastError = answer.error;
    }
    if (this.#closed) {
      record.state = 'failed';
      record.lastError = 'the emulator closed';
      return;
    }
    if (record.attempts >= retry.maxAttempts) {
      this.#failed++;
      record.state = 'failed';
      this.logger?.warn({ url: record.url, attempts: record.attempts, lastError: record.lastError }, 'webhook delivery abandoned');
      return;
    }
    const wait = Math.round(retry.baseMs * retry.factor ** (record.attempts - 1));
    this.logger?.debug({ url: record.url, attempts: record.attempts, wait, lastError: record.lastError }, 'webhook delivery failed; retrying');
    this.state.schedule(wait, () => this.#queue(record));
  }
}
