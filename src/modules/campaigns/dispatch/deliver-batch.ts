import type { WhatsAppCloudApi } from '../../../adapters/whatsapp-cloud/types.ts';
import { GraphApiError } from '../../../adapters/whatsapp-cloud/types.ts';
import { NETWORK_ERROR_CODE } from '../../../adapters/whatsapp-cloud/graph-api-error.ts';
import type { RateLimiter } from '../../../jobs/rate-limiter.ts';
import { Fifo, SlidingWindow } from '../../../shared/fifo.ts';
import { whatsAppMessageOf } from '../../inbox/outbound-content.ts';
import { pausesCampaign } from '../error-policy.ts';
import type { ClaimedSend } from './claim-batch.ts';
import type { AcceptedSend, RefusedSend } from './record-sends.ts';

/** Limits that concern the whole number: the next sends on it wait too (a pair limit only concerns one recipient). */
const NUMBER_WIDE = new Set([130429, 80007, 4, 613, 131057]);
/** Temporary failures are retried within the batch this many times before the recipient is marked failed. */
const MAX_TEMPORARY_TRIES = 3;
/** Rate limits are waited out within the batch this many times. */
const MAX_RATE_LIMITED_TRIES = 8;
/**
 * How far ahead of now a batch keeps slots booked on the rate limiter. Slots are taken in chunks just
 * in time rather than all at once: booked slots nobody uses are lost to the number, so a batch that
 * stops (pause, cancel, crash) wastes at most this much of its throughput, and parallel batches
 * interleave their chunks.
 */
const BOOK_AHEAD_MS = 250;
/** Accepted sends are recorded this often while a batch is still sending (see `DeliverOptions.record`). */
const RECORD_EVERY_MS = 250;
/**
 * The share of the number's throughput campaigns plan for: timers fire a little late under load, and
 * late sends bunch up; this margin keeps a one-second window under Meta's limit without 130429s.
 */
export const PACING_HEADROOM = 0.98;

/**
 * Sends in flight on one number from this process at most: half a second of its rate (at 250 ms per
 * request a quarter of a second's worth is needed). When Meta answers slowly, sends wait for a free
 * place instead of piling up thousands of requests — and connections — that would then time out.
 */
export function inFlightCapFor(ratePerSecond: number): number {
  return Math.max(20, Math.round(ratePerSecond / 2));
}

/** A counting gate per number (this process's sends in flight). */
class Gate {
  #active = 0;
  #waiting: (() => void)[] = [];

