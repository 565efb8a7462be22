import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { signWebhookBody } from '../src/adapters/whatsapp-cloud/verify-signature.ts';
import { Fifo } from '../src/shared/fifo.ts';
import { createLightHttp } from '../src/shared/light-fetch.ts';
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
 * Deliveries in flight per receiving URL at most, as a sender does: a slow receiver makes deliveries
 * wait their turn here instead of opening a connection each — thousands during a campaign, which
 * overflow the receiver's listen queue and get connections reset. The wait does not count towards a
 * delivery's timeout (that is the request's own).
 */
export const DELIVERY_CONCURRENCY = 100;
/**
 * Thousands of deliveries a second during a campaign: the light HTTP client keeps the emulator's own
 * CPU out of the way of the server it tests (on a shared machine); one connection per delivery in flight.
 */
const deliveryHttp = createLightHttp({ maxSockets: DELIVERY_CONCURRENCY });

/** The deliveries waiting for a free place at one receiver, and how many are in flight there. */
class DeliveryQueue extends Fifo<DeliveryRecord> {
  active = 0;
}

/**
 * Delivers signed webhooks to the business: `X-Hub-Signature-256` over the exact bytes sent, only
 * HTTP 200 counts, anything else is retried with exponential backoff (Meta retries for 7 days; the
 * emulator compresses that into `webhookRetry`). Optional duplicate deliveries mimic at-least-once.
 * At most {@link DELIVERY_CONCURRENCY} deliveries are in flight per receiving URL; the others wait in order.
 */
export class WebhookDispatcher {
  #closed = false;
  /** Requests in flight, aborted when the emulator closes. */
  readonly #inFlight = new Set<AbortController>();
  /** Waiting deliveries, per receiving URL. */
  readonly #queues = new Map<string, DeliveryQueue>();

  constructor(
    private readonly state: EmulatorState,
    private readonly logger?: FastifyBaseLogger,
  ) {}

  /** Aborts the deliveries in flight; nothing is retried afterwards (see `EmulatorState.close`). */
  close(): void {
    this.#closed = true;
    for (const controller of this.#inFlight) controller.abort(new Error('the emulator closed'));
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

  #pump(url: string, queue: DeliveryQueue): void {
    while (queue.active < DELIVERY_CONCURRENCY) {
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
    // One controller and one timer per request (cheaper than combining AbortSignal.timeout with a
    // closing signal at thousands of deliveries a second).
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('The webhook request timed out', 'TimeoutError')), retry.timeoutMs);
    this.#inFlight.add(controller);
    try {
      const response = await deliveryHttp.request(phone.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signWebhookBody(record.body, phone.appSecret),
          'user-agent': 'facebookexternalua',
        },
        body: record.body,
        signal: controller.signal,
      });
      record.lastStatus = response.status;
      if (response.status === 200) {
        record.state = 'delivered';
        record.deliveredAt = this.state.now();
        return;
      }
      record.lastError = `HTTP ${response.status}`;
    } catch (err) {
      record.lastError = err instanceof Error ? err.message : String(err);
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
    }
    if (this.#closed) {
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
    this.state.schedule(wait, () => this.#queue(record));
  }
}
