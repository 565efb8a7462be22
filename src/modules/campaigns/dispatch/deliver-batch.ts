import type { WhatsAppCloudApi } from '../../../adapters/whatsapp-cloud/types.ts';
import { GraphApiError } from '../../../adapters/whatsapp-cloud/types.ts';
import type { RateLimiter } from '../../../jobs/rate-limiter.ts';
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
/** How many sends are booked on the rate limiter at once. */
const CHUNK = 50;
/**
 * The share of the number's throughput campaigns plan for: timers fire a little late under load, and
 * late sends bunch up; this margin keeps a one-second window under Meta's limit without 130429s.
 */
export const PACING_HEADROOM = 0.98;

/** What became of a batch's sends. */
export interface DeliveryOutcome {
  accepted: AcceptedSend[];
  refused: RefusedSend[];
  /** Never handed to Meta (the campaign stopped, or an account-level error paused it). */
  unsent: ClaimedSend[];
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
  /** False once the campaign is no longer sending (checked between chunks). */
  stillSending: () => boolean;
  /** When slots for the first pass were already booked (before claiming): the first send's slot. */
  bookedFrom?: number;
}

interface Item {
  send: ClaimedSend;
  tries: number;
  notBefore: number;
}

/**
 * Sends a batch at the number's pace: slots are booked on the shared rate limiter in chunks and each
 * send starts at its own slot, so parallel batches interleave evenly instead of bursting. Requests
 * overlap (≈ rate × latency in flight). Throughput limits (130429) push the whole number back;
 * pair limits (131056) and temporary failures retry that recipient after a wait; an account-level
 * failure stops the batch and asks for a pause. Meta's other refusals fail the recipient with the code.
 */
export async function deliverBatch(sends: ClaimedSend[], o: DeliverOptions): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = { accepted: [], refused: [], unsent: [] };
  let queue: Item[] = sends.map((send) => ({ send, tries: 0, notBefore: 0 }));
  const interval = 1000 / o.ratePerSecond;
  let booked = o.bookedFrom;
  while (queue.length) {
    const due = Math.min(...queue.map((i) => i.notBefore));
    if (due > Date.now()) await sleep(due - Date.now(), o.signal);
    const ready = queue.filter((i) => i.notBefore <= Date.now());
    queue = queue.filter((i) => i.notBefore > Date.now());
    const inflight: Promise<{ item: Item; result: string | unknown }>[] = [];
    for (let start = 0; start < ready.length; start += CHUNK) {
      const chunk = ready.slice(start, start + CHUNK);
      if (outcome.pause || !o.stillSending()) {
        outcome.unsent.push(...chunk.map((i) => i.send));
        continue;
      }
      // The first pass uses the slots booked before the claim; retries book new ones.
      const t0 = booked !== undefined ? booked + start * interval : Date.now() + (await o.rateLimiter.reserve(o.key, o.ratePerSecond, chunk.length));
      chunk.forEach((item, i) => {
        inflight.push(
          sleep(t0 + i * interval - Date.now(), o.signal).then(async () => {
            if (outcome.pause) return { item, result: new StoppedError() };
            try {
              const message = whatsAppMessageOf(item.send.message, { callbackData: item.send.messageId });
              const { wamid } = await o.client.sendMessage(item.send.to, message);
              return { item, result: wamid };
            } catch (err) {
              return { item, result: err };
            }
          }),
        );
      });
      // Book the next chunk only when this one starts, so a pause stops the sends not yet booked.
      await sleep(t0 - Date.now(), o.signal);
    }
    booked = undefined;
    for (const { item, result } of await Promise.all(inflight)) {
      if (typeof result === 'string') {
        outcome.accepted.push({ messageId: item.send.messageId, wamid: result, at: new Date() });
        continue;
      }
      if (result instanceof StoppedError) {
        outcome.unsent.push(item.send);
        continue;
      }
      const retry = await classify(item, result, o, outcome);
      if (retry !== null) queue.push({ ...item, tries: item.tries + 1, notBefore: Date.now() + retry });
    }
    if (outcome.pause) {
      outcome.unsent.push(...queue.map((i) => i.send));
      queue = [];
    }
  }
  return outcome;
}

/** Records a failed send in the outcome; returns the wait before retrying it, or null when it is settled. */
async function classify(item: Item, err: unknown, o: DeliverOptions, outcome: DeliveryOutcome): Promise<number | null> {
  if (!(err instanceof GraphApiError)) {
    if (item.tries + 1 < MAX_TEMPORARY_TRIES) return 1000 * 2 ** item.tries;
    outcome.refused.push({ messageId: item.send.messageId, code: 'send_attempts_exhausted', title: err instanceof Error ? err.message.slice(0, 500) : null });
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
