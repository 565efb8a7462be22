import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';

/**
 * A per-key rate limiter shared by every process through the database (GCRA). `reserve` books `n`
 * slots and returns how long the caller must wait before using them, so concurrent workers are spaced
 * evenly instead of bursting and then hitting the vendor's limit. Time comes from the database clock,
 * so processes on different hosts agree.
 */
export class RateLimiter {
  constructor(private readonly database: Database) {}

  /**
   * Reserves `n` slots on `key` at `ratePerSecond`, allowing bursts of up to `burst` slots.
   * Returns the wait in milliseconds (0 when the slots are free now).
   */
  async reserve(key: string, ratePerSecond: number, n = 1, burst = 1): Promise<number> {
    if (!(ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
    const intervalMicros = 1_000_000 / ratePerSecond;
    const cost = Math.round(n * intervalMicros);
    const tolerance = Math.round(Math.max(0, burst - 1) * intervalMicros);
    const rows = await this.database.rows<{ start: string; now: string }>(
      sql`with clock as (select (extract(epoch from clock_timestamp()) * 1000000)::bigint as now),
          up as (
            insert into rate_limits (key, tat_micros, rate_per_second)
            select ${key}, clock.now + ${cost}, ${ratePerSecond} from clock
            on conflict (key) do update
              set tat_micros = greatest(rate_limits.tat_micros, (select now from clock)) + ${cost},
                  rate_per_second = excluded.rate_per_second, updated_at = now()
            returning tat_micros
          )
          select (up.tat_micros - ${cost})::text as start, clock.now::text as now from up, clock`,
    );
    const row = rows[0]!;
    const waitMicros = Number(row.start) - Number(row.now) - tolerance;
    return waitMicros > 0 ? Math.ceil(waitMicros / 1000) : 0;
  }

  /** Reserves and sleeps until the slots are due. */
  async acquire(key: string, ratePerSecond: number, n = 1, burst = 1, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const wait = await this.reserve(key, ratePerSecond, n, burst);
    // The signal may have fired while the reservation was in flight: a listener added now would never run.
    signal?.throwIfAborted();
    if (wait > 0) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal!.reason);
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, wait);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /**
   * Keeps a key's next free slot at least `ms` from now (e.g. after a "too many requests" answer that
   * every request in flight gets at once): unlike `penalize`, repeating it within the window adds nothing.
   */
  async holdOff(key: string, ms: number): Promise<void> {
    const micros = Math.round(ms * 1000);
    await this.database.rows(
      sql`with clock as (select (extract(epoch from clock_timestamp()) * 1000000)::bigint as now)
          insert into rate_limits (key, tat_micros, rate_per_second)
          select ${key}, clock.now + ${micros}, 1 from clock
          on conflict (key) do update
            set tat_micros = greatest(rate_limits.tat_micros, (select now from clock) + ${micros}), updated_at = now()`,
    );
  }

  /**
   * Pushes a key's next free slot `ms` into the future (e.g. after the vendor answered "too many
   * requests"), also for a key that has no reservation yet.
   */
  async penalize(key: string, ms: number): Promise<void> {
    const micros = Math.round(ms * 1000);
    await this.database.rows(
      sql`with clock as (select (extract(epoch from clock_timestamp()) * 1000000)::bigint as now)
          insert into rate_limits (key, tat_micros, rate_per_second)
          select ${key}, clock.now + ${micros}, 1 from clock
          on conflict (key) do update
            set tat_micros = greatest(rate_limits.tat_micros, (select now from clock)) + ${micros}, updated_at = now()`,
    );
  }
}
