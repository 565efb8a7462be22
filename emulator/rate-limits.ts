import type { EmulatorConfig } from './config.ts';

/**
 * Meta's sending limits: throughput per phone number (messages per second, 130429 above it) and
 * the pair rate limit per (business number, customer) (131056). Timestamps are real time: limits
 * are about request rate, not about the emulator's adjustable clock.
 */
export class RateLimits {
  /** phoneNumberId → send times within the last second. */
  readonly #sends = new Map<string, number[]>();
  /** `phoneNumberId:waId` → token bucket. */
  readonly #pairs = new Map<string, { tokens: number; updatedAt: number }>();

  /** Takes one send slot for the number; false when over `throughputMps` in the last second. */
  takeThroughput(phoneNumberId: string, config: EmulatorConfig, now = Date.now()): boolean {
    const recent = (this.#sends.get(phoneNumberId) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= config.throughputMps) {
      this.#sends.set(phoneNumberId, recent);
      return false;
    }
    recent.push(now);
    this.#sends.set(phoneNumberId, recent);
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
