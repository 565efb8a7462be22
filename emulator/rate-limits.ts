import { SlidingWindow } from '../src/shared/fifo.ts';
import type { EmulatorConfig } from './config.ts';

/**
 * Meta's sending limits: throughput per phone number (messages per second, 130429 above it) and
 * the pair rate limit per (business number, customer) (131056). Timestamps are real time: limits
 * are about request rate, not about the emulator's adjustable clock.
 */
export class RateLimits {
  /** phoneNumberId → its sends in the last second. */
  readonly #sends = new Map<string, SlidingWindow>();
  /** `phoneNumberId:waId` → token bucket. */
  readonly #pairs = new Map<string, { tokens: number; updatedAt: number }>();

  /** Takes one send slot for the number; false when over `throughputMps` in the last second. */
  takeThroughput(phoneNumberId: string, config: EmulatorConfig, now = Date.now()): boolean {
    let window = this.#sends.get(phoneNumberId);
    if (!window) {
      window = new SlidingWindow(1000);
      this.#sends.set(phoneNumberId, window);
    }
    return window.take(now, config.throughputMps);
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