  async enter(cap: number): Promise<void> {
    if (this.#active < cap) {
      this.#active++;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Hands the place to the next waiting send, if any. */
  leave(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}

/**
 * This process's sends on one number in the last second. The shared rate limiter spaces the slots
 * evenly, but a busy event loop fires their timers late and then together: a few hundred sends would
 * go in one burst, over Meta's per-second limit (130429, and the whole number held back for a
 * second). Starting at most `rate` sends in any one-second window keeps a late stretch late instead.
 */
export class SendWindow {
  readonly #starts = new SlidingWindow(1000);
  #waiting = new Fifo<() => void>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** Resolves when a send may start without exceeding `rate` starts in the last second; records it. */
  admit(rate: number): Promise<void> {
    if (this.#waiting.size === 0 && this.#take(rate)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      this.#drain(rate);
    });
  }

  #take(rate: number): boolean {
    return this.#starts.take(this.now(), Math.max(1, Math.floor(rate)));
  }

  #drain(rate: number): void {
    while (this.#waiting.size && this.#take(rate)) this.#waiting.shift()!();
    if (this.#waiting.size === 0 || this.#timer) return;
    const wait = Math.max(1, (this.#starts.nextFreeAt() ?? this.now()) - this.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#drain(rate);
    }, wait);
  }
}
/** This process's pacing state per number (rate-limiter key): its in-flight gate and its send window. */
const numbers = new Map<string, { gate: Gate; window: SendWindow }>();
function pacingOf(key: string): { gate: Gate; window: SendWindow } {
  let pacing = numbers.get(key);
  if (!pacing) {
    pacing = { gate: new Gate(), window: new SendWindow() };
    numbers.set(key, pacing);
  }
  return pacing;
}

/** Slots taken from the rate limiter in one reservation: about 50 ms of the number's rate (10–100). */
export function chunkSizeFor(ratePerSecond: number): number {
  return Math.min(100, Math.max(10, Math.round(ratePerSecond / 20)));
}

/** What became of a batch's sends. */
export interface DeliveryOutcome {
  /** Accepted sends not handed to `record` (all of them when there is no `record`). */
  accepted: AcceptedSend[];
  refused: RefusedSend[];
  /** Never handed to Meta (the campaign stopped, or an account-level error paused it). */
  unsent: ClaimedSend[];
  /**
   * Sent, but no answer came back (timeout, connection lost): Meta may have accepted them. They are
   * not sent again before the in-doubt grace — their status webhook carries our message id back
   * meanwhile when they did go out — so nobody gets the message twice.
   */
  unanswered: ClaimedSend[];
  /** Why the first unanswered send got no answer (for the log). */
  unansweredError?: string;
  /** The first account-level failure, which pauses the campaign. */
  pause?: { code: string; detail: string | null };
}

/** What `deliverBatch` needs. */
export interface DeliverOptions {
  client: WhatsAppCloudApi;
  rateLimiter: RateLimiter;
  /** The number's rate-limiter key (shared with the inbox's sends). */
  key: string;
  ratePerSecond: number;
  signal: AbortSignal;
  /** False once the campaign is no longer sending (checked before each reservation). */
  stillSending: () => boolean;
  /**
   * Records accepted sends while the batch is still sending (every ~250 ms, one call at a time), so
   * a message has its WhatsApp id before Meta's first status webhook for it comes back and a crash
   * leaves few sends in doubt. A failed call's sends go with the next call; what the last call could
   * not record comes back in `DeliveryOutcome.accepted`.
   */
  record?: (accepted: AcceptedSend[]) => Promise<void>;
}

interface Item {
  send: ClaimedSend;
  tries: number;
  notBefore: number;
}

type Result = { item: Item; wamid: string; at: Date } | { item: Item; error: unknown };

/**
 * Sends a batch at the number's pace: slots are taken from the shared rate limiter in small chunks,
 * just ahead of time, and each send starts at its own slot, so parallel batches interleave evenly
 * instead of bursting. Requests overlap (≈ rate × latency in flight: 250 at 1,000/s and 250 ms).
 * Throughput limits (130429) push the whole number back; pair limits (131056) and temporary failures
 * retry that recipient after a wait; an account-level failure stops the batch and asks for a pause.
 * Meta's other refusals fail the recipient with the code.
 */
export async function deliverBatch(sends: ClaimedSend[], o: DeliverOptions): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = { accepted: [], refused: [], unsent: [], unanswered: [] };
  const recorder = o.record ? new Recorder(o.record) : null;
  let queue: Item[] = sends.map((send) => ({ send, tries: 0, notBefore: 0 }));
  const interval = 1000 / o.ratePerSecond;
  const chunkSize = chunkSizeFor(o.ratePerSecond);
  const { gate, window } = pacingOf(o.key);
  const cap = inFlightCapFor(o.ratePerSecond);
  try {
    while (queue.length) {
      const due = Math.min(...queue.map((i) => i.notBefore));
      if (due > Date.now()) await sleep(due - Date.now(), o.signal);
      // One reading of the clock for both halves: with two, a retry falling due between them was in neither.
      const now = Date.now();
      const ready = queue.filter((i) => i.notBefore <= now);
      queue = queue.filter((i) => i.notBefore > now);
      const inflight: Promise<Result>[] = [];
      for (let start = 0; start < ready.length; start += chunkSize) {
        const chunk = ready.slice(start, start + chunkSize);
        if (outcome.pause || !o.stillSending()) {
          outcome.unsent.push(...chunk.map((i) => i.send));
          continue;
        }
        const t0 = Date.now() + (await o.rateLimiter.reserve(o.key, o.ratePerSecond, chunk.length));
        chunk.forEach((item, i) => {
          inflight.push(
            sleep(t0 + i * interval - Date.now(), o.signal).then(async (): Promise<Result> => {
              if (outcome.pause) return { item, error: new StoppedError() };
              await gate.enter(cap);
              try {
                await window.admit(o.ratePerSecond);
                if (outcome.pause) return { item, error: new StoppedError() };
                const message = whatsAppMessageOf(item.send.message, { callbackData: item.send.messageId });
                const { wamid } = await o.client.sendMessage(item.send.to, message);
                const at = new Date();
                if (recorder) recorder.add({ messageId: item.send.messageId, wamid, at });
                return { item, wamid, at };
              } catch (error) {
                return { item, error };
              } finally {
                gate.leave();
              }
            }),
          );
        });
        // Book the next chunk only when this one is nearly used: a pause then stops the sends not yet booked.
        await sleep(t0 + chunk.length * interval - BOOK_AHEAD_MS - Date.now(), o.signal);
      }
      for (const result of await Promise.all(inflight)) {
        const { item } = result;
        if ('wamid' in result) {
          if (!recorder) outcome.accepted.push({ messageId: item.send.messageId, wamid: result.wamid, at: result.at });
          continue;
        }
        if (result.error instanceof StoppedError) {
          outcome.unsent.push(item.send);
          continue;
        }
        const retry = await classify(item, result.error, o, outcome);
        if (retry !== null) queue.push({ ...item, tries: item.tries + 1, notBefore: Date.now() + retry });
      }
      if (outcome.pause) {
        outcome.unsent.push(...queue.map((i) => i.send));
        queue = [];
      }
    }
  } finally {
    // Whatever happens, what Meta accepted is recorded (or handed back in the outcome when it cannot be).
    if (recorder) outcome.accepted.push(...(await recorder.close()));
  }
  return outcome;
}

/**
 * Records accepted sends in the background every {@link RECORD_EVERY_MS}, one call at a time. A call
 * that fails keeps its sends for the next one; `close` records what is left and returns what it could not.
 */
class Recorder {
  #buffer: AcceptedSend[] = [];
  #chain: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly record: (accepted: AcceptedSend[]) => Promise<void>) {}

