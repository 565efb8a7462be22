import type { EmulatorConfig } from './config.ts';

/**
 * Meta's sending limits: throughput per phone number (messages per second, 130429 above it) and
 * the pair rate limit per (business number, customer) (131056). Timestamps are real time: limits
 * are about request rate, not about the emulator's adjustable clock.
 */
export class RateLimits {
  /** phoneNumberId → send times, oldest first; those before `head` are older than a second. */
  readonly #sends = new Map<string, { times: number[]; head: number }>();
  /** `phoneNumberId:waId` → token bucket. */
  readonly #pairs = new Map<string, { tokens: number; updatedAt: number }>();

  /** Takes one send slot for the number; false when over `throughputMps` in the last second. */
  takeThroughput(phoneNumberId: string, config: EmulatorConfig, now = Date.now()): boolean {
    let window = this.#sends.get(phoneNumberId);
    if (!window) {
      window = { times: [], head: 0 };
      this.#sends.set(phoneNumberId, window);
    }
    // Times only grow, so the ones older than a second are at the front (no copy per send at 1,000/s).
    while (window.head < window.times.length && now - window.times[window.head]! >= 1000) window.head++;
    if (window.head > 4096) {
      window.times = window.times.slice(window.head);
      window.head = 0;
    }
    if (window.times.length - window.head >= config.throughputMps) return false;
    window.times.push(now);
    return true;
  }

  /**
   * Takes one message from the pair's bucket: `burst` messages at once, refilled at one per
   * `intervalMs` (Meta: bursts of 45, then about one every 6 s). Always true when disabled.
   */
  takePair(phoneNumberId: string, waId: string, config: EmulatorConfig, now = Date.now()): boolean {
    const { enabled, burst, intervalMs } = config.pairRateLimit;
    if (!enabled) return true;
    const key = `${phoneNumberId}:${waId}`;
    const bucket = this.#pairs.get(key) ?? { tokens: burst, updatedAt: now };
    const refill = intervalMs > 0 ? (now - bucket.updatedAt) / intervalMs : burst;
    bucket.tokens = Math.min(burst, bucket.tokens + refill);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      this.#pairs.set(key, bucket);
      return false;
    }
    bucket.tokens -= 1;
    this.#pairs.set(key, bucket);
    // Keep memory bounded: forget the oldest pairs beyond 50,000.
    if (this.#pairs.size > 50_000) {
      const oldest = this.#pairs.keys().next().value;
      if (oldest !== undefined) this.#pairs.delete(oldest);
    }
    return true;
  }

  /** Forgets all counters. */
  reset(): void {
    this.#sends.clear();
    this.#pairs.clear();
  }
}