  add(send: AcceptedSend): void {
    this.#buffer.push(send);
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.#chain = this.#chain.then(() => this.#flush());
    }, RECORD_EVERY_MS);
  }

  async close(): Promise<AcceptedSend[]> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#chain = this.#chain.then(() => this.#flush());
    await this.#chain;
    return this.#buffer.splice(0);
  }

  async #flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    try {
      await this.record(batch);
    } catch {
      // The writes are idempotent: the next call (or the batch's final transaction) tries them again.
      this.#buffer.unshift(...batch);
    }
  }
}

/** Records a failed send in the outcome; returns the wait before retrying it, or null when it is settled. */
async function classify(item: Item, err: unknown, o: DeliverOptions, outcome: DeliveryOutcome): Promise<number | null> {
  if (!(err instanceof GraphApiError)) {
    if (item.tries + 1 < MAX_TEMPORARY_TRIES) return 1000 * 2 ** item.tries;
    outcome.refused.push({ messageId: item.send.messageId, code: 'send_attempts_exhausted', title: err instanceof Error ? err.message.slice(0, 500) : null });
    return null;
  }
  if (err.code === NETWORK_ERROR_CODE && err.httpStatus === 0 && !neverReached(err)) {
    outcome.unanswered.push(item.send);
    outcome.unansweredError ??= err.message;
    return null;
  }
  const title = [err.title, err.details].filter(Boolean).join(': ') || null;
  if (pausesCampaign(err.code)) {
    outcome.pause ??= { code: String(err.code), detail: title };
    outcome.unsent.push(item.send);
    return null;
  }
  if (err.classification === 'rate_limited') {
    const wait = err.retryAfterMs ?? 1000;
    if (NUMBER_WIDE.has(err.code)) await holdNumberBack(o, wait);
    // Meta's advice for pair limits: wait 4^x seconds between retries to the same person.
    const pairWait = err.code === 131056 ? Math.max(wait, 4 ** item.tries * 1000) : wait;
    if (item.tries + 1 < MAX_RATE_LIMITED_TRIES) return pairWait;
  } else if (err.classification === 'retryable' && item.tries + 1 < MAX_TEMPORARY_TRIES) {
    return 1000 * 2 ** item.tries;
  }
  outcome.refused.push({ messageId: item.send.messageId, code: String(err.code), title });
  return null;
}

/** Connection failures that happen before a request is written: nothing reached Meta, so a retry is safe. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
function neverReached(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_CONNECTED.has(code)) return true;
  }
  return false;
}

class StoppedError extends Error {}

/**
 * Holds the number back for the limit window: every request in flight when Meta said "too fast" gets
 * 130429, so the hold does not stack (`holdOff`, not `penalize`) and is asked once per window here.
 */
const heldUntil = new Map<string, number>();
async function holdNumberBack(o: DeliverOptions, ms: number): Promise<void> {
  const now = Date.now();
  if ((heldUntil.get(o.key) ?? 0) > now) return;
  heldUntil.set(o.key, now + ms);
  if (heldUntil.size > 1000) heldUntil.clear();
  await o.rateLimiter.holdOff(o.key, ms);
}

/**
 * Waits, then fails if the job was aborted meanwhile. Sleeps are short (a slot, a retry wait), so the
 * signal is checked when they end rather than with a listener per pending send.
 */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  signal.throwIfAborted();
}
